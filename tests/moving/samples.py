"""What the importer tests share: the sample exports, a blog of their own on a database of the
kind TEST_DATABASE_URL names, running a command, and reading what an import said and wrote."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from click.testing import Result
from flask import Flask

from blog.extensions import db
from blog.schema_migrations import upgrade_to_head
from tests.databases import fresh_database
from tests.helpers import limiter_kept, make_app

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "imports"
GHOST_SAMPLE = SAMPLES / "ghost" / "v4_export.json"
WORDPRESS_SAMPLE = SAMPLES / "wordpress" / "themeunittestdata.wordpress.xml"

_TALLY_LINE = re.compile(r"^  (\d+) (.+?): (.+)$")
UNSAFE = re.compile(r"<script|<iframe|<object|<embed|<style|<form|javascript:|\son\w+=", re.I)


@contextlib.contextmanager
def blog_of_its_own(name: str, tmp: Path) -> Iterator[Flask]:
    """An app, in its context, on a new database migrated to the latest revision; removed
    afterwards."""
    with fresh_database(f"_{name}", tmp) as url, limiter_kept():
        app = make_app(url)
        with app.app_context():
            upgrade_to_head()
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


def run(app: Flask, *args: str) -> Result:
    """``flask blog <args>``; the database session afterwards reads what it committed."""
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["blog", *args])
    db.session.remove()
    return result


def row_counts() -> dict[str, int]:
    """How many rows every table holds."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def section(output: str, title: str) -> dict[tuple[str, str], int]:
    """The ``(kind, reason): count`` lines of one section of an import's summary."""
    found: dict[tuple[str, str], int] = {}
    inside = False
    for line in output.splitlines():
        if not line.startswith("  "):
            inside = line.startswith(title)
        elif inside and (match := _TALLY_LINE.match(line)):
            found[(match.group(2), match.group(3))] = int(match.group(1))
    return found


def counted(tally: dict[tuple[str, str], int], kind: str) -> int:
    return sum(count for (name, _), count in tally.items() if name == kind)
