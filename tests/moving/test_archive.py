"""The round trip the archive is for: a blog written on SQLite is exported, imported into
PostgreSQL, exported from there into MariaDB, and from there back into SQLite, and at every stop
it is the same blog: every row of every table, every image byte, the post totals and what
searches find. Each stop keeps its images in another storage (a folder, the database), so the
archive is shown to carry them whatever holds them. A stop whose server isn't reachable here is
skipped, and the chain goes on from the stop before it."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from blog.extensions import db
from blog.models import SignIn, Tag
from blog.moving.archive.format import MANIFEST
from tests.databases import reachable, server_of
from tests.moving.blogs import blog_on, run
from tests.moving.content import blog_contents, build_blog

CHAIN = ("postgresql", "mysql", "sqlite")
"""Where the blog made on SQLite goes, in turn."""
IMAGES_IN = {"postgresql": "local", "mysql": "database", "sqlite": "local"}


@dataclass
class Stop:
    archive: Path
    contents: dict[str, Any]
    sign_ins: int
    import_report: str = ""
    next_tag_id: int | None = None
    largest_tag_id: int | None = None


def _sign_ins() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SignIn))


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Stop:
    tmp = tmp_path_factory.mktemp("source")
    with blog_on("sqlite", "source", tmp, upload_storage="database") as app:
        build_blog(app)
        archive = tmp / "source.zip"
        result = run(app, "export", str(archive))
        assert result.exit_code == 0, result.output
        return Stop(archive, blog_contents(), _sign_ins())


def _stop(kind: str, archive: Path, tmp: Path) -> Stop:
    with blog_on(kind, f"at_{kind}", tmp, upload_storage=IMAGES_IN[kind]) as app:
        loaded = run(app, "import", str(archive))
        assert loaded.exit_code == 0, loaded.output
        exported = tmp / f"from_{kind}.zip"
        result = run(app, "export", str(exported))
        assert result.exit_code == 0, result.output
        stop = Stop(exported, blog_contents(), _sign_ins(), loaded.stdout)
        stop.largest_tag_id = db.session.scalar(sa.select(sa.func.max(Tag.id)))
        tag = Tag(name="added after the move")
        db.session.add(tag)
        db.session.commit()
        stop.next_tag_id = tag.id
        return stop


@pytest.fixture(scope="module")
def stops(source: Stop, tmp_path_factory) -> dict[str, Stop]:
    """Each reachable stop of :data:`CHAIN`, loaded from the archive of the stop before it."""
    made = {}
    archive = source.archive
    for kind in CHAIN:
        if reachable(kind):
            made[kind] = _stop(kind, archive, tmp_path_factory.mktemp(kind))
            archive = made[kind].archive
    return made


def _at(stops: dict[str, Stop], kind: str) -> Stop:
    if kind not in stops:
        pytest.skip(f"no {kind} server at {server_of(kind)}")
    return stops[kind]


def test_the_source_has_a_row_of_every_kind(source):
    empty = [name for name, rows in source.contents.items() if not rows]
    assert empty == []
    assert source.sign_ins == 1


@pytest.mark.parametrize("kind", CHAIN)
def test_each_stop_holds_the_same_blog(stops, source, kind):
    stop = _at(stops, kind)
    for name, expected in source.contents.items():
        assert stop.contents[name] == expected, name


@pytest.mark.parametrize("kind", CHAIN)
def test_sign_ins_stay_behind(stops, kind):
    assert _at(stops, kind).sign_ins == 0


@pytest.mark.parametrize("kind", CHAIN)
def test_new_rows_take_the_next_id(stops, kind):
    stop = _at(stops, kind)
    assert stop.next_tag_id == stop.largest_tag_id + 1


@pytest.mark.parametrize("kind", CHAIN)
def test_the_import_reports_what_it_loaded(stops, source, kind):
    report = _at(stops, kind).import_report
    for name, rows in source.contents.items():
        if name not in ("post_counts", "images", "searches"):
            assert f"  {name}: {len(rows)} rows\n" in report
    assert f"  images: {len(source.contents['images'])}\n" in report
    assert "2 published posts indexed for search" in report


def _members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as opened:
        return {name: opened.read(name) for name in opened.namelist() if name != MANIFEST}


def test_the_archive_comes_back_byte_for_byte(stops, source):
    """The last stop's archive holds the very bytes the first one did (its manifest aside: made
    elsewhere, at another time)."""
    last = stops[CHAIN[-1]]
    assert _members(last.archive) == _members(source.archive)
