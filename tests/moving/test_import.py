"""What ``flask blog import`` loads, on the database the run is on: into an empty database, over
a blog with ``--replace`` (asked first, and undone whole when the archive fails), an archive of an
older schema revision, and the HTML made again rather than taken from the file."""

from __future__ import annotations

import json
import zipfile

import sqlalchemy as sa

from blog import schema_migrations
from blog.domain import counts, sessions
from blog.extensions import db
from blog.markdown import render_post
from blog.models import Post, User, content_version
from tests import factories
from tests.moving.archives import (
    assert_refused,
    each_line,
    rewritten,
    rows_in_the_blog,
    small_archive_fixture,  # noqa: F401
    table_entry,
)
from tests.moving.blogs import run

POSTS = "tables/posts.jsonl"
USERS = "tables/users.jsonl"


def _rows_in(archive) -> dict[str, int]:
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    return {entry["name"]: entry["rows"] for entry in manifest["tables"] if entry["rows"]}


def _usernames() -> list[str]:
    return db.session.scalars(sa.select(User.username).order_by(User.id)).all()


def _version() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(content_version.c.version)) or 0


def test_loads_into_an_empty_database(app, small_archive):
    result = run(app, "import", str(small_archive))

    assert result.exit_code == 0, result.output
    assert rows_in_the_blog() == _rows_in(small_archive)
    assert _usernames() == ["author", "reader"]
    assert "  posts: 3 rows\n" in result.stdout
    assert "3 published posts indexed for search" in result.stdout
    assert counts.public_posts_count() == 3


def _old_blog() -> None:
    old = factories.UserFactory(username="old-owner")
    factories.PostFactory(author=old, title="The old blog's post", tags=["old"])
    sessions.start(old)
    db.session.commit()


def test_replace_puts_the_archive_in_place_of_the_blog(app, small_archive):
    _old_blog()
    version_before = _version()

    result = run(app, "import", str(small_archive), "--replace", "--yes")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Replaced the blog. Loaded:\n")
    assert rows_in_the_blog() == _rows_in(small_archive)
    assert _usernames() == ["author", "reader"]
    assert db.session.scalar(sa.select(Post).where(Post.title == "The old blog's post")) is None
    assert _version() > version_before  # caches never serve the old blog's pages again


def test_replace_asks_first(app, small_archive):
    _old_blog()
    before = rows_in_the_blog()

    result = run(app, "import", str(small_archive), "--replace", input="n\n")

    assert result.exit_code == 1
    assert "deletes every user, post, page, comment, image and setting" in result.output
    assert rows_in_the_blog() == before


def test_a_replace_that_fails_keeps_the_old_blog(app, small_archive, tmp_path):
    """The old rows are deleted in the import's transaction: the damaged posts roll it back."""
    _old_blog()
    before = rows_in_the_blog()
    broken = rewritten(small_archive, tmp_path / "b.zip", members={POSTS: lambda d: d + b"{\n"})

    result = run(app, "import", str(broken), "--replace", "--yes")

    assert_refused(result, f"{POSTS}, line 4 is not JSON")
    assert rows_in_the_blog() == before
    assert _usernames() == ["old-owner"]


def test_the_html_is_rendered_again_from_the_markdown(app, small_archive, tmp_path):
    def hostile(row: dict) -> None:
        row["body_html"] = '<script>alert("taken as it is")</script>'

    archive = rewritten(small_archive, tmp_path / "h.zip", members={POSTS: each_line(hostile)})

    assert run(app, "import", str(archive)).exit_code == 0
    stored = db.session.execute(sa.select(Post.body, Post.body_html)).all()
    assert len(stored) == 3
    assert [html for _, html in stored] == [render_post(body) for body, _ in stored]
    assert all("<script" not in html for _, html in stored)


def test_an_archive_of_an_older_revision_loads(app, small_archive, tmp_path):
    """Made before a column existed (here: without ``users.bio``), the column takes its
    default, as the migration that added it gave the rows there were."""
    older = schema_migrations.revisions_newest_first()[1]

    def before_bio(manifest: dict) -> None:
        manifest["schema_revision"] = older
        table_entry(manifest, "users")["columns"].remove("bio")

    def without_bio(row: dict) -> None:
        del row["bio"]

    archive = rewritten(
        small_archive,
        tmp_path / "older.zip",
        manifest=before_bio,
        members={USERS: each_line(without_bio)},
    )

    result = run(app, "import", str(archive))

    assert result.exit_code == 0, result.output
    assert db.session.scalars(sa.select(User.bio)).all() == ["", ""]
