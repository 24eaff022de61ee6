"""``GET /settings/export``: a signed-in author downloads their own posts, drafts and scheduled
ones included, as the Markdown export (:mod:`blog.moving.markdown.export`) in a zip.

The zip is written into a temporary file, not memory, and sent from it as it is read; the file
is gone once the answer is sent (or the export fails).
"""

from __future__ import annotations

import tempfile
import zipfile

from flask import Blueprint, send_file
from flask_login import current_user, login_required

from blog.moving.markdown.files import ZipFiles

bp = Blueprint("markdown_export", __name__, url_prefix="/settings", template_folder="templates")


@bp.get("/export")
@login_required
def download():
    # Imported here: the export parses Markdown, which a worker serving pages never loads.
    from blog.moving.markdown.export import export

    author = current_user._get_current_object()
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (send_file closes it once sent)
    try:
        with zipfile.ZipFile(spool, "w") as archive:
            export(ZipFiles(archive), author=author)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = send_file(
        spool,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{author.username}-posts.zip",
        conditional=False,
        etag=False,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
