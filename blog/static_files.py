"""Fingerprinted static files: every ``url_for('static', filename=...)`` carries the file's
content hash (``/static/css/blog.css?v=<fingerprint>``), so browsers and CDNs keep a file for a
year and fetch the new one as soon as it changes, because the page then names another address.

This is the way ``/site.css`` is served too (:mod:`blog.theme.routes`): one rule,
:func:`cache_for`. A request naming the current fingerprint gets ``public, max-age=31536000,
immutable``; one naming an older fingerprint, or none (a bookmarked or hand-typed address), gets
the current file for a few minutes only, so it never sticks. The fingerprint is a query argument,
not part of the file name, so nothing has to be built or renamed before ``make run`` or in the
Dockerfile: the files are hashed once when the app starts (a few dozen small files, a
millisecond). With the debugger on, a file whose size or modification time changed is hashed
again when its address is next built, so an edited stylesheet shows at the next reload.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from flask import Flask, Response, request

YEAR = 365 * 24 * 3600
SHORT = 300
FINGERPRINT_LENGTH = 16
ARGUMENT = "v"


def cache_for(response: Response, fingerprinted: bool) -> Response:
    """Cache headers of an address that carries a fingerprint: a year when ``fingerprinted``
    (the request named the current one), else a few minutes."""
    response.headers.pop("Expires", None)
    if fingerprinted:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = f"public, max-age={SHORT}"
    return response


def fingerprint_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:FINGERPRINT_LENGTH]


class Fingerprints:
    """The fingerprint of each file in a folder, by its path relative to it (``css/blog.css``)."""

    def __init__(self, folder: str | os.PathLike, watch: bool = False) -> None:
        self.folder = Path(folder).resolve()
        self.watch = watch
        self._lock = threading.Lock()
        self._known: dict[str, tuple[tuple[int, int], str]] = {}
        if self.folder.is_dir():
            for path in sorted(self.folder.rglob("*")):
                if path.is_file():
                    self._hash(path.relative_to(self.folder).as_posix(), path)

    def _hash(self, name: str, path: Path) -> str | None:
        try:
            stat = path.stat()
            fingerprint = fingerprint_of(path.read_bytes())
        except OSError:
            return None
        with self._lock:
            self._known[name] = ((stat.st_mtime_ns, stat.st_size), fingerprint)
        return fingerprint

    def of(self, filename: str | None) -> str | None:
        """The fingerprint of ``filename``, None for a file that isn't there (or lies outside
        the folder)."""
        if not filename:
            return None
        known = self._known.get(filename)
        if known is not None and not self.watch:
            return known[1]
        path = (self.folder / filename).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            return None
        if known is not None:
            stat = path.stat()
            if known[0] == (stat.st_mtime_ns, stat.st_size):
                return known[1]
        return self._hash(Path(filename).as_posix(), path)

    def signature(self) -> str:
        """One fingerprint for every file at once (what the page cache keys pages by: a page
        names the files' fingerprints)."""
        with self._lock:
            known = sorted((name, value[1]) for name, value in self._known.items())
        return fingerprint_of(repr(known).encode())


EXTENSION = "blog.static_fingerprints"


def fingerprints(app: Flask) -> Fingerprints:
    return app.extensions[EXTENSION]


def init_app(app: Flask) -> None:
    found = Fingerprints(app.static_folder or "", watch=app.debug)
    app.extensions[EXTENSION] = found

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and ARGUMENT not in values:
            fingerprint = found.of(values.get("filename"))
            if fingerprint is not None:
                values[ARGUMENT] = fingerprint

    serve = app.view_functions["static"]

    def static(filename: str) -> Response:
        response = serve(filename=filename)
        fingerprint = found.of(filename)
        matches = fingerprint is not None and request.args.get(ARGUMENT) == fingerprint
        return cache_for(response, matches)

    app.view_functions["static"] = static
