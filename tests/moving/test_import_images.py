"""Images on import when the storage keeps them outside the database's transaction (a folder
here; S3 alike): written to it, deleted again when the import fails, and the replaced blog's
deleted only once the new one is committed."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from blog.domain import uploads
from tests import factories
from tests.moving.archives import assert_refused, rows_in_the_blog
from tests.moving.blogs import blog_on, run
from tests.uploads import images


@pytest.fixture(scope="module")
def image_archive(tmp_path_factory) -> tuple[Path, list[str]]:
    """An archive of a blog with one image, and the names of its files."""
    tmp = tmp_path_factory.mktemp("images")
    with blog_on("sqlite", "images", tmp) as app:
        author = factories.UserFactory(username="photographer")
        variants = uploads.save_upload(author, io.BytesIO(images.png((700, 300)))).variants
        archive = tmp / "images.zip"
        assert run(app, "export", str(archive)).exit_code == 0
    return archive, variants


@pytest.fixture
def folder(settings, tmp_path) -> Path:
    path = tmp_path / "uploads"
    settings(UPLOAD_STORAGE="local", UPLOAD_FOLDER=str(path))
    return path


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def _old_blog_with_an_image() -> list[str]:
    owner = factories.UserFactory(username="old-owner")
    return uploads.save_upload(owner, io.BytesIO(images.png((500, 500), color=(1, 2, 3)))).variants


def test_the_images_go_to_the_folder(app, folder, image_archive):
    archive, variants = image_archive

    result = run(app, "import", str(archive))

    assert result.exit_code == 0, result.output
    assert _files(folder) == sorted(variants)
    with zipfile.ZipFile(archive) as opened:
        for name in variants:
            assert (folder / name).read_bytes() == opened.read(f"images/{name}")


def _with_the_last_image_damaged(archive: Path, target: Path, name: str) -> Path:
    """One byte of the image flipped (stored as it is, so its CRC no longer holds)."""
    with zipfile.ZipFile(archive) as opened:
        info = opened.getinfo(f"images/{name}")
    data = bytearray(archive.read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 :][:4])
    data[info.header_offset + 30 + name_length + extra_length + info.compress_size // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def test_a_failed_import_takes_its_files_back(app, folder, image_archive, tmp_path):
    """The first images are in the folder when the last one is found damaged: deleted again."""
    archive, variants = image_archive
    last = sorted(variants)[-1]
    damaged = _with_the_last_image_damaged(archive, tmp_path / "damaged.zip", last)

    assert_refused(run(app, "import", str(damaged)), f"images/{last} is damaged")
    assert _files(folder) == []
    assert rows_in_the_blog() == {}


def test_replace_deletes_the_old_images_once_the_new_blog_is_in(app, folder, image_archive):
    archive, variants = image_archive
    _old_blog_with_an_image()

    result = run(app, "import", str(archive), "--replace", "--yes")

    assert result.exit_code == 0, result.output
    assert _files(folder) == sorted(variants)


def test_a_failed_replace_keeps_the_old_images(app, folder, image_archive, tmp_path):
    archive, variants = image_archive
    old = _old_blog_with_an_image()
    damaged = _with_the_last_image_damaged(archive, tmp_path / "d.zip", sorted(variants)[-1])

    assert_refused(run(app, "import", str(damaged), "--replace", "--yes"), "is damaged")
    assert _files(folder) == sorted(old)
    assert rows_in_the_blog()["uploads"] == 1
