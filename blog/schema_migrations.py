"""Where the database stands against the migrations in ``migrations/``.

Serving only asks where the database stands, which takes neither Alembic nor Flask-Migrate: the
revision the database is at is read from Alembic's ``alembic_version`` table, and the migrations'
own from the ``revision``/``down_revision`` lines of their files. Flask-Migrate (and so Alembic,
~10 MB a worker that never migrates doesn't need) is bound to the app only to migrate: by
:func:`upgrade_to_head` and by the ``flask db`` commands (:func:`bind_flask_migrate`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app

from blog.domain.search import backends as search_backends
from blog.extensions import db
from blog.models import mysql

if TYPE_CHECKING:
    from flask import Flask

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

_REVISION_LINE = re.compile(
    r"^(?P<name>revision|down_revision)\s*(?::[^=]*)?=\s*(?P<value>.+?)\s*$", re.MULTILINE
)


def bind_flask_migrate(app: Flask) -> None:
    """Give ``app`` Flask-Migrate (once), which Alembic's commands and ``migrations/env.py``
    read from ``app.extensions["migrate"]``."""
    from flask_migrate import Migrate

    if "migrate" not in app.extensions:
        Migrate(
            app,
            db,
            directory=str(MIGRATIONS_DIR),
            render_as_batch=True,
            include_name=search_backends.not_an_index_table,
            include_object=mysql.compared_with_the_models,
        )


def is_empty() -> bool:
    """True when the database has no tables at all (a first start)."""
    return not sa.inspect(db.engine).get_table_names()


def current_revisions() -> set[str]:
    """The revisions the database is at, as Alembic records them; none without its table."""
    with db.engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return set()
        return set(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


def _revisions() -> dict[str, tuple[str, ...]]:
    """Each migration's revision id and the revisions it follows, read from its file."""
    revisions = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        if path.name.startswith(("__init__", ".#")):  # what Alembic skips too
            continue
        found = {
            m["name"]: ast.literal_eval(m["value"])
            for m in _REVISION_LINE.finditer(path.read_text(encoding="utf-8"))
        }
        if "revision" not in found:
            raise ValueError(f"no revision id in migrations/versions/{path.name}")
        down = found.get("down_revision")
        revisions[found["revision"]] = (down,) if isinstance(down, str) else tuple(down or ())
    return revisions


def head_revisions() -> set[str]:
    revisions = _revisions()
    followed = {down for downs in revisions.values() for down in downs}
    return set(revisions) - followed


def revisions_newest_first() -> list[str]:
    """Every revision, each before the ones it follows (the order of Alembic's walk_revisions)."""
    revisions = _revisions()
    waiting = {revision: 0 for revision in revisions}  # how many later revisions follow it
    for downs in revisions.values():
        for down in downs:
            waiting[down] += 1
    ready = sorted(revision for revision, count in waiting.items() if count == 0)
    ordered = []
    while ready:
        revision = ready.pop(0)
        ordered.append(revision)
        for down in revisions[revision]:
            waiting[down] -= 1
            if not waiting[down]:
                ready.append(down)
    return ordered


def pending_revisions() -> list[str]:
    """Revisions between the database and head, oldest first; empty when up to date.

    Also empty when the database stands at a revision these migrations don't know: a newer
    release has migrated it (its migrations add before they remove), and this code, still
    serving until it is replaced, has nothing to apply.
    """
    current = current_revisions()
    known = revisions_newest_first()
    if current - set(known):
        return []
    pending = []
    for revision in known:
        if revision in current:
            break
        pending.append(revision)
    return list(reversed(pending))


def upgrade_to_head() -> None:
    from flask_migrate import upgrade

    bind_flask_migrate(current_app)
    upgrade(directory=str(MIGRATIONS_DIR))
