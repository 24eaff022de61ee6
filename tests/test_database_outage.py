"""While the database is away, pages and the API answer 503 with Retry-After, and come back by
themselves when it returns; a fault in the SQL itself stays a 500.

The outages are real: PostgreSQL and MariaDB on a port of 127.0.0.1 where a socket is bound but
nothing listens (connection refused, as while the server restarts), SQLite in a folder that does not
exist (the file can't be opened)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from blog import extensions
from blog.api.tokens import issue_token
from blog.errors import MESSAGES
from blog.extensions import db
from blog.models import User
from blog.schema_migrations import upgrade_to_head
from tests.databases import fresh_database_of, postgres_url
from tests.factories import PostFactory
from tests.helpers import app_on, limiter_kept, make_app

SERVER_POSTGRES = postgres_url() or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def refusing_port() -> Iterator[int]:
    """A port of 127.0.0.1 that refuses connections for as long as it is held (bound, never
    listening, so no other process can take it in between)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def postgres_on(port: int) -> str:
    return make_url(SERVER_POSTGRES).set(port=port).render_as_string(hide_password=False)


@pytest.fixture(params=["postgresql", "mysql", "sqlite"])
def unreachable_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/no-such-folder/blog.db"
        return
    with refusing_port() as port:
        if request.param == "mysql":
            yield f"mysql+pymysql://root@127.0.0.1:{port}/blog?charset=utf8mb4"
        else:
            yield postgres_on(port)


@pytest.fixture
def outage_client(unreachable_url):
    with limiter_kept():
        app = make_app(unreachable_url)
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def _is_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_page_says_the_blog_is_down_for_a_moment(outage_client):
    response = outage_client.get("/")
    _is_unavailable(response)
    assert response.mimetype == "text/html"
    assert "Down for a moment" in response.text
    assert MESSAGES[503].replace("'", "&#39;") in response.text


def test_a_form_sent_during_the_outage_is_told_the_same(outage_client):
    response = outage_client.post("/login", data={"login": "alice", "password": "whatever"})
    _is_unavailable(response)
    assert "Down for a moment" in response.text


def test_a_signed_in_reader_gets_the_page_too(outage_client):
    """Their account can't be loaded either: the page is rendered as for anyone."""
    with outage_client.session_transaction() as session:
        session["_user_id"] = "1"
    response = outage_client.get("/settings")
    _is_unavailable(response)
    assert "Down for a moment" in response.text


def test_the_api_answers_in_its_error_shape(outage_client):
    with outage_client.application.app_context():
        token = issue_token(User(id=1))
    for response in (
        outage_client.get("/api/articles"),
        outage_client.get("/api/user", headers={"Authorization": f"Token {token}"}),
        outage_client.post("/api/users/login", json={"user": {"email": "a@b.c", "password": "x"}}),
    ):
        _is_unavailable(response)
        assert response.json == {"errors": {"body": [MESSAGES[503]]}}


def test_the_probes_say_what_they_said_before(outage_client):
    """Liveness touches no database, so the process is not restarted for the database's sake;
    readiness says why it isn't ready, in its own shape."""
    assert outage_client.get("/healthz").json == {"status": "ok"}
    ready = outage_client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["status"] == "unavailable"
    assert ready.json["reason"].startswith("database unreachable: ")


@pytest.mark.parametrize("sql", ["SELEC 1", "SELECT * FROM no_such_table"])
def test_a_fault_in_the_sql_itself_stays_a_server_error(database_url, sql):
    """Not every OperationalError is an outage: SQLite reports these as one."""
    with app_on(database_url, PROPAGATE_EXCEPTIONS=False) as app:

        @app.get("/broken-sql")
        def broken_sql():
            db.session.execute(sa.text(sql))

        response = app.test_client().get("/broken-sql")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert MESSAGES[500] in response.text


