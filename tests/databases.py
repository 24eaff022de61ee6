"""Test databases: a SQLite file by default, PostgreSQL or MariaDB when TEST_DATABASE_URL names
one (``postgresql://postgres@127.0.0.1:5432/blog_test``, ``mysql://root@127.0.0.1:3306/blog_test``).

Server databases are created fresh for a run and dropped after it, so no test depends on what
an earlier run left behind. Under pytest-xdist each worker has its own: their names end in the
worker's id (``blog_test_gw0``), and SQLite files lie in each worker's own temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from blog.config import database_uri


@sa.event.listens_for(sa.Engine, "connect")
def _commit_without_waiting_for_the_disk(dbapi_connection, connection_record) -> None:
    """SQLite, like the PostgreSQL databases below, need not survive a crash in tests: a commit
    (each factory row is one) then costs a tenth of what waiting for the disk did."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.close()


def server_url() -> str | None:
    """TEST_DATABASE_URL, normalised as the app normalises DATABASE_URL; None for SQLite."""
    url = os.environ.get("TEST_DATABASE_URL")
    return database_uri(url, "") if url else None


def postgres_url() -> str | None:
    url = server_url()
    return url if url and make_url(url).get_backend_name() == "postgresql" else None


def worker_suffix() -> str:
    """``_gw0`` in pytest-xdist's first worker, and so on; empty outside xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"_{worker}" if worker else ""


def _admin_engine(url: str) -> sa.Engine:
    parsed = make_url(url)
    admin = parsed.set(database="postgres" if parsed.get_backend_name() == "postgresql" else "")
    return sa.create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


def _create(connection: sa.Connection, name: str) -> None:
    if connection.dialect.name == "mysql":
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
        connection.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        return
    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    # A test database need not survive a crash: commits don't wait for the disk (each factory
    # row is a commit; the wait was about three quarters of a commit's time).
    connection.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


def _drop(connection: sa.Connection, name: str) -> None:
    if connection.dialect.name == "mysql":
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
    else:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_database(name_suffix: str, tmp_dir: Path) -> Iterator[str]:
    """The URL of an empty database of the run's kind, removed afterwards."""
    base = server_url()
    kind = "sqlite" if base is None else make_url(base).get_backend_name()
    with fresh_database_of(kind, name_suffix, tmp_dir) as url:
        yield url


def empty_tables(engine: sa.Engine, metadata: sa.MetaData) -> None:
    """Remove every row, keeping the schema (much faster than rebuilding it per test), and start
    the ids at 1 again.

    DELETE, children first, rather than PostgreSQL's TRUNCATE: a test leaves a few rows, which
    DELETE removes in milliseconds, while TRUNCATE makes new files for every table and took a
    fifth of a second each time."""
    tables = list(reversed(metadata.sorted_tables))
    with engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())
        if engine.dialect.name == "mysql":  # InnoDB keeps a table's next id until told
            # ALTER waits for every transaction that touched the table: a test that left one
            # open fails in seconds, rather than the run hanging for a day.
            connection.exec_driver_sql("SET SESSION lock_wait_timeout = 20")
            used = connection.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = DATABASE() AND auto_increment > 1"
            ).scalars()
            for name in list(used):
                connection.exec_driver_sql(f"ALTER TABLE `{name}` AUTO_INCREMENT = 1")
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval(c.oid, 1, false) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            )


LOCAL_SERVERS = {
    "postgresql": "postgresql://postgres@127.0.0.1:5432/blog_test",
    "mysql": "mysql://root@127.0.0.1:3306/blog_test",
}
"""Where a database of each server kind is made when TEST_DATABASE_URL names another kind."""


def server_of(kind: str) -> str:
    """The server URL a database of ``kind`` is made on: TEST_DATABASE_URL's when it is of that
    kind, else the local one of :data:`LOCAL_SERVERS`."""
    base = server_url()
    if base is not None and make_url(base).get_backend_name() == kind:
        return base
    return database_uri(LOCAL_SERVERS[kind], "")


def reachable(kind: str) -> bool:
    """Whether a database of ``kind`` can be made here (SQLite always can)."""
    if kind == "sqlite":
        return True
    engine = _admin_engine(server_of(kind))
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


@contextlib.contextmanager
def fresh_database_of(kind: str, name_suffix: str, tmp_dir: Path) -> Iterator[str]:
    """The URL of an empty database of ``kind`` (``sqlite``, ``postgresql``, ``mysql``) whatever
    TEST_DATABASE_URL names, removed afterwards: for tests that move a blog between kinds."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_dir / f'blog{name_suffix}.db'}"
        return
    base = server_of(kind)
    url = make_url(base)
    name = f"{url.database}{name_suffix}{worker_suffix()}"
    engine = _admin_engine(base)
    with engine.connect() as connection:
        _create(connection, name)
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            _drop(connection, name)
        engine.dispose()
