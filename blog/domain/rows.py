"""Row-level helpers the domain shares."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from blog.extensions import db


def dialect_insert(target):
    """An INSERT for the session's database, which offers ``on_conflict_do_nothing()``."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(target)


def insert_ignoring_conflicts(target, rows: list[dict]) -> None:
    """INSERT the rows, skipping any that would break a unique key.

    Safe when two requests race to add the same row (a double click, two workers): the database
    settles it, no one gets an error.
    """
    if not rows:
        return
    db.session.execute(dialect_insert(target).on_conflict_do_nothing(), rows)


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

    PostgreSQL: a transaction-scoped advisory lock on the name's hash. SQLite lets one writer at a
    time in, and every caller here has written already, so it needs nothing.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(name))))
