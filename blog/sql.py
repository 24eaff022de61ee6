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


def refresh_statistics(connection) -> None:
    """Have the database look at its tables again, so that its planner knows how many rows an
    index narrows to: without statistics SQLite takes ``status = 'published'`` for a handful of
    rows and reads a reader's feed by walking every post newest first, looking for the authors
    they follow. PostgreSQL keeps its statistics itself (autovacuum); this makes them current at
    once, after a bulk load. SQLite samples at most ``analysis_limit`` rows of each index, so
    this takes a moment on any size of blog."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA analysis_limit = 2000")
    connection.exec_driver_sql("ANALYZE")
