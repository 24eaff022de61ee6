"""Headers, request ids, proxies, probes and sessions."""

import pytest
import sqlalchemy as sa
from flask import request, url_for
from flask_migrate import upgrade

from blog.domain import sessions
from blog.extensions import db as _db
from blog.schema_migrations import MIGRATIONS_DIR, bind_flask_migrate
from tests.factories import PASSWORD
from tests.helpers import app_on, make_app


def test_every_response_carries_the_security_headers(client, db):
    for path in ("/", "/login", "/no-such-page", "/api/tags", "/healthz"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in headers  # not production, not https


@pytest.mark.parametrize(
    ("given", "echoed"),
    [("abc-123", True), ("x" * 200, False), ("bad id with spaces", False), ("", False)],
)
def test_request_id_is_echoed_when_sane_else_generated(client, db, given, echoed):
    response = client.get("/healthz", headers={"X-Request-ID": given} if given else {})
    returned = response.headers["X-Request-ID"]
    assert (returned == given) is echoed
    assert 1 <= len(returned) <= 128


def test_healthz_touches_nothing_and_readyz_checks_the_schema(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/unmigrated.db")
    client = app.test_client()
    assert client.get("/healthz").json == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert "migration(s) pending" in response.json["reason"]
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_on_a_migrated_database(client, db):
    assert client.get("/readyz").json == {"status": "ready"}


def _migrated_app(tmp_path, revision: str = "head"):
    app = make_app(f"sqlite:///{tmp_path}/blog.db")
    with app.app_context():
        bind_flask_migrate(app)
        upgrade(revision=revision)
        _db.engine.dispose()
    return app


def test_readyz_counts_the_migrations_a_database_lacks(tmp_path):
    response = _migrated_app(tmp_path, "0001").test_client().get("/readyz")
    assert response.status_code == 503
    later_migrations = len(list(MIGRATIONS_DIR.glob("versions/*.py"))) - 1
    assert response.json["reason"].startswith(f"{later_migrations} migration(s) pending")


def test_readyz_stays_ready_when_a_newer_release_migrated_the_database(tmp_path):
    """During a rolling deploy the new release migrates first; the old instances keep serving
    until they are replaced (migrations add before they remove), so they must not turn red."""
    app = _migrated_app(tmp_path)
    with app.app_context():
        _db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'from-the-future'"))
        _db.session.commit()
        _db.engine.dispose()
    assert app.test_client().get("/readyz").json == {"status": "ready"}


def test_readyz_says_when_the_database_is_unreachable():
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"].startswith("database unreachable")


def test_behind_trusted_proxies_the_client_and_scheme_come_from_the_headers(database_url):
    with app_on(database_url, TRUSTED_PROXIES=1) as app:

        @app.get("/whoami")
        def whoami():
            return {"addr": request.remote_addr, "url": url_for("main.home", _external=True)}

        answer = (
            app.test_client()
            .get(
                "/whoami",
                headers={
                    "X-Forwarded-For": "203.0.113.7",
                    "X-Forwarded-Proto": "https",
                    "X-Forwarded-Host": "blog.example",
                },
            )
            .json
        )
    assert answer == {"addr": "203.0.113.7", "url": "https://blog.example/"}


def test_without_trusted_proxies_forwarded_headers_are_ignored(database_url):
    with app_on(database_url) as app:  # a route of its own

        @app.get("/whoami")
        def whoami():
            return {"addr": request.remote_addr}

        answer = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"}).json
    assert answer == {"addr": "127.0.0.1"}


def test_sign_in_starts_a_fresh_session(client, user):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"login": "alice", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert sessions.user_for(session["_user_id"]) is user
