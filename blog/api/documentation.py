"""The OpenAPI document (/api/openapi.json) and its reading page (/api/docs).

flask-openapi3 builds the document from the pydantic models in :mod:`blog.api.schemas`, the same
ones that validate requests and shape responses, so it cannot drift from the code. Swagger UI is
served from the flask-openapi3-swagger package's own files: no CDN. Its page is our template
(``templates/api_docs.html``) so that it runs with no inline script under the site's CSP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import redirect
from flask_openapi3 import Info, OpenAPI
from werkzeug.routing import BaseConverter

from blog.api.errors import schema_errors
from blog.api.schemas import ErrorResponse

TOKEN_SCHEME = {
    "type": "apiKey",
    "in": "header",
    "name": "Authorization",
    "description": "A JWT from registering or signing in, sent as `Authorization: Token <jwt>` "
    "(`Bearer <jwt>` is accepted too).",
    "x-extension": "`Authorization: Bearer <jwt>` works as well as the spec's `Token <jwt>`",
}


class ArticleSlugConverter(BaseConverter):
    """An article slug in an API path: anything but ``feed``, so that /api/articles/feed answers
    only as the feed (PUT or DELETE there is 405, not an article update)."""

    regex = r"(?!feed/?$)[^/]+"


def openapi_settings() -> dict[str, Any]:
    """What the app (flask-openapi3's ``OpenAPI``, a Flask subclass) needs to write the document."""
    return {
        "info": Info(
            title="Blog API",
            version="2.0.0",
            description="The RealWorld (Conduit) API v2 over this blog's posts, comments, "
            "favorites and follows. Operations marked `x-extension` go beyond the spec.",
        ),
        "security_schemes": {"Token": TOKEN_SCHEME},
        "doc_prefix": "/api",
        "doc_url": "/openapi.json",
        "validation_error_status": 422,
        "validation_error_model": ErrorResponse,
        "validation_error_callback": schema_errors,
    }


def init_app(app: OpenAPI) -> None:
    """The reading page and the slug converter the API's routes use: before the blueprint."""
    app.url_map.converters["article_slug"] = ArticleSlugConverter
    app.add_url_rule("/api/docs", "api_docs", lambda: redirect("/api/swagger"))
    with open(Path(__file__).parent.parent / "templates" / "api_docs.html") as page:
        app.config["SWAGGER_HTML_STRING"] = page.read()
