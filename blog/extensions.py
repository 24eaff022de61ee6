"""Extensions, created unbound here and bound to an app by ``init_app`` in the factory."""

import sqlite3
import time

from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
cache = Cache()
compress = Compress()


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    """SQLite ignores foreign keys (and their ON DELETE CASCADE) unless asked, per connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


PING_AFTER_IDLE = 1.0
"""Seconds a pooled connection may rest before it is tried with ``SELECT 1`` on its way out.

Trying every connection (SQLAlchemy's ``pool_pre_ping``) cost PostgreSQL a round trip per
request, as much as a cached page's whole answer. A connection back in the pool within the
second is alive but for a restart in that second, which fails the requests then running, as a
restart always did; the pool then replaces its connections. One that rested longer (a quiet
night, the database restarted meanwhile) is tried, and replaced when it fails."""


@event.listens_for(Pool, "checkin")
def _rests_from(dbapi_connection, connection_record) -> None:
    connection_record.info["resting_since"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _tried_after_rest(dbapi_connection, connection_record, connection_proxy) -> None:
    """SQLite's connections are files of this process, with nothing to lose on the way."""
    resting_since = connection_record.info.get("resting_since")
    if isinstance(dbapi_connection, sqlite3.Connection) or resting_since is None:
        return
    if time.monotonic() - resting_since < PING_AFTER_IDLE:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
    except Exception as error:  # the driver's own errors: the pool connects again
        raise DisconnectionError() from error
