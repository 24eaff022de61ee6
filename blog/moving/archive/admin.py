"""The admin panel's page of the whole-blog archive (``/admin/archive/``): what it holds, and a
button that downloads it (a POST to the same address), the same archive ``flask blog export``
writes.

The download is a POST (with the CSRF token every form of the panel carries): it reads the
whole blog, which no link another site shows an admin should start. It is streamed, written as
it is sent (:func:`blog.moving.archive.exporting.streamed`), so neither memory nor disk holds it
whole; a download cut short is no archive (its ZIP directory comes last), and the import refuses it.
"""

from __future__ import annotations

from flask import Response, current_app, request
from flask_admin import BaseView, expose

from blog.admin.views import AdminOnly, log_admin_action
from blog.models import utcnow
from blog.moving.archive import exporting
from blog.moving.archive.tables import NOT_CARRIED, carried_tables


def archive_name() -> str:
    return f"blog-archive-{utcnow():%Y%m%d-%H%M%S}.zip"


class ArchiveView(AdminOnly, BaseView):
    """Admins only, as everywhere in the panel: anonymous readers are sent to sign in, other
    users get a 403. One address: the page (GET), and its form's download (POST)."""

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "POST":
            return _download()
        return self.render(
            "admin/archive.html",
            tables=[table.name for table in carried_tables()],
            not_carried=NOT_CARRIED,
        )


def _download() -> Response:
    exporting.schema_revision()  # a database not migrated fails here, not mid-download
    log_admin_action("downloaded the whole-blog archive")
    archive = exporting.streamed(current_app._get_current_object())
    response = Response(archive, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{archive_name()}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
