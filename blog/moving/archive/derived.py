"""What an import makes again rather than trusting the archive: the stored HTML, the post totals,
the search index and the next ids, each with the function the blog uses for it elsewhere.

The HTML of posts, pages and comments is rendered again from their Markdown with the blog's own
renderer (:mod:`blog.markdown`), which sanitises it: an archive is a file from somewhere, and
HTML taken from it as it is would be shown to every reader as it is. The blog's own archive
gives the same HTML back (the same Markdown, the same renderer); one from an older release
gets what ``flask blog render-posts`` would give it, by the same function.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from blog.domain import counts, rendering, search, site_settings


def render_html() -> None:
    """Set every row's HTML from its Markdown, once all the rows are in: a post's HTML
    describes the uploaded images it shows from their rows (:mod:`blog.uploads.rendering`),
    which may come after the posts."""
    rendering.render_again(in_one_transaction=True)


def fire_triggers_as_rows_go_in(session: Session) -> None:
    """PostgreSQL's count triggers wait for the commit (:mod:`blog.domain.counts`), queueing an
    event per row: a million posts would be a million events held until then. An import fires
    them as each batch goes in instead."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET CONSTRAINTS ALL IMMEDIATE"))


def rebuild(session: Session) -> int:
    """Set the post totals from the posts, and index every published post for search (in the
    site settings' language, the archive's own: the settings row is loaded by now and nothing
    in this transaction has read the settings before). Returns how many posts were indexed."""
    counts.recount(session)
    return search.index.rebuild(session, site_settings.search_language())


def id_columns(tables: list[sa.Table]) -> list[sa.Column]:
    """The columns whose values the database numbers itself (``id``), of these tables."""
    return [
        table.autoincrement_column for table in tables if table.autoincrement_column is not None
    ]


def reset_sequences(session: Session, tables: list[sa.Table]) -> None:
    """After rows were inserted with their own ids, make the next id the database hands out
    follow the largest. PostgreSQL's sequences know nothing of ids given explicitly (``setval``,
    in the transaction; a rollback leaves a sequence moved on, which costs nothing); SQLite reads
    the largest id at each insert. MariaDB's counters move on by themselves as explicit ids are
    inserted; :func:`confirm_auto_increments` makes sure of it after the commit."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for column in id_columns(tables):
        sequence = sa.func.pg_get_serial_sequence(f'"{column.table.name}"', column.name)
        largest = sa.func.max(column)
        session.execute(
            sa.select(sa.func.setval(sequence, sa.func.coalesce(largest, 1), largest.is_not(None)))
        )


def confirm_auto_increments(engine: sa.Engine, tables: list[sa.Table]) -> None:
    """MariaDB: each table's ``AUTO_INCREMENT`` set to one past its largest id. Run after the
    commit, on a connection of its own: MariaDB commits before any ALTER TABLE."""
    if engine.dialect.name != "mysql":
        return
    with engine.begin() as connection:
        for column in id_columns(tables):
            following = connection.scalar(sa.select(sa.func.coalesce(sa.func.max(column), 0) + 1))
            connection.exec_driver_sql(
                f"ALTER TABLE `{column.table.name}` AUTO_INCREMENT = {int(following)}"
            )
