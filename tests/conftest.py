from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from blog import create_app
from blog.extensions import db as _db
from blog.schema_migrations import upgrade_to_head
from tests import factories
from tests.databases import empty_tables, fresh_database


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as under a real server.

    Tests hold an app context open (for factories and checks); without this, requests would share
    its ``g`` and database session, and a signed-in user could leak from one request to the next.
    Afterwards the test's own session is expired, so it reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context() and _db.session.registry.has():
            _db.session.expire_all()
        return response


def csrf_token_in(html: str) -> str:
    """The first CSRF token in a page, whatever the attribute order of its hidden input."""
    for tag in re.findall(r"<input[^>]*>", html):
        if 'name="csrf_token"' in tag:
            return re.search(r'value="([^"]+)"', tag).group(1)
    raise AssertionError("no CSRF token in the page")


def make_app(database_url: str, **overrides) -> Flask:
    app = create_app({"BLOG_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """One database for the run, built by the migrations (which proves they match the models)."""
    with fresh_database("", tmp_path_factory.mktemp("db")) as url:
        app = make_app(url)
        with app.app_context():
            upgrade_to_head()
            _db.engine.dispose()
        yield url


@contextlib.contextmanager
def app_on(database_url: str, **overrides) -> Iterator[Flask]:
    """An app in its own context; every row it wrote is gone afterwards."""
    app = make_app(database_url, **overrides)
    with app.app_context():
        yield app
        _db.session.remove()
        empty_tables(_db.engine, _db.metadata)
        _db.engine.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    with app_on(database_url) as app:
        yield app


@pytest.fixture
def csrf_app(database_url: str) -> Iterator[Flask]:
    """The app with CSRF protection on, as in production."""
    with app_on(database_url, WTF_CSRF_ENABLED=True) as app:
        yield app


@pytest.fixture
def db(app: Flask):
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class AuthActions:
    """Sign in and out through the real forms, as a reader would."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, login: str = "alice", password: str = factories.PASSWORD):
        return self._client.post("/login", data={"login": login, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def user(db):
    return factories.UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def count_statements(db):
    """``with count_statements() as counted:`` … ``counted.total`` is the SQL statements run."""

    class Counter:
        total = 0

    def listener(*args, **kwargs):
        Counter.total += 1

    @contextlib.contextmanager
    def counting():
        Counter.total = 0
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            yield Counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)

    return counting
