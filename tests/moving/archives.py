"""Archives for the import's tests: one of a small blog (the ``small_archive`` fixture; import
``small_archive_fixture  # noqa: F401`` from here where it is used), copies of it changed in one
way (:func:`rewritten`), and what a refused command must look like."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result

from blog.extensions import db
from blog.moving.archive.format import MANIFEST
from blog.moving.archive.tables import carried_tables
from tests.moving.blogs import blog_on, run
from tests.moving.content import build_small_blog


@pytest.fixture(scope="module", name="small_archive")
def small_archive_fixture(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("small")
    with blog_on("sqlite", "small", tmp) as app:
        build_small_blog()
        archive = tmp / "small.zip"
        result = run(app, "export", str(archive))
        assert result.exit_code == 0, result.output
    return archive


def rewritten(
    source: Path,
    target: Path,
    *,
    manifest: Callable[[dict], None] | None = None,
    members: dict[str, Callable[[bytes], bytes]] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A copy of the archive ``source`` at ``target``, its manifest changed in place by
    ``manifest``, the members named in ``members`` passed through their function, and the
    ``extra`` members added."""
    members = members or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == MANIFEST and manifest is not None:
                body = json.loads(data)
                manifest(body)
                data = json.dumps(body).encode()
            elif name in members:
                data = members[name](data)
            new.writestr(name, data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def table_entry(manifest: dict, name: str) -> dict:
    [entry] = [entry for entry in manifest["tables"] if entry["name"] == name]
    return entry


def each_line(change: Callable[[dict], None]) -> Callable[[bytes], bytes]:
    """A member's function that changes every row of a table in place."""

    def lines(data: bytes) -> bytes:
        rows = [json.loads(line) for line in data.splitlines()]
        for row in rows:
            change(row)
        return b"".join(json.dumps(row, ensure_ascii=False).encode() + b"\n" for row in rows)

    return lines


def rows_in_the_blog() -> dict[str, int]:
    """The row count of every carried table that has rows."""
    db.session.rollback()
    counts = {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in carried_tables()
    }
    return {name: count for name, count in counts.items() if count}


def assert_refused(result: Result, message: str) -> None:
    """The command said ``message`` on stderr and stopped with status 1, with no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert message in result.stderr
    assert "Traceback" not in result.output
