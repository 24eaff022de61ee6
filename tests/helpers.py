"""What test modules import: apps of their own, and reading pages.

Most tests take the ``app`` fixture (tests/conftest.py), one app shared by the whole run. A test
whose settings are read only while the app is built (see ``READ_AT_CREATE_APP``) builds its own
with :func:`app_on`, or :func:`make_app` when it needs no cleaning up.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import threading
from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from blog import create_app, logs, mail
from blog.extensions import cache, db, limiter
from blog.schema_migrations import bind_flask_migrate
from tests import factories
from tests.databases import empty_tables, fresh_database

READ_AT_CREATE_APP = (
    "BLOG_ENV",
    "ENV_NAME",
    "DATABASE_URL",
    "SQLALCHEMY_",
    "AUTO_MIGRATE",
    "LOG_LEVEL",
    "TRUSTED_PROXIES",
    "CORS_ORIGINS",
    "REDIS_URL",
    "CACHE_",
    "RATELIMIT_ENABLED",
    "RATELIMIT_STORAGE_",
    "RATELIMIT_KEY_PREFIX",
    "MAIL_",
)
"""Settings (names, or prefixes ending in ``_``) that extensions and the factory read once, in
``create_app``: changing them on a built app changes nothing, so the ``settings`` fixture refuses
them and such a test builds its own app with :func:`app_on`."""


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as under a real server.

    Tests hold an app context open (for factories and checks); without this, requests would share
    its ``g`` and database session, and a signed-in user could leak from one request to the next.
    Afterwards the test's own session is expired, so it reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context() and db.session.registry.has():
            db.session.expire_all()
        return response


def csrf_token_in(html: str) -> str:
    """The first CSRF token in a page, whatever the attribute order of its hidden input."""
    for tag in re.findall(r"<input[^>]*>", html):
        if 'name="csrf_token"' in tag:
            return re.search(r'value="([^"]+)"', tag).group(1)
    raise AssertionError("no CSRF token in the page")


def make_app(database_url: str, **overrides) -> Flask:
    """A new app in the testing environment on ``database_url``, with ``overrides`` applied."""
    app = create_app({"BLOG_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    app.test_client_class = IsolatedClient
    return app


class AuthActions:
    """Sign in and out through the real forms, as a reader would."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, login: str = "alice", password: str = factories.PASSWORD):
        return self._client.post("/login", data={"login": login, "password": password})

    def logout(self):
        return self._client.post("/logout")


def sign_in_without_the_form(client: FlaskClient, user) -> None:
    """Sign ``client`` in as ``user`` as the sign-in form would (a sign-in on the server, its key
    in the session), for tests whose form submissions would be refused before sign-in."""
    from blog.domain import sessions

    key = sessions.start(user)
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True


class Api:
    """JSON requests to /api, with an optional ``Authorization: Token ...``."""

    def __init__(self, client) -> None:
        self.client = client
        self.token: str | None = None

    def _headers(self, token):
        token = token if token is not None else self.token
        return {"Authorization": f"Token {token}"} if token else {}

    def get(self, path, token=None, **kwargs):
        return self.client.get("/api" + path, headers=self._headers(token), **kwargs)

    def post(self, path, json=None, token=None, **kwargs):
        return self.client.post("/api" + path, json=json, headers=self._headers(token), **kwargs)

    def put(self, path, json=None, token=None, **kwargs):
        return self.client.put("/api" + path, json=json, headers=self._headers(token), **kwargs)

    def delete(self, path, token=None, **kwargs):
        return self.client.delete("/api" + path, headers=self._headers(token), **kwargs)

    def sign_up(self, username: str) -> str:
        response = self.post(
            "/users",
            {
                "user": {
                    "username": username,
                    "email": f"{username}@example.com",
                    "password": factories.PASSWORD,
                }
            },
        )
        assert response.status_code == 201, response.json
        return response.json["user"]["token"]

    def write(self, title="An article", token=None, **fields):
        article = {"title": title, "description": "About it", "body": "# Hello", **fields}
        response = self.post("/articles", {"article": article}, token=token)
        assert response.status_code == 201, response.json
        return response.json["article"]


@contextlib.contextmanager
def limiter_kept() -> Iterator[None]:
    """Put the rate limiter back as it was afterwards.

    Flask-Limiter keeps its state (on or off, its storage) on the one ``limiter`` object, and each
    app built sets it anew: an app with limits on would otherwise leave them on, counting in its
    storage, for the app the other tests share."""
    state = dict(vars(limiter))
    try:
        yield
    finally:
        vars(limiter).clear()
        vars(limiter).update(state)


def _remove_rows() -> None:
    """End the test's session and empty every table (the schema stays)."""
    db.session.remove()
    empty_tables(db.engine, db.metadata)


@contextlib.contextmanager
def app_on(database_url: str, **overrides) -> Iterator[Flask]:
    """An app of its own, in its own context; every row it wrote is gone afterwards."""
    with limiter_kept():
        app = make_app(database_url, **overrides)
        with app.app_context():
            try:
                yield app
            finally:
                _remove_rows()
                db.engine.dispose()


@contextlib.contextmanager
def app_on_empty_database(name_suffix: str, tmp_path) -> Iterator[Flask]:
    """An app, in its own context, on a database of its own with no schema at all: for tests
    that run the migrations themselves (Flask-Migrate's functions work on it). The database is
    dropped afterwards."""
    with fresh_database(name_suffix, tmp_path) as url:
        app = make_app(url)
        bind_flask_migrate(app)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


class SharedApp:
    """The app the tests of a run share, and what it takes to hand it to each one as if new."""

    def __init__(self, database_url: str) -> None:
        with limiter_kept():
            self.app = make_app(database_url)
            self._limiter_state = dict(vars(limiter))

    @contextlib.contextmanager
    def fresh(self) -> Iterator[Flask]:
        """The app in a context of its own; afterwards every row written is gone, and the
        settings, the cache, the mail outbox and the rate limiter's counts are as they were."""
        app = self.app
        config = dict(app.config)
        # Another app built since (app_on, make_app) may have switched the limiter on, and bound
        # the logger all apps share to a stream that is gone.
        self._restore_limiter()
        logs.configure_logging(app)
        with app.app_context():
            try:
                yield app
            finally:
                _remove_rows()
                cache.clear()
                self._restore_limiter()
                if limiter.enabled and limiter.initialized:
                    limiter.reset()
                app.extensions["mailman"].outbox = []
                app.config.clear()
                app.config.update(config)

    def _restore_limiter(self) -> None:
        vars(limiter).clear()
        vars(limiter).update(self._limiter_state)

    def close(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


def sent_mail(app: Flask) -> list:
    """The messages ``app`` has sent so far (in tests, kept in memory), once those still on
    their way (mail goes out in the background) have arrived."""
    for thread in threading.enumerate():
        if thread.name == mail.THREAD_NAME:
            thread.join(timeout=15)
    return list(getattr(app.extensions["mailman"], "outbox", []))


class StatementCount:
    total = 0


@contextlib.contextmanager
def counting_statements() -> Iterator[StatementCount]:
    """``with counting_statements() as counted:`` … ``counted.total`` is the SQL statements run
    on the engine of the app whose context is current on entering."""
    counted = StatementCount()

    def listener(*args, **kwargs):
        counted.total += 1

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield counted
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
