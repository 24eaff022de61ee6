"""The fixtures most tests take.

One app serves the whole run (each xdist worker has its own, on its own database): building an
app takes about a tenth of a second, more than most tests. Each test still starts as if the app
were new: its rows are emptied afterwards, its settings put back, its sessions removed, and the
cache, the mail outbox, the rate limiter and the log handler reset. A test that needs settings
read only while the app is built (``tests.helpers.READ_AT_CREATE_APP``), or routes of its own,
builds its own app with ``tests.helpers.app_on``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blog.extensions import db as _db
from blog.schema_migrations import upgrade_to_head
from tests import factories
from tests.databases import fresh_database
from tests.helpers import (
    READ_AT_CREATE_APP,
    Api,
    AuthActions,
    SharedApp,
    counting_statements,
    make_app,
)

BROWSER_TESTS = Path(__file__).parent / "browser"


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items) -> None:
    """Under xdist (``--dist loadgroup``) the browser tests go to one worker, so one live server
    and one Chromium serve them all."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_collection_finish(session) -> None:
    """A worker under ``--dist loadgroup`` whose tests lost their group tags would spread the
    browser tests over every worker, each with a live server of its own, and split what a module
    counts across processes (the XSS battery's ledger): fail the run at once instead."""
    if not getattr(session.config.option, "loadgroup", False):  # set on xdist's workers
        return
    untagged = [i.nodeid for i in session.items if BROWSER_TESTS in i.path.parents]
    untagged = [nodeid for nodeid in untagged if not nodeid.endswith("@browser")]
    if untagged:
        raise pytest.UsageError(f"pytest-xdist did not group {untagged[0]} (and others)")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """One database for the run, built by the migrations (which proves they match the models)."""
    with fresh_database("", tmp_path_factory.mktemp("db")) as url:
        app = make_app(url)
        with app.app_context():
            upgrade_to_head()
            _db.engine.dispose()
        yield url


@pytest.fixture(scope="session")
def shared_app(database_url: str) -> Iterator[SharedApp]:
    """The app of the run (of each xdist worker); module fixtures take it ``.fresh()`` too."""
    shared = SharedApp(database_url)
    yield shared
    shared.close()


@pytest.fixture
def app(shared_app: SharedApp) -> Iterator[Flask]:
    """The app, in a context of the test's own, as if new: whatever the test wrote, changed or
    left behind is gone afterwards."""
    with shared_app.fresh() as app:
        yield app


@pytest.fixture
def settings(app: Flask) -> Iterator[Callable[..., None]]:
    """``settings(POSTS_PER_PAGE=2)`` changes the app's settings for this test; they are put
    back afterwards. Only settings read while serving can change so: the rest (see
    ``READ_AT_CREATE_APP``) need an app of their own (``tests.helpers.app_on``)."""
    missing = object()
    originals: dict[str, object] = {}

    def change(**values) -> None:
        for name, value in values.items():
            if name.startswith(READ_AT_CREATE_APP):
                raise ValueError(
                    f"{name} is read only when the app is built: use tests.helpers.app_on"
                )
            originals.setdefault(name, app.config.get(name, missing))
            app.config[name] = value

    yield change
    for name, value in originals.items():
        if value is missing:
            app.config.pop(name, None)
        else:
            app.config[name] = value


@pytest.fixture
def csrf_app(app: Flask, settings) -> Flask:
    """The app with CSRF protection on, as in production."""
    settings(WTF_CSRF_ENABLED=True)
    return app


@pytest.fixture
def db(app: Flask):
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def user(db):
    return factories.UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def api(client, db) -> Api:
    """The JSON API, unauthenticated."""
    return Api(client)


@pytest.fixture
def signed_up(api) -> Api:
    """The JSON API with the token of a new account, "jake"."""
    api.token = api.sign_up("jake")
    return api


@pytest.fixture
def count_statements():
    """``with count_statements() as counted:`` … ``counted.total`` is the SQL statements run,
    on whichever app's engine is current when ``count_statements()`` is entered."""
    return counting_statements
