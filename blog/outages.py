"""Telling "the database is away for now" (a 503 that passes) from a fault in the code (a 500).

SQLAlchemy raises the same OperationalError for a refused connection and, on SQLite, for a
syntax error, so the class alone can't tell: what the driver says can. Away means the server
can't be reached, has dropped the connection, is starting up or shutting down, or has no
connection to spare; the SQLite file can't be opened, or another writer held it past the busy
timeout. Everything else (bad SQL, a missing table, a constraint, a deadlock, a statement
timeout) is a fault to look into and stays a 500.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc

POSTGRES_AWAY = {
    "57P01",  # admin_shutdown: the server is stopping (a restart)
    "57P02",  # crash_shutdown
    "57P03",  # cannot_connect_now: the server is starting up
    "53300",  # too_many_connections
}
"""PostgreSQL's error codes for a server that can't serve now; class 08 (connection
exceptions) is away too."""

MYSQL_AWAY = {
    1040,  # too many connections
    1053,  # server shutdown in progress
    1927,  # connection was killed
    2002,  # can't connect through the socket
    2003,  # can't connect over TCP (refused, unreachable)
    2006,  # server has gone away
    2013,  # lost connection during a query
}
"""MariaDB's and MySQL's error numbers for a server that can't serve now."""

SQLITE_AWAY = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_BUSY}

OUTAGE_ERRORS = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError, exc.TimeoutError)
"""The SQLAlchemy errors that may be an outage; :func:`database_unavailable` says which are."""


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database can't be reached for now, rather than a fault."""
    if isinstance(error, (exc.DisconnectionError, exc.TimeoutError)):
        return True  # the pool found the connection dead, or none came free in time
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True  # SQLAlchemy's dialect recognised a dropped connection
    driver_error = error.orig
    if isinstance(driver_error, sqlite3.Error):
        return (
            isinstance(driver_error, sqlite3.OperationalError)
            and driver_error.sqlite_errorcode & 0xFF in SQLITE_AWAY  # the primary code
        )
    if type(driver_error).__module__.startswith("pymysql."):
        return bool(driver_error.args) and driver_error.args[0] in MYSQL_AWAY
    import psycopg  # imported here: on SQLite the driver is never loaded (~10 MB a worker)

    if isinstance(driver_error, psycopg.OperationalError):
        state = driver_error.sqlstate
        # No code at all: libpq's own failure (refused, unreachable, closed by the server).
        return state is None or state.startswith("08") or state in POSTGRES_AWAY
    return False
