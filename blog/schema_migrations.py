"""Where the database stands against the migrations in ``migrations/``."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade

from blog.extensions import db


def _scripts() -> ScriptDirectory:
    return ScriptDirectory(current_app.extensions["migrate"].directory)


def is_empty() -> bool:
    """True when the database has no tables at all (a first start)."""
    return not sa.inspect(db.engine).get_table_names()


def current_revisions() -> set[str]:
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def head_revisions() -> set[str]:
    return set(_scripts().get_heads())


def pending_revisions() -> list[str]:
    """Revisions between the database and head, oldest first; empty when up to date.

    Also empty when the database stands at a revision these migrations don't know: a newer
    release has migrated it (its migrations add before they remove), and this code, still
    serving until it is replaced, has nothing to apply.
    """
    current = current_revisions()
    known = list(_scripts().walk_revisions())
    if current - {script.revision for script in known}:
        return []
    pending = []
    for script in known:
        if script.revision in current:
            break
        pending.append(script.revision)
    return list(reversed(pending))


def upgrade_to_head() -> None:
    upgrade(directory=current_app.extensions["migrate"].directory)
