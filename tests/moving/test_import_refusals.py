"""What ``flask blog import`` refuses: a database that holds a blog, a file that is no archive
or a damaged one, an archive from a newer blog, one whose rows don't add up. Each refusal is a
sentence on stderr and status 1, never a traceback, and leaves the database as it was: a load
that fails halfway is rolled back whole."""

from __future__ import annotations

import struct
import zipfile

from blog.moving.archive.format import FORMAT_VERSION
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


def test_a_database_holding_a_blog(app, small_archive):
    factories.UserFactory(username="already-here")
    before = rows_in_the_blog()

    result = run(app, "import", str(small_archive))

    assert_refused(result, "the database already holds a blog (rows in users)")
    assert "pass --replace" in result.stderr
    assert rows_in_the_blog() == before == {"users": 1}


def test_an_archive_cut_short(app, small_archive, tmp_path):
    cut = tmp_path / "cut.zip"
    data = small_archive.read_bytes()
    cut.write_bytes(data[: len(data) // 2])

    assert_refused(run(app, "import", str(cut)), "it is not a ZIP archive, or it was cut short")
    assert rows_in_the_blog() == {}


def test_a_file_that_is_no_archive(app, tmp_path):
    garbage = tmp_path / "photo.zip"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)

    assert_refused(run(app, "import", str(garbage)), "it is not a ZIP archive")


def test_a_zip_that_is_no_blog_archive(app, tmp_path):
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("holiday.txt", "sun")

    assert_refused(run(app, "import", str(other)), "it holds no manifest.json")


def _damaged(source, target, member: str):
    """A copy with one byte of ``member``'s compressed data flipped: its CRC no longer holds."""
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    data = bytearray(source.read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 :][:4])
    start = info.header_offset + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def test_a_damaged_table_loads_nothing(app, small_archive, tmp_path):
    """The users and tags are inserted before the posts' damage is met: rolled back too."""
    damaged = _damaged(small_archive, tmp_path / "damaged.zip", POSTS)

    assert_refused(run(app, "import", str(damaged)), f"{POSTS} is damaged")
    assert rows_in_the_blog() == {}


def test_a_line_that_is_not_json_loads_nothing(app, small_archive, tmp_path):
    broken = rewritten(
        small_archive, tmp_path / "broken.zip", members={POSTS: lambda data: data + b"{oops\n"}
    )

    assert_refused(run(app, "import", str(broken)), f"{POSTS}, line 4 is not JSON")
    assert rows_in_the_blog() == {}


def test_an_archive_of_a_newer_format(app, small_archive, tmp_path):
    def newer(manifest: dict) -> None:
        manifest["format_version"] = FORMAT_VERSION + 1

    future = rewritten(small_archive, tmp_path / "future.zip", manifest=newer)

    assert_refused(
        run(app, "import", str(future)),
        f"it is in format version {FORMAT_VERSION + 1}; this blog reads version {FORMAT_VERSION}",
    )
    assert rows_in_the_blog() == {}


def test_an_archive_of_a_newer_schema(app, small_archive, tmp_path):
    def newer(manifest: dict) -> None:
        manifest["schema_revision"] = "9001_from_the_future"

    future = rewritten(small_archive, tmp_path / "future.zip", manifest=newer)

    assert_refused(
        run(app, "import", str(future)),
        "it was made at schema revision '9001_from_the_future', which this blog doesn't know: "
        "a newer release made it",
    )


def test_rows_missing_from_a_table(app, small_archive, tmp_path):
    def one_more(manifest: dict) -> None:
        table_entry(manifest, "posts")["rows"] += 1

    short = rewritten(small_archive, tmp_path / "short.zip", manifest=one_more)

    assert_refused(run(app, "import", str(short)), "posts holds 3 rows where its manifest says 4")
    assert rows_in_the_blog() == {}


def test_a_column_this_blog_does_not_have(app, small_archive, tmp_path):
    def with_mood(manifest: dict) -> None:
        table_entry(manifest, "users")["columns"].append("mood")

    def mood(row: dict) -> None:
        row["mood"] = "happy"

    odd = rewritten(
        small_archive,
        tmp_path / "odd.zip",
        manifest=with_mood,
        members={"tables/users.jsonl": each_line(mood)},
    )

    assert_refused(
        run(app, "import", str(odd)), "its users has columns this blog doesn't have: ['mood']"
    )


def test_a_value_of_the_wrong_kind(app, small_archive, tmp_path):
    def yesterday(row: dict) -> None:
        row["created_at"] = "yesterday"

    odd = rewritten(
        small_archive, tmp_path / "odd.zip", members={"tables/users.jsonl": each_line(yesterday)}
    )

    assert_refused(
        run(app, "import", str(odd)),
        "users.created_at holds 'yesterday', which is not a value of that column",
    )


def test_a_row_the_database_refuses(app, small_archive, tmp_path):
    """Every post by an author who isn't there: the foreign key refuses the first batch."""

    def orphan(row: dict) -> None:
        row["author_id"] = 999

    orphans = rewritten(small_archive, tmp_path / "orphans.zip", members={POSTS: each_line(orphan)})

    assert_refused(run(app, "import", str(orphans)), "the database refused it (")
    assert rows_in_the_blog() == {}


def test_an_image_the_blog_never_names_so(app, small_archive, tmp_path):
    def one_image(manifest: dict) -> None:
        manifest["images"] = 1

    hostile = rewritten(
        small_archive,
        tmp_path / "hostile.zip",
        manifest=one_image,
        extra={"images/../../evil.png": b"\x89PNG"},
    )

    assert_refused(run(app, "import", str(hostile)), "it holds an image named '../../evil.png'")
    assert rows_in_the_blog() == {}
