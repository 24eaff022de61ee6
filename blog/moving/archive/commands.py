"""``flask blog export FILE`` and ``flask blog import FILE``: the whole blog as one archive, and
back (:mod:`blog.moving.archive.exporting`, :mod:`blog.moving.archive.importing`)."""

from __future__ import annotations

from pathlib import Path

import click

from blog.domain.uploads import megabytes
from blog.moving.archive.exporting import export_file
from blog.moving.archive.format import ArchiveError
from blog.moving.archive.importing import ImportReport, import_file
from blog.moving.archive.progress import Bar
from blog.moving.archive.tables import NOT_CARRIED
from blog.uploads.storage import StorageUnavailable

REPLACE_WARNING = (
    "--replace deletes every user, post, page, comment, image and setting of this blog, and "
    "puts the archive's in their place. Continue?"
)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(file: Path) -> None:
    """Write the whole blog (accounts, posts, pages, comments, settings, images) into FILE, a
    ZIP archive that `flask blog import` loads into any database."""
    try:
        report = export_file(file, Bar("Exporting"))
    except ArchiveError as error:
        _fail(f"can't export: {error}")
    except StorageUnavailable as error:
        _fail(f"can't export: the upload storage failed ({error})")
    except OSError as error:
        _fail(f"can't write {file}: {error.strerror or error}")
    manifest = report.manifest
    for name in report.missing_images:
        click.echo(f"warning: image {name} is missing from the upload storage", err=True)
    click.echo(f"Exported to {file} ({megabytes(file.stat().st_size)}):")
    for table, rows in manifest.tables.items():
        click.echo(f"  {table}: {rows} rows")
    click.echo(f"  images: {manifest.images}")
    click.echo(
        f"Schema revision {manifest.schema_revision}; not carried: {', '.join(NOT_CARRIED)}."
    )


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Delete everything in the database first.")
@click.option("--yes", is_flag=True, help="Do not ask before --replace deletes.")
def import_command(file: Path, replace: bool, yes: bool) -> None:
    """Load an archive made by `flask blog export` into this blog's database, which must be
    migrated (`flask blog init-db`) and empty, unless --replace."""
    if replace and not yes:
        click.confirm(REPLACE_WARNING, abort=True)
    try:
        report = import_file(file, replace=replace, progress=Bar("Importing"))
    except ArchiveError as error:
        _fail(f"can't import {file}: {error}. Nothing was loaded.")
    _print(report)


def _print(report: ImportReport) -> None:
    click.echo("Replaced the blog. Loaded:" if report.replaced else "Loaded:")
    for table, rows in report.rows.items():
        click.echo(f"  {table}: {rows} rows")
    click.echo(f"  images: {report.images}")
    click.echo(f"Post totals set again; {report.indexed} published posts indexed for search.")
    if report.files_left:
        click.echo(
            f"warning: {report.files_left} image files of the replaced blog could not be "
            "deleted from the upload storage (nothing uses them)",
            err=True,
        )
