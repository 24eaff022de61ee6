"""The factory builds the app; importing the package builds nothing and loads no blueprint."""

import subprocess
import sys

from flask_openapi3 import APIBlueprint, OpenAPI

from blog.api.tokens import TokenError, check_token_before_validation, token_required

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
