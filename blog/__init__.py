"""A Flask blogging platform.

``create_app`` is the application factory: ``flask --app blog run``, ``gunicorn wsgi:app`` and the
tests all build the app through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from blog import cli, errors, logs, setup
from blog.api.documentation import make_app
from blog.config import Config


def create_app(config: str | type[Config] | Mapping[str, Any] | None = None) -> Flask:
    """Build the app for ``config``: an environment name, a config class, or a mapping of
    overrides (which may name the environment as ``BLOG_ENV``). ``None`` reads ``BLOG_ENV``.

    The app is flask-openapi3's ``OpenAPI``, a Flask subclass that also writes the API's OpenAPI
    document; everything else about it is plain Flask."""
    app = make_app(__name__)
    setup.load_config(app, config)
    logs.configure_logging(app)
    setup.register_extensions(app)
    setup.register_blueprints(app)
    setup.register_admin(app)
    setup.register_template_helpers(app)
    errors.register_error_handlers(app)
    cli.register_cli(app)
    setup.register_shell_context(app)
    setup.prepare_database(app)
    return app