class Relay:
    """A TCP relay from a port of 127.0.0.1 to PostgreSQL that can be cut (every connection
    through it closed, new ones refused) and restored: the database going away and coming back,
    as far as the app can tell."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []
        placeholder = socket.socket()
        placeholder.bind(("127.0.0.1", 0))
        self.port = placeholder.getsockname()[1]
        self.placeholder: socket.socket | None = placeholder

    def restore(self) -> None:
        self.placeholder.close()
        self.placeholder = None
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        placeholder = socket.socket()
        placeholder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread, as close doesn't
        self.listener.close()
        self.listener = None
        for sock in self.open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.open.clear()
        placeholder.bind(("127.0.0.1", self.port))
        self.placeholder = placeholder

    def close(self) -> None:
        for sock in (self.listener, self.placeholder, *self.open):
            if sock is not None:
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


ENDING_ITS_OWN_CONNECTION = {
    "postgresql": "SELECT pg_terminate_backend(pg_backend_pid())",  # 57P01, admin_shutdown
    "mysql": "KILL CONNECTION_ID()",  # 1927, connection was killed
}
"""What a restart does to the connections in use, asked by a connection of itself."""


def _server_goes_and_comes_back(database_url: str, monkeypatch) -> None:
    url = make_url(database_url)
    relay = Relay(url.port or {"postgresql": 5432, "mysql": 3306}[url.get_backend_name()])
    with limiter_kept():
        app = make_app(url.set(port=relay.port).render_as_string(False))

    @app.get("/ended-by-the-server")
    def ended_by_the_server():
        db.session.execute(sa.text(ENDING_ITS_OWN_CONNECTION[url.get_backend_name()]))

    client = app.test_client()
    try:
        _is_unavailable(client.get("/"))
        relay.restore()
        assert client.get("/").status_code == 200
        relay.cut()  # with a connection in the pool, now dead
        _is_unavailable(client.get("/api/articles"))
        relay.restore()
        assert client.get("/api/articles").status_code == 200
        _is_unavailable(client.get("/ended-by-the-server"))
        assert client.get("/").status_code == 200
        # Restarted while the pool rested: the rested connection is tried, and replaced.
        relay.cut()
        relay.restore()
        monkeypatch.setattr(extensions, "PING_AFTER_IDLE", 0.0)
        assert client.get("/api/articles").status_code == 200
        assert client.get("/").status_code == 200
    finally:
        relay.close()
        with app.app_context():
            db.engine.dispose()


def _sqlite_file_can_be_opened_at_last(database_url: str, tmp_path) -> None:
    folder = tmp_path / "later"
    with limiter_kept():
        app = make_app(f"sqlite:///{folder}/blog.db")
    client = app.test_client()
    _is_unavailable(client.get("/"))
    folder.mkdir()
    with app.app_context():
        upgrade_to_head()
    assert client.get("/").status_code == 200
    assert client.get("/api/articles").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_a_worker_serves_again_once_the_database_is_back(database_url, tmp_path, monkeypatch):
    """The run's database goes away and comes back: PostgreSQL or MariaDB through a relay that is
    cut (the pooled connection dies with it) and restored; SQLite by its folder appearing."""
    if make_url(database_url).get_backend_name() in ENDING_ITS_OWN_CONNECTION:
        _server_goes_and_comes_back(database_url, monkeypatch)
    else:
        _sqlite_file_can_be_opened_at_last(database_url, tmp_path)


def test_a_rollback_on_a_connection_the_server_terminated_does_not_fail_the_answer(
    client, db, monkeypatch
):
    """A restart's fast shutdown terminates the connection under a request, and the ROLLBACK
    ending it fails (57P01): raised from the teardown, that was gunicorn's bare 500 in the soak
    (``make faults``). The answer stands; the connection is dropped and the next request gets a
    new one."""
    import psycopg

    terminated = sa.exc.OperationalError("ROLLBACK", None, psycopg.errors.AdminShutdown())

    def refuse(dbapi_connection):
        dbapi_connection.close()  # as the server did: nothing of the transaction stays open
        raise terminated

    PostFactory()
    monkeypatch.setattr(db.engine.dialect, "do_rollback", refuse)
    assert client.get("/").status_code == 200
    monkeypatch.undo()
    assert client.get("/").status_code == 200


def test_an_account_key_with_the_database_away_counts_by_address_and_leaves_it_usable(app, db):
    """The rate limits' account key looks the account up before the view runs. With the
    database gone under it, Flask-Limiter swallowed the error and the session stayed broken:
    the view then failed with PendingRollbackError, a 500, in the soak's PostgreSQL restart
    (``make faults``). The address counts instead, and the view gets a working session."""
    import psycopg

    from blog import limits

    def lookup_as_the_server_goes():
        db.session.execute(sa.text("SELECT 1"))  # a transaction begun on the connection
        raise sa.exc.OperationalError("SELECT", None, psycopg.errors.AdminShutdown())

    key = limits.account_key(lookup_as_the_server_goes)
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        assert key() == "ip:192.0.2.7"
        assert db.session.execute(sa.text("SELECT 2")).scalar() == 2


CLOSING_WHEN_IDLE_FOR_A_SECOND = {
    "postgresql": "SET idle_session_timeout = '1s'",
    "mysql": "SET SESSION wait_timeout = 1",
}
CONNECTION_ID = {"postgresql": "SELECT pg_backend_pid()", "mysql": "SELECT CONNECTION_ID()"}


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_a_connection_the_server_closed_while_it_rested_is_replaced_unseen(kind, tmp_path):
    """A worker idle past the server's ``wait_timeout`` (``idle_session_timeout``) finds its
    pooled connection closed: its first request is still answered, on a new connection."""
    with fresh_database_of(kind, "_idle", tmp_path) as url:
        with limiter_kept():
            app = make_app(url)

        @app.get("/connection")
        def connection():
            return str(db.session.scalar(sa.text(CONNECTION_ID[kind])))

        @app.get("/close-when-idle")
        def close_when_idle():
            db.session.execute(sa.text(CLOSING_WHEN_IDLE_FOR_A_SECOND[kind]))
            db.session.commit()  # PostgreSQL's SET ends with its transaction otherwise
            return connection()

        client = app.test_client()
        try:
            first = client.get("/close-when-idle")
            assert first.status_code == 200
            time.sleep(2.5)  # the server closes the pooled connection after one second
            again = client.get("/connection")
            assert again.status_code == 200
            assert again.text != first.text
            assert client.get("/connection").text == again.text
        finally:
            with app.app_context():
                db.engine.dispose()
