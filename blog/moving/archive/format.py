"""The archive's format: one ZIP file holding

- ``manifest.json``: what made it (:data:`FORMAT`, :data:`FORMAT_VERSION`), the schema revision
  of the database it was read from, when, and how many rows of each table and how many images
  it holds;
- ``tables/<table>.jsonl``: one JSON object per line for each row, its columns by name, the
  values as :mod:`blog.moving.archive.values` writes them;
- ``images/<name>``: every stored file of every upload, under the name the blog serves it by.

ZIP, not a tarball: a tar member's size is written before its bytes, so a table of unknown length
would first have to be spooled to disk, where a ZIP member is written as its rows come (even into
an HTTP response, which can't seek back); its directory lets the import read the manifest first
and check it before loading anything; each member carries a CRC the reader checks, so a damaged
archive is refused; and images, compressed already, are stored as they are while the tables are
deflated. Any unzip tool opens it.

:class:`ArchiveWriter` and :class:`ArchiveReader` are the only code that knows these names.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

FORMAT = "blog-archive"
FORMAT_VERSION = 1
"""Raised when a change of the format means an older blog can't read the archive right."""

MANIFEST = "manifest.json"
TABLES = "tables/"
IMAGES = "images/"

MANIFEST_MAX = 1024 * 1024
LINE_MAX = 16 * 1024 * 1024
"""The longest row a reader takes: a post's body and HTML at their largest, escaped, fit many
times over; a "line" without an end (a hostile archive) stops here instead of filling memory."""
IMAGE_MAX = 256 * 1024 * 1024
TABLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)
"""What reading a damaged ZIP raises: a bad CRC or directory, deflated data that doesn't inflate,
an end before the end, a compression or an encryption a ZIP of ours never has."""


class ArchiveError(Exception):
    """The archive can't be written or loaded, with what to tell the operator."""


@dataclass
class Manifest:
    schema_revision: str
    created_at: str
    database: str
    tables: dict[str, int] = field(default_factory=dict)
    """Rows of each table, in the order they were written (parents first)."""
    columns: dict[str, list[str]] = field(default_factory=dict)
    images: int = 0
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        body = {
            "format": self.format,
            "format_version": self.format_version,
            "schema_revision": self.schema_revision,
            "created_at": self.created_at,
            "database": self.database,
            "tables": [
                {"name": name, "rows": rows, "columns": self.columns[name]}
                for name, rows in self.tables.items()
            ],
            "images": self.images,
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        """The manifest of an archive, or an :class:`ArchiveError` saying what is wrong."""
        try:
            body = json.loads(text)
        except (ValueError, RecursionError):
            raise ArchiveError("its manifest.json is not JSON") from None
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise ArchiveError(f"its manifest.json does not describe a {FORMAT}")
        version = body.get("format_version")
        if version != FORMAT_VERSION:
            raise ArchiveError(
                f"it is in format version {version!r}; this blog reads version {FORMAT_VERSION} "
                "(upgrade the blog to load an archive made by a newer one)"
            )
        try:
            return cls._read(body)
        except (KeyError, TypeError, ValueError):
            raise ArchiveError("its manifest.json lacks a field or holds a wrong one") from None

    @classmethod
    def _read(cls, body: dict[str, Any]) -> Manifest:
        manifest = cls(
            schema_revision=_text(body["schema_revision"]),
            created_at=_text(body["created_at"]),
            database=_text(body["database"]),
            images=_count(body["images"]),
        )
        for entry in body["tables"]:
            name = _text(entry["name"])
            if not TABLE_NAME.fullmatch(name):
                raise ValueError(name)
            manifest.tables[name] = _count(entry["rows"])
            manifest.columns[name] = [_text(column) for column in entry["columns"]]
        return manifest


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(value)
    return value


def table_member(name: str) -> str:
    return f"{TABLES}{name}.jsonl"


class ArchiveWriter:
    """Writes an archive into ``file`` (a file, or a stream that can't seek), member by member."""

    def __init__(self, file: IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)

    def open_table(self, name: str) -> IO[bytes]:
        """A member to write a table's lines into; zip64, since a table can pass 4 GB."""
        return self._zip.open(table_member(name), "w", force_zip64=True)

    def add_image(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(IMAGES + name)
        info.compress_type = zipfile.ZIP_STORED  # compressed already, by its own format
        self._zip.writestr(info, data)

    def close(self, manifest: Manifest) -> None:
        self._zip.writestr(MANIFEST, manifest.to_json())
        self._zip.close()


class ArchiveReader:
    """Reads an archive from a file on disk. Every way a file can fail to be one (not a ZIP,
    cut short, a member damaged, a line without an end) is an :class:`ArchiveError`."""

    def __init__(self, path: str) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise ArchiveError("there is no such file") from None
        except PermissionError:
            raise ArchiveError("it can't be read (permission denied)") from None
        except DAMAGED:
            raise ArchiveError("it is not a ZIP archive, or it was cut short") from None
        self._names = set(self._zip.namelist())

    def close(self) -> None:
        self._zip.close()

    def manifest(self) -> Manifest:
        if MANIFEST not in self._names:
            raise ArchiveError(f"it holds no {MANIFEST}: it is not a blog archive")
        return Manifest.from_json(self._member_bytes(MANIFEST, MANIFEST_MAX))

    def has_table(self, name: str) -> bool:
        return table_member(name) in self._names

    def rows(self, name: str) -> Iterator[dict[str, Any]]:
        """The rows of a table's member, one at a time."""
        member = table_member(name)
        try:
            with self._zip.open(member) as lines:
                number = 0
                while line := lines.readline(LINE_MAX + 1):
                    number += 1
                    yield _row(name, number, line)
        except DAMAGED as error:
            raise ArchiveError(f"{member} is damaged ({error})") from None

    def image_names(self) -> list[str]:
        return sorted(name[len(IMAGES) :] for name in self._names if name.startswith(IMAGES))

    def image(self, name: str) -> bytes:
        return self._member_bytes(IMAGES + name, IMAGE_MAX)

    def _member_bytes(self, member: str, most: int) -> bytes:
        if self._zip.getinfo(member).file_size > most:
            raise ArchiveError(f"{member} is larger than a blog archive's ever is")
        try:
            with self._zip.open(member) as file:
                data = file.read(most + 1)
        except DAMAGED as error:
            raise ArchiveError(f"{member} is damaged ({error})") from None
        if len(data) > most:  # the directory said less: it lied
            raise ArchiveError(f"{member} is larger than a blog archive's ever is")
        return data


def _row(table: str, number: int, line: bytes) -> dict[str, Any]:
    where = f"{table_member(table)}, line {number}"
    if not line.endswith(b"\n"):
        too_long = len(line) > LINE_MAX
        raise ArchiveError(f"{where} is {'too long' if too_long else 'cut short'}")
    try:
        row = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: brackets nested thousands deep
        raise ArchiveError(f"{where} is not JSON") from None
    if not isinstance(row, dict):
        raise ArchiveError(f"{where} is not a row (a JSON object)")
    return row
