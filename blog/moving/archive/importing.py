"""Loading an archive (:mod:`blog.moving.archive.format`) into this blog's database, whichever kind
it is and whichever made the archive: ``flask blog import FILE``.

All of it is one transaction: the rows (:data:`BATCH` to an INSERT, parents first, keeping their
ids), the images when the database is their storage, the totals and the search index made
again (:mod:`blog.moving.archive.derived`). Whatever fails (a damaged archive, a row the database
refuses, the storage away) rolls it all back, and the image files already written to a folder
or a bucket are deleted again: the database is left as it was, never half loaded.

``--replace`` first deletes every row (in the same transaction: a failed import leaves the old
blog in place). The old blog's image files in a folder or a bucket are deleted only once the
new blog is committed, and only those the new one doesn't use.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from blog.domain.uploads import VARIANT_NAME
from blog.extensions import db
from blog.models import Upload
from blog.moving.archive import checks, derived
from blog.moving.archive.format import ArchiveError, ArchiveReader, Manifest, table_member
from blog.moving.archive.progress import Progress, Silent
from blog.moving.archive.tables import emptied_tables
from blog.moving.archive.values import RowDecoder
from blog.uploads.formats import CONTENT_TYPES
from blog.uploads.storage import DatabaseStorage, StorageUnavailable, storage

BATCH = 1_000
"""Rows a statement inserts (one executemany)."""


@dataclass
class ImportReport:
    rows: dict[str, int] = field(default_factory=dict)
    images: int = 0
    indexed: int = 0
    """Published posts indexed for search."""
    replaced: bool = False
    files_left: int = 0
    """The replaced blog's image files the storage failed to delete (unused now)."""


def import_file(
    path: Path, *, replace: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Load the archive at ``path``; an :class:`ArchiveError` (nothing loaded) says why not."""
    reader = ArchiveReader(str(path))
    try:
        manifest = reader.manifest()
        checks.check_schema_revision(manifest)
        checks.check_database_at_head()
        tables = checks.tables_to_load(manifest)
        if not replace:
            checks.check_empty()
        return _load(reader, manifest, tables, replace, progress or Silent())
    finally:
        reader.close()


class _Load:
    """One import's transaction, and the files it wrote outside it."""

    def __init__(self, reader: ArchiveReader, manifest: Manifest, progress: Progress) -> None:
        self.reader = reader
        self.manifest = manifest
        self.progress = progress
        self.files = storage()
        self.written: list[str] = []
        self.replaced_files: set[str] = set()
        """The files of the blog ``--replace`` deletes (when kept outside the database)."""
        self.report = ImportReport()

    @property
    def files_outside(self) -> bool:
        """Whether the storage keeps files outside the database's transaction."""
        return not isinstance(self.files, DatabaseStorage)


def _load(
    reader: ArchiveReader,
    manifest: Manifest,
    tables: list[sa.Table],
    replace: bool,
    progress: Progress,
) -> ImportReport:
    load = _Load(reader, manifest, progress)
    session = db.session
    if replace and load.files_outside:
        load.replaced_files = _stored_files()
    progress.begin(sum(manifest.tables.values()) + manifest.images)
    try:
        derived.fire_triggers_as_rows_go_in(session)
        if replace:
            _empty_everything()
        for table in tables:
            load.report.rows[table.name] = _load_table(load, table)
        _load_images(load)
        derived.render_html()
        load.report.indexed = derived.rebuild(session)
        derived.reset_sequences(session, tables)
        session.commit()
    except (ArchiveError, SQLAlchemyError, StorageUnavailable) as error:
        _undo(load)
        raise _explained(error) from None
    except BaseException:
        _undo(load)
        raise
    finally:
        progress.finish()
    derived.confirm_auto_increments(db.engine, tables)
    _delete_replaced_files(load)
    load.report.replaced = replace
    return load.report


def _explained(error: Exception) -> ArchiveError:
    if isinstance(error, ArchiveError):
        return error
    if isinstance(error, StorageUnavailable):
        return ArchiveError(f"the upload storage failed ({error})")
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300]
    return ArchiveError(f"the database refused it ({reason})")


def _undo(load: _Load) -> None:
    """Roll the transaction back, and delete the files written outside it but those the blog
    kept by ``--replace`` has (the same name is the same bytes: they are its own)."""
    db.session.rollback()
    written = sorted(set(load.written) - load.replaced_files)
    if load.files_outside and written:
        # Failing too, it leaves files nothing names, which `prune-uploads` can't see: rare.
        with contextlib.suppress(StorageUnavailable):
            load.files.delete(written)


def _delete_replaced_files(load: _Load) -> None:
    """The replaced blog's files the new one doesn't use, once the new one is committed. The
    storage failing now leaves them where they were, unused, and says so in the report."""
    unused = sorted(load.replaced_files - set(load.written))
    try:
        load.files.delete(unused)
    except StorageUnavailable:
        load.report.files_left = len(unused)


def _empty_everything() -> None:
    for table in emptied_tables():
        db.session.execute(table.delete())


def _stored_files() -> set[str]:
    return {
        name
        for variants in db.session.scalars(sa.select(Upload.variants))
        for name in variants or ()
    }


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while batch := list(itertools.islice(rows, BATCH)):
        yield batch


def _load_table(load: _Load, table: sa.Table) -> int:
    """Insert a table's rows, checked against the manifest as they come: the columns it names
    for the table, and (at the end) as many rows as it says."""
    expected = load.manifest.tables.get(table.name)
    if expected is None:  # an archive from before the table existed
        return 0
    if not load.reader.has_table(table.name):
        raise ArchiveError(f"{table_member(table.name)} is missing from it")
    columns = set(load.manifest.columns[table.name])
    decoder = RowDecoder(table)
    loaded = 0
    for batch in _batches(load.reader.rows(table.name)):
        rows = [_row(table, columns, decoder, row) for row in batch]
        db.session.execute(sa.insert(table), rows)
        loaded += len(rows)
        load.progress.advance(len(rows))
    if loaded != expected:
        raise ArchiveError(f"{table.name} holds {loaded} rows where its manifest says {expected}")
    return loaded


def _row(table: sa.Table, columns: set[str], decoder: RowDecoder, raw: dict) -> dict:
    if raw.keys() != columns:
        raise ArchiveError(f"a row of {table.name} has other columns than its manifest names")
    return decoder.decode(raw)


def _load_images(load: _Load) -> None:
    """Write every image of the archive to the storage (by its name, which the blog made)."""
    names = load.reader.image_names()
    if len(names) != load.manifest.images:
        raise ArchiveError(
            f"it holds {len(names)} images where its manifest says {load.manifest.images}"
        )
    for name in names:
        match = VARIANT_NAME.fullmatch(name)
        if match is None:
            raise ArchiveError(f"it holds an image named {name[:80]!r}, which the blog never makes")
        load.files.put(name, load.reader.image(name), CONTENT_TYPES[match["ext"]])
        if load.files_outside:
            load.written.append(name)
        else:
            db.session.flush()  # the bytes go to the database now, not all at the commit
        load.report.images += 1
        load.progress.advance(1)
