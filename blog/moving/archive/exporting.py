"""Writing the whole blog as an archive (:mod:`blog.moving.archive.format`): ``flask blog export
FILE`` and the admin panel's download.

Memory stays small whatever the size of the blog: each table is read through a server-side
cursor (``yield_per``: PostgreSQL's named cursor, MariaDB's unbuffered one; SQLite steps its own
cursor) :data:`BATCH` rows at a time, and each batch is written into the archive before the next
is read. Images are fetched one at a time through the upload storage, whichever it is.

Every table is read in one transaction that sees the blog at one moment (REPEATABLE READ on
PostgreSQL and MariaDB, a read transaction on SQLite), so a comment written meanwhile can't
arrive without its post. On SQLite that transaction makes writers wait while it lasts.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from flask import Flask

from blog import schema_migrations
from blog.extensions import db
from blog.models import Upload, utcnow
from blog.moving.archive.format import ArchiveError, ArchiveWriter, Manifest
from blog.moving.archive.progress import Progress, Silent
from blog.moving.archive.tables import carried_tables, key_order
from blog.moving.archive.values import encode
from blog.uploads.storage import storage

BATCH = 1_000
"""Rows read and written at a time (and uploads whose images are fetched at a time)."""


@dataclass
class ExportReport:
    manifest: Manifest | None = None
    missing_images: list[str] = field(default_factory=list)
    """Files an upload names that its storage no longer has: left out (the upload's row is
    carried as it is, as broken as it was)."""


@contextlib.contextmanager
def snapshot() -> Iterator[sa.Connection]:
    """A connection of its own reading the blog as it stood when it began."""
    with db.engine.connect() as connection:
        if connection.dialect.name in ("postgresql", "mysql"):
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            if connection.dialect.name == "sqlite":  # the driver begins only before a write
                connection.exec_driver_sql("BEGIN")
            yield connection


def schema_revision() -> str:
    revisions = schema_migrations.current_revisions()
    if len(revisions) != 1:
        raise ArchiveError("the database is not migrated: run `flask blog init-db` first")
    return next(iter(revisions))


def writing(file: IO[bytes], report: ExportReport, progress: Progress) -> Iterator[None]:
    """Write the archive into ``file``, pausing after each batch (the download sends what was
    written at each pause); the manifest, last, goes into ``report``."""
    manifest = Manifest(
        schema_revision=schema_revision(),
        created_at=utcnow().isoformat(),
        database=db.engine.dialect.name,
    )
    with snapshot() as connection:
        tables = carried_tables()
        progress.begin(sum(_count(connection, table) for table in tables))
        writer = ArchiveWriter(file)
        for table in tables:
            yield from _write_table(connection, writer, table, manifest, progress)
        yield from _write_images(connection, writer, manifest, report)
        writer.close(manifest)
    report.manifest = manifest


def _count(connection: sa.Connection, table: sa.Table) -> int:
    return connection.scalar(sa.select(sa.func.count()).select_from(table))


def _write_table(
    connection: sa.Connection,
    writer: ArchiveWriter,
    table: sa.Table,
    manifest: Manifest,
    progress: Progress,
) -> Iterator[None]:
    rows = 0
    statement = sa.select(table).order_by(*key_order(table)).execution_options(yield_per=BATCH)
    result = connection.execute(statement)
    with writer.open_table(table.name) as member:
        for batch in result.partitions():
            member.write(b"".join(_line(row._mapping) for row in batch))
            rows += len(batch)
            progress.advance(len(batch))
            yield
    manifest.tables[table.name] = rows
    manifest.columns[table.name] = [column.name for column in table.columns]


def _line(row) -> bytes:
    """One row as a line of JSON, its text as it is (not ``\\u`` escapes: CJK and emoji take
    a third of the room)."""
    values = {name: encode(value) for name, value in row.items()}
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _write_images(
    connection: sa.Connection, writer: ArchiveWriter, manifest: Manifest, report: ExportReport
) -> Iterator[None]:
    """Every stored file of every upload, as the storage gives it. The uploads are read a batch
    at a time by key, not through a cursor left open: the database storage reads its files
    through the app's own connection meanwhile."""
    files = storage()
    last_id = 0
    while batch := connection.execute(
        sa.select(Upload.id, Upload.variants)
        .where(Upload.id > last_id)
        .order_by(Upload.id)
        .limit(BATCH)
    ).all():
        last_id = batch[-1].id
        for upload in batch:
            for name in upload.variants or ():
                data = files.get(name)
                if data is None:
                    report.missing_images.append(name)
                    continue
                writer.add_image(name, data)
                manifest.images += 1
            yield


def export_file(path: Path, progress: Progress | None = None) -> ExportReport:
    """Write the archive to ``path``: into a file beside it first, renamed when complete, so a
    failed export leaves no archive that looks whole."""
    report = ExportReport()
    progress = progress or Silent()
    draft = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with draft.open("wb") as file:
            for _ in writing(file, report, progress):
                pass
        draft.replace(path)
    finally:
        progress.finish()
        draft.unlink(missing_ok=True)
    return report


class _Chunks:
    """Where a download's archive is written: it keeps what was written until taken. It can't
    seek, and so the ZIP writer writes each member's size after the member (a data descriptor)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


_FINISHED = object()


def streamed(app: Flask) -> Iterator[bytes]:
    """The archive as the bytes of a response, sent as it is written. The response is read
    after the view has returned (under the test client, even in another context than the
    request's), so each step of the writing runs in an app context of its own, none held open
    between steps."""
    chunks = _Chunks()
    steps = writing(chunks, ExportReport(), Silent())
    finished = False
    while not finished:
        with app.app_context():
            finished = next(steps, _FINISHED) is _FINISHED
        if data := chunks.take():
            yield data
