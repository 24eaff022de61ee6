"""The factory builds the app; importing the package builds nothing and loads no blueprint."""

import os
import subprocess
import sys

from flask_openapi3 import APIBlueprint, OpenAPI

from blog.api.tokens import TokenError, check_token_before_validation, token_required
from blog.extensions import db
from blog.schema_migrations import upgrade_to_head
from tests.factories import PostFactory
from tests.helpers import make_app

ROUTE_MODULES = ("routes", "blueprint", "admin.panel", "admin.views", "api.articles")


def test_importing_blog_loads_no_blueprint_or_route():
    script = "import sys, blog; print('\\n'.join(m for m in sys.modules if m.startswith('blog')))"
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "blog.factory" in loaded
    routes = [m for m in loaded if m.endswith(ROUTE_MODULES)]
    assert routes == []


def test_create_app_builds_the_app_with_the_api_and_its_document(app):
    assert type(app) is OpenAPI
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {"api.get_article", "api_docs", "posts.show", "admin.index"} <= endpoints
    assert app.api_doc["info"]["title"] == "Blog API"


def _blueprint(name: str, *, needs_token: bool) -> APIBlueprint:
    blueprint = APIBlueprint(name, __name__, url_prefix=f"/{name}")
    blueprint.before_request(check_token_before_validation)

    def article():  # both blueprints' views have this one name
        return {"served": name}

    view = token_required(article) if needs_token else article
    blueprint.get("/article")(view)
    return blueprint


def test_token_requirement_belongs_to_the_view_not_to_its_name():
    app = OpenAPI(__name__)
    app.register_api(_blueprint("guarded", needs_token=True))
    app.register_api(_blueprint("open", needs_token=False))
    app.register_error_handler(TokenError, lambda error: ({"token": error.reason}, 401))
    client = app.test_client()

    assert client.get("/guarded/article").status_code == 401
    response = client.get("/open/article")
    assert (response.status_code, response.json) == (200, {"served": "open"})


NOT_FOR_SERVING = (
    "alembic",  # migrating: flask db, blog init-db, development's start
    "flask_migrate",
    "psycopg",  # PostgreSQL's driver, on SQLite
    "faker",  # flask blog seed
    "jwt",  # API tokens (PyJWT loads cryptography's primitives)
    "cryptography.hazmat",
    "feedgen",  # writing a feed
    "lxml",  # feeds, and plain text for search
    "snowballstemmer",  # search terms
    "markdown_it",  # rendering Markdown, which happens when a post or comment is written
    "nh3",
    "pygments",
    "email_validator",  # checking an address someone gives
    "blog.uploads.images",  # Pillow's work on an upload (Flask-Admin imports Pillow itself)
)
"""What a worker serving pages never needs: each is imported by the code that uses it."""


def test_a_production_worker_serving_a_page_loads_nothing_it_does_not_use(tmp_path):
    """Each of these costs megabytes of every worker's memory (Alembic and psycopg about 10,
    PyJWT with cryptography 11); put back at a module's top, one would be loaded by every
    worker again."""
    url = f"sqlite:///{tmp_path}/blog.db"
    app = make_app(url)
    with app.app_context():
        upgrade_to_head()
        PostFactory(title="A post on the home page")
        db.session.remove()
        db.engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BLOG_", "FLASK_"))}
    env.update(BLOG_ENV="production", SECRET_KEY="s" * 50, DATABASE_URL=url)
    env.update(SITE_URL="https://blog.example.com", PAGE_CACHE="false")
    script = (
        "import sys\n"
        "from blog import create_app\n"
        "page = create_app().test_client().get('/', base_url='https://blog.example.com')\n"
        "assert page.status_code == 200 and b'A post on the home page' in page.data, page\n"
        "print('\\n'.join(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert {"blog.main.routes", "sqlalchemy.dialects.sqlite"} <= loaded
    assert [m for m in loaded if m.startswith(NOT_FOR_SERVING)] == []
