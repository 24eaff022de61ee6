"""``flask blog import-ghost FILE`` and ``flask blog import-wordpress FILE``: read the whole
file first (one that can't be read is refused, with nothing written), then write it and print
what was done (:class:`blog.moving.arrivals.summary.Summary`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from blog.extensions import db
from blog.moving.arrivals.accounts import PLACEHOLDER_DOMAIN
from blog.moving.arrivals.records import Export, UnreadableExport
from blog.moving.arrivals.writing import arrive


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


def import_file(path: str, read: Callable[[bytes], Export]) -> None:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        _fail(f"{path}: can't be read ({error.strerror or error}). Nothing was imported.")
    try:
        export = read(data)
    except UnreadableExport as error:
        _fail(f"{path}: {error}. Nothing was imported.")
    except RecursionError:
        _fail(f"{path}: it is nested too deeply to read. Nothing was imported.")
    try:
        summary = arrive(export)
    except SQLAlchemyError as error:
        db.session.rollback()
        _fail(
            f"the database refused a write ({type(error).__name__}). What was imported before "
            "it is kept; running the command again carries on from there."
        )
    for line in summary.lines(PLACEHOLDER_DOMAIN):
        click.echo(line)
