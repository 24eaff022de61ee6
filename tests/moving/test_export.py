"""What ``flask blog export`` writes: the manifest, values in their portable form, rows read and
written a batch at a time; and a clear error where it can't write."""

from __future__ import annotations

import base64
import io
import json
import math
import zipfile
from datetime import datetime

import sqlalchemy as sa

from blog import schema_migrations
from blog.domain import site_settings, uploads
from blog.extensions import db
from blog.models import Passkey, Upload
from blog.moving.archive import exporting
from blog.moving.archive.format import FORMAT, FORMAT_VERSION
from blog.moving.archive.progress import Silent
from tests import factories
from tests.moving.blogs import run
from tests.uploads import images


def _lines(archive: zipfile.ZipFile, table: str) -> list[dict]:
    return [json.loads(line) for line in archive.read(f"tables/{table}.jsonl").splitlines()]


def test_the_archive_and_its_manifest(app, tmp_path):
    admin = factories.UserFactory(username="admin", is_admin=True)
    factories.PostFactory(author=admin, title="Über 🦊", tags=["日本語"])
    db.session.add(
        Passkey(
            user_id=admin.id,
            credential_hash="c" * 64,
            credential_id=b"\x00\xff",
            public_key=b"key",
            name="Clé",
        )
    )
    site_settings.save({"navigation_links": [("About", "/about")]}, admin)
    variants = uploads.save_upload(admin, io.BytesIO(images.png((600, 400)))).variants
    path = tmp_path / "blog.zip"

    result = run(app, "export", str(path))

    assert result.exit_code == 0, result.output
    assert f"Exported to {path} (" in result.stdout
    assert "  posts: 1 rows\n" in result.stdout
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == FORMAT
        assert manifest["format_version"] == FORMAT_VERSION
        assert {manifest["schema_revision"]} == schema_migrations.head_revisions()
        assert datetime.fromisoformat(manifest["created_at"]).utcoffset().total_seconds() == 0
        rows = {entry["name"]: entry["rows"] for entry in manifest["tables"]}
        assert (rows["users"], rows["posts"], rows["tags"], rows["passkeys"]) == (1, 1, 1, 1)
        assert not {"sign_ins", "post_counts", "content_version", "upload_blobs"} & rows.keys()
        assert manifest["images"] == len(variants) == 3
        for name in variants:
            assert archive.read(f"images/{name}") == uploads.storage().get(name)
        [post] = _lines(archive, "posts")
        assert post["title"] == "Über 🦊"
        assert post["status"] == "published"
        assert datetime.fromisoformat(post["published_at"]).tzinfo is not None
        [passkey] = _lines(archive, "passkeys")
        assert base64.b64decode(passkey["credential_id"]) == b"\x00\xff"
        [settings] = _lines(archive, "site_settings")
        assert settings["navigation_links"] == [{"label": "About", "url": "/about"}]


def test_rows_are_read_and_written_a_batch_at_a_time(app, monkeypatch):
    """Through a server-side cursor (``yield_per``), each batch written before the next is read:
    the export pauses once a batch, and so never holds more than one."""
    monkeypatch.setattr(exporting, "BATCH", 2)
    author = factories.UserFactory()
    for _ in range(5):
        factories.PostFactory(author=author)
    read_with: dict[str, dict] = {}

    def note(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT posts."):
            read_with["posts"] = dict(context.execution_options)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        report = exporting.ExportReport()
        pauses = len(list(exporting.writing(io.BytesIO(), report, Silent())))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)

    assert read_with["posts"]["yield_per"] == 2
    assert read_with["posts"]["stream_results"] is True
    assert report.manifest.tables["posts"] == 5
    assert pauses == sum(math.ceil(rows / 2) for rows in report.manifest.tables.values())


def test_an_image_missing_from_its_storage_is_named(app, tmp_path):
    author = factories.UserFactory()
    missing, *kept = uploads.save_upload(author, io.BytesIO(images.png((300, 200)))).variants
    uploads.storage().delete([missing])
    db.session.commit()

    result = run(app, "export", str(tmp_path / "blog.zip"))

    assert result.exit_code == 0, result.output
    assert f"warning: image {missing} is missing from the upload storage" in result.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 1
    assert f"  images: {len(kept)}\n" in result.stdout


def test_a_folder_that_is_not_there(app, tmp_path):
    result = run(app, "export", str(tmp_path / "missing" / "blog.zip"))

    assert result.exit_code == 1
    assert f"error: can't write {tmp_path / 'missing' / 'blog.zip'}" in result.stderr
    assert "Traceback" not in result.output
