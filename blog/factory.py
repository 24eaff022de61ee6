"""The application factory: :func:`create_app` and the steps it takes, one function each.

Blueprints, the admin and the template helpers are imported by the step that registers them, so
importing :mod:`blog` loads none of them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dotenv import dotenv_values, find_dotenv
from flask import Flask
from flask_cors import CORS
from flask_openapi3 import OpenAPI
from sqlalchemy.exc import SQLAlchemyError

from blog import caching, cli, errors, hardening, limits, logs, mail, page_cache, schema_migrations
from blog import config as cfg
from blog.api import documentation
from blog.extensions import csrf, db, login_manager


def create_app(config: str | type[cfg.Config] | Mapping[str, Any] | None = None) -> Flask:
    """Build the app for ``config``: an environment name, a config class, or a mapping of
    overrides (which may name the environment as ``BLOG_ENV``). ``None`` reads ``BLOG_ENV``.

    The app is flask-openapi3's ``OpenAPI``, a Flask subclass that also writes the API's OpenAPI
    document; everything else about it is plain Flask."""
    app = OpenAPI("blog", instance_relative_config=True, **documentation.openapi_settings())
    load_config(app, config)
    logs.configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_admin(app)
    register_template_helpers(app)
    errors.register_error_handlers(app)
    register_redirects(app)
    cli.register_cli(app)
    register_shell_context(app)
    prepare_database(app)
    return app


def load_config(app: Flask, config: str | type | Mapping[str, Any] | None) -> None:
    environ = _environment()
    overrides: Mapping[str, Any] = {}
    if isinstance(config, Mapping):
        overrides = config
        config_cls = cfg.config_class(overrides.get("BLOG_ENV"), environ)
    elif isinstance(config, type):
        config_cls = config
    else:
        config_cls = cfg.config_class(config, environ)

    app.config.from_object(config_cls)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(cfg.settings_from_environ(app.config, environ))
    app.config.update(overrides)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["ENV_NAME"] == "development" and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = cfg.instance_secret(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = cfg.database_uri(
        app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL"),
        app.instance_path,
    )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = cfg.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    )
    problem = cfg.setting_problem(app.config)
    if problem:
        raise cfg.ConfigurationError(problem)
    if app.config["ENV_NAME"] == "production":
        _enforce_production_safety(app, environ)


def _environment() -> dict[str, str]:
    """The process environment over the values in ``.env`` (read, not copied into os.environ)."""
    dotenv_file = find_dotenv(usecwd=True)
    from_file = {k: v for k, v in dotenv_values(dotenv_file).items() if v is not None}
    return {**from_file, **os.environ}


def _enforce_production_safety(app: Flask, environ: Mapping[str, str]) -> None:
    refusals = cfg.production_refusals(app.config)
    if refusals:
        raise cfg.ConfigurationError(refusals[0])
    if cfg.parse_env_value(environ.get("FLASK_DEBUG", ""), False):
        raise cfg.ConfigurationError(
            "FLASK_DEBUG is set; debug mode is never allowed in production"
        )
    app.config["DEBUG"] = False
    app.debug = False


def register_extensions(app: Flask) -> None:
    # First: its after_request runs after every other one, and its WSGI layer inside ProxyFix.
    page_cache.init_app(app)
    hardening.init_app(app)
    limits.init_app(app)
    caching.init_app(app)
    mail.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"


def register_blueprints(app: Flask) -> None:
    from blog.auth.routes import bp as auth_bp
    from blog.comments.routes import bp as comments_bp
    from blog.feeds.routes import bp as feeds_bp
    from blog.health.routes import bp as health_bp
    from blog.main.routes import bp as main_bp
    from blog.moving.markdown.download import bp as markdown_export_bp
    from blog.pages.routes import bp as pages_bp
    from blog.passkeys.routes import bp as passkeys_bp
    from blog.posts.routes import bp as posts_bp
    from blog.revisions.routes import bp as revisions_bp
    from blog.search.routes import bp as search_bp
    from blog.security.routes import bp as security_bp
    from blog.seo.routes import bp as seo_bp
    from blog.theme.routes import bp as theme_bp
    from blog.uploads.routes import bp as uploads_bp
    from blog.users.email_links import bp as email_links_bp
    from blog.users.routes import bp as users_bp

    blueprints = (
        *(main_bp, auth_bp, posts_bp, comments_bp, users_bp, email_links_bp, health_bp),
        feeds_bp,
        seo_bp,
        search_bp,
        revisions_bp,
        theme_bp,
        uploads_bp,
        pages_bp,
        security_bp,
        passkeys_bp,
        markdown_export_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    register_api(app)


def register_api(app: Flask) -> None:
    """The JSON API. It authenticates by token only, never by cookie, so it needs no CSRF token;
    browsers on other origins may call it when CORS_ORIGINS lists them."""
    from blog.api.blueprint import api

    documentation.init_app(app)
    app.register_api(api)
    csrf.exempt(api)
    origins = [o.strip() for o in app.config["CORS_ORIGINS"].split(",") if o.strip()]
    if origins:
        CORS(app, resources={r"/api/*": {"origins": origins}}, expose_headers=["Authorization"])


def register_admin(app: Flask) -> None:
    from blog.admin.panel import init_admin

    init_admin(app)


def register_template_helpers(app: Flask) -> None:
    from blog import metadata, templating
    from blog.posts import cards

    templating.init_app(app)
    metadata.init_app(app)
    cards.init_app(app)


def register_redirects(app: Flask) -> None:
    """The old addresses of a blog moved in, for what would otherwise be a 404."""
    from blog.moving.arrivals import redirects

    redirects.init_app(app)


def register_shell_context(app: Flask) -> None:
    from blog import models

    @app.shell_context_processor
    def shell_context() -> dict[str, Any]:
        return {"db": db, **{name: getattr(models, name) for name in models.__all__}}


def prepare_database(app: Flask) -> None:
    """Development brings its database to the latest migration by itself (an empty one, or one
    left behind by a pull); production only warns when it lags."""
    with app.app_context():
        if app.config["AUTO_MIGRATE"]:
            _migrate_at_start(app)
        elif app.config["ENV_NAME"] == "production":
            try:
                lag = schema_migrations.pending_revisions()
            except SQLAlchemyError as error:  # the server still starts; requests will say why
                app.logger.error("database unreachable at start: %s", error.__class__.__name__)
                return
            if lag:
                app.logger.warning(
                    "database schema is behind (%d migration(s) pending): run 'flask db upgrade'",
                    len(lag),
                )


def _migrate_at_start(app: Flask) -> None:
    if schema_migrations.is_empty():
        app.logger.info("empty database: applying migrations")
        schema_migrations.upgrade_to_head()
        return
    lag = schema_migrations.pending_revisions()
    if lag and schema_migrations.current_revisions():
        app.logger.info("database schema is behind: applying %d migration(s)", len(lag))
        schema_migrations.upgrade_to_head()
    elif lag:
        app.logger.warning(
            "the database has tables but no migration history: use a new database, or run "
            "'flask db stamp head' if its tables already match the models"
        )
