"""Where an export's files go: a folder on disk, or a zip archive being written.

Both take paths relative to the export's root, ``/``-separated, each part a plain file name the
export chose (slugs and upload names): a part that could climb out of the root, or name
something hidden, is a bug and is refused.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Protocol

PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
ALREADY_COMPRESSED = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def checked(path: str) -> list[str]:
    parts = path.split("/")
    if not all(PART.fullmatch(part) and ".." not in part for part in parts):
        raise ValueError(f"not a path an export writes: {path!r}")
    return parts


class ExportFiles(Protocol):
    def write(self, path: str, data: bytes) -> None: ...


class FolderFiles:
    """Files in a folder; one of the same name is replaced."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, path: str, data: bytes) -> None:
        target = self.root.joinpath(*checked(path))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


class ZipFiles:
    """Entries of a zip archive: text compressed, images (compressed already) stored."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def write(self, path: str, data: bytes) -> None:
        checked(path)
        stored = path.lower().endswith(ALREADY_COMPRESSED)
        method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        self.archive.writestr(path, data, compress_type=method)
