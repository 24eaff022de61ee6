"""``flask blog export-markdown DIR``: the Markdown export (:mod:`blog.moving.markdown.export`)
written into a folder."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from blog.moving.markdown.files import FolderFiles
from blog.uploads.storage import StorageUnavailable


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


@click.command("export-markdown")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Write into a folder that isn't empty: files of the same names are replaced, "
    "the others kept.",
)
@with_appcontext
def export_markdown_command(directory: Path, force: bool) -> None:
    """Write every post and page as Markdown with YAML front matter, with their images, into
    DIRECTORY (made if missing): a content/ folder Hugo and Zola both build as it is.

    Drafts and scheduled posts are written too, marked draft. Each file written is printed.
    """
    from blog.moving.markdown.export import export  # imported here: every app lists commands

    if directory.exists() and any(directory.iterdir()) and not force:
        _fail(
            f"{directory} is not empty: name a new or empty folder, or add --force to write "
            "into it (files of the same names are replaced)"
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
        summary = export(FolderFiles(directory), report=click.echo)
    except StorageUnavailable as error:
        _fail(f"the images could not be read ({error}); what was written so far is kept")
    except OSError as error:
        _fail(f"could not write into {directory}: {error.strerror or error}")
    click.echo(f"Exported {summary} into {directory}.")
