"""Turn-taking for writers whose check-then-insert must not interleave (row and advisory locks)."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from blog.extensions import db
from blog.models.site import TURNS, turns
from blog.sql import insert_skipping_conflicts

Row = TypeVar("Row")


def take_turns(user_id: int) -> None:
    """Make this transaction's writes for ``user_id`` wait for any other transaction's to end.

    A check-then-insert (is this submission a copy of one just saved?) is only right if no one
    else inserts in between: two workers serving one double click would both see no copy. A
    no-op UPDATE of the user's row holds the row lock on PostgreSQL and the write lock on SQLite
    until commit, so the second writer reads what the first one saved. The column it sets is no
    key: rows that refer to the user (follows, favorites) are not held up, and SQLite checks no
    foreign keys.
    """
    users = db.metadata.tables["users"]
    db.session.execute(
        sa.update(users).where(users.c.id == user_id).values(created_at=users.c.created_at)
    )


def take_turns_on(name: str) -> None:
    """Make transactions that name the same thing (a slug being chosen) take turns until commit.

    PostgreSQL: a transaction-scoped advisory lock on the name's hash. MariaDB and MySQL: the
    lock of a row of ``turns`` the hash picks (an unrelated name that picks the same row waits
    its turn too, which is rare and brief). SQLite lets one writer at a time in, and every
    caller here has written already, so it needs nothing.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(name))))
    elif dialect == "mysql":
        turn = zlib.crc32(name.encode()) % TURNS
        db.session.execute(insert_skipping_conflicts(turns).values(id=turn))


def insert_retrying(make: Callable[[], Row], attempts: int) -> Row:
    """``make()`` (which adds and flushes a new row) in a savepoint, made again from the start
    when a unique key refuses it (another writer took the slug it chose meanwhile), at most
    ``attempts`` times; the last refusal is raised."""
    for attempt in range(attempts):
        try:
            with db.session.begin_nested():
                return make()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
