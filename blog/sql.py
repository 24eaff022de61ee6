"""SQL that each database spells its own way, behind one function each."""

from __future__ import annotations

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
