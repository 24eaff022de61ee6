"""SQL that each database spells its own way, behind one function each."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from blog.extensions import db


def insert_skipping_conflicts(target):
    """An INSERT for the session's database that skips a row breaking a unique key.

    MariaDB and MySQL have no ``ON CONFLICT DO NOTHING``: their ``ON DUPLICATE KEY UPDATE`` sets
    the key to what the row already holds (``INSERT IGNORE`` would also pass over a foreign key
    or a value too long, with a warning no one reads)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "mysql":
        statement = mysql_insert(target)
        key = next(iter(statement.table.primary_key))
        return statement.on_duplicate_key_update({key.name: key})
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(target).on_conflict_do_nothing()


def insert_ignoring_conflicts(target, rows: list[dict]) -> None:
    """INSERT the rows, skipping any that would break a unique key.

    Safe when two requests race to add the same row (a double click, two workers): the database
    settles it, no one gets an error.
    """
    if not rows:
        return
    db.session.execute(insert_skipping_conflicts(target), rows)


def refresh_statistics(connection) -> None:
    """Have the database look at its tables again, so that its planner knows how many rows an
    index narrows to: without statistics SQLite takes ``status = 'published'`` for a handful of
    rows and reads a reader's feed by walking every post newest first, looking for the authors
    they follow. PostgreSQL keeps its statistics itself (autovacuum); this makes them current at
    once, after a bulk load. SQLite samples at most ``analysis_limit`` rows of each index, so
    this takes a moment on any size of blog."""
    if connection.dialect.name == "mysql":  # a table at a time, named
        tables = sa.inspect(connection).get_table_names()
        connection.exec_driver_sql("ANALYZE TABLE " + ", ".join(f"`{t}`" for t in tables))
        return
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA analysis_limit = 2000")
    connection.exec_driver_sql("ANALYZE")
