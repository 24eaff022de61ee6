"""Apps of their own on databases of their own, of any kind, for moving a blog between them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from click.testing import Result
from flask import Flask

from blog.extensions import db
from blog.schema_migrations import upgrade_to_head
from tests.databases import fresh_database_of
from tests.helpers import limiter_kept, make_app


@contextlib.contextmanager
def blog_on(kind: str, name: str, tmp: Path, upload_storage: str = "database") -> Iterator[Flask]:
    """An app, in its context, on a new database of ``kind`` migrated to the latest revision,
    its images in ``upload_storage`` (a folder under ``tmp`` when ``local``). The database is
    removed afterwards."""
    with (
        fresh_database_of(kind, f"_{name}", tmp) as url,
        limiter_kept(),
    ):
        app = make_app(url, UPLOAD_STORAGE=upload_storage, UPLOAD_FOLDER=str(tmp / name))
        with app.app_context():
            upgrade_to_head()
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


def run(app: Flask, *args: str, input: str | None = None) -> Result:
    """``flask blog <args>`` on ``app``; the session afterwards reads what it committed."""
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["blog", *args], input=input)
    db.session.remove()
    return result
