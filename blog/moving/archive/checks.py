"""What an import checks before it loads a row: that this blog can read the archive, and that
the database is ready for it (migrated to the latest revision, and empty unless ``--replace``).
Each refusal is an :class:`ArchiveError` that says what to do."""

from __future__ import annotations

import sqlalchemy as sa

from blog import schema_migrations
from blog.extensions import db
from blog.moving.archive.format import ArchiveError, Manifest
from blog.moving.archive.tables import NOT_CARRIED, carried_tables


def check_schema_revision(manifest: Manifest) -> None:
    """An archive made at this blog's revision, or an older one, loads: its tables and columns
    are among the ones this blog has (:func:`tables_to_load`), and columns added since take their
    defaults, as the migrations gave them. One from a revision these migrations don't know was
    made by a newer release, whose tables may mean something this one can't tell."""
    known = schema_migrations.revisions_newest_first()
    if manifest.schema_revision not in known:
        raise ArchiveError(
            f"it was made at schema revision {manifest.schema_revision!r}, which this blog "
            "doesn't know: a newer release made it. Upgrade this blog, then import it"
        )


def check_database_at_head() -> None:
    if schema_migrations.current_revisions() != schema_migrations.head_revisions():
        raise ArchiveError(
            "the database is not at the latest migration: run `flask blog init-db` first"
        )


def tables_to_load(manifest: Manifest) -> list[sa.Table]:
    """This blog's carried tables, parents first, once every table and column of the archive
    is known to be one of them. A table this blog makes again itself (:data:`NOT_CARRIED`),
    which an older release carried, is passed over."""
    tables = {table.name: table for table in carried_tables()}
    for name, columns in manifest.columns.items():
        if name in NOT_CARRIED:
            continue
        if name not in tables:
            raise ArchiveError(f"it holds a table this blog doesn't have: {name}")
        unknown = sorted(set(columns) - set(tables[name].columns.keys()))
        if unknown:
            raise ArchiveError(f"its {name} has columns this blog doesn't have: {unknown}")
    return list(tables.values())


def content_tables_with_rows() -> list[str]:
    """The carried tables that hold a row already (one EXISTS each: no table is counted)."""
    return [
        table.name
        for table in carried_tables()
        if db.session.scalar(sa.select(sa.exists().select_from(table)))
    ]


def check_empty() -> None:
    filled = content_tables_with_rows()
    if filled:
        raise ArchiveError(
            f"the database already holds a blog (rows in {', '.join(filled)}). Import into an "
            "empty database, or pass --replace to delete everything in it first"
        )
