"""What an import makes again rather than trusting the archive: the stored HTML, the post totals,
the search index and the next ids, each with the function the blog uses for it elsewhere.

The HTML of posts, pages and comments is rendered again from their Markdown with the blog's own
renderer (:mod:`blog.markdown`), which sanitises it: an archive is a file from somewhere, and
HTML taken from it as it is would be shown to every reader as it is. The blog's own archive
gives the same HTML back (the same Markdown, the same renderer); one from an older release
gets what ``flask blog render-posts`` would give it. (That command's
:func:`blog.domain.rendering.render_again` commits a batch at a time, as a live blog wants; an
import renders in its own single transaction, so it can't be called here.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from blog.domain import counts, search, site_settings
from blog.extensions import db
from blog.markdown import render_comment, render_post
from blog.moving.archive.format import ArchiveError

RENDERED_HTML: dict[str, tuple[str, str, Callable[[str], str]]] = {
    "posts": ("body", "body_html", render_post),
    "pages": ("body", "body_html", render_post),
    "comments": ("body", "body_html", render_comment),
}
"""Table: (its Markdown column, the HTML column made from it, the renderer)."""


def render_html(session: Session, batch: int) -> None:
    """Set every row's HTML from its Markdown, once all the rows are in: a post's HTML
    describes the uploaded images it shows from their rows (:mod:`blog.uploads.rendering`),
    which may come after the posts. Read ``batch`` rows at a time by id; only the rows whose
    HTML comes out different are written."""
    for name, (source, html, render) in RENDERED_HTML.items():
        table = db.metadata.tables[name]
        key, last_id = table.c.id, 0
        while rows := session.execute(
            sa.select(key, table.c[source], table.c[html])
            .where(key > last_id)
            .order_by(key)
            .limit(batch)
        ).all():
            last_id = rows[-1][0]
            changed = [
                {"row_id": row_id, "rendered": rendered}
                for row_id, text, stored in rows
                if (rendered := _rendered(render, name, text)) != stored
            ]
            if changed:
                session.execute(
                    sa.update(table)
                    .where(key == sa.bindparam("row_id"))
                    .values({html: sa.bindparam("rendered")}),
                    changed,
                )


def _rendered(render: Callable[[str], str], table: str, text: Any) -> str:
    if not isinstance(text, str):
        raise ArchiveError(f"a row of {table} has no text to render")
    return render(text)


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
