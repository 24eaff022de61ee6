"""The site's side of uploads: ``POST /uploads`` for the editor (JSON, CSRF token in the
``X-CSRFToken`` header), the files at ``/uploads/<name>``, "My images" and the avatar upload.

Served files can never run as a page: each answer has the image's own Content-Type (from the
name, which the blog chose), ``nosniff``, ``Content-Disposition: inline`` and a
``Content-Security-Policy`` of ``default-src 'none'; sandbox``, so even a browser that opened one
as a document would run nothing.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from blog import limits
from blog.api.errors import error_body
from blog.domain import uploads
from blog.domain.errors import ValidationError
from blog.domain.permissions import is_admin
from blog.extensions import db
from blog.hardening import streams_upload
from blog.uploads import rendering
from blog.uploads.storage import IMMUTABLE, StorageUnavailable

bp = Blueprint("uploads", __name__, template_folder="templates")

SERVED_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
"""What a served image may do as a document: nothing (the style is for a browser's own image
viewer page)."""


def too_large_message() -> str:
    limit = uploads.megabytes(current_app.config["UPLOAD_MAX_BYTES"])
    return f"is too large (at most {limit})"


bp.add_app_template_global(uploads.upload_url, "upload_url")
bp.add_app_template_global(rendering.thumbnail, "upload_thumbnail")
bp.add_app_template_global(rendering.cover_image, "cover_image")


@bp.app_template_global()
def upload_limit() -> str:
    return uploads.megabytes(current_app.config["UPLOAD_MAX_BYTES"])


@bp.app_errorhandler(StorageUnavailable)
def storage_unavailable(error: StorageUnavailable):
    """The storage is away: logged, and a 503 (JSON for the editor and the API)."""
    from blog.errors import error_response

    current_app.logger.error("upload storage unavailable: %s", error)
    db.session.rollback()
    if request.endpoint in ("uploads.create", "api.upload_image"):
        return error_body(
            {"file": ["can't be stored right now: please try again in a minute"]}, 503
        )
    return error_response(503, "Images can't be reached right now. Please try again in a minute.")


@bp.errorhandler(RequestEntityTooLarge)
def body_too_large(error):
    if request.endpoint == "uploads.create":
        return error_body({"file": [too_large_message()]}, 413)
    flash(f"That image {too_large_message()}.", "error")
    return redirect(url_for("uploads.mine"))


def upload_answer(upload) -> dict:
    return {
        "upload": {
            "url": uploads.upload_url(upload),
            "width": upload.width,
            "height": upload.height,
            "markdown": uploads.markdown_for(upload),
        }
    }


@bp.post("/uploads")
@streams_upload
@limits.editor_requests
def create():
    """For the editor's fetch: 201 with the upload, or 4xx ``{"errors": {"file": [...]}}``."""
    if not current_user.is_authenticated:
        return error_body({"file": ["can't be sent: your session has ended, sign in again"]}, 401)
    try:
        upload = uploads.save_upload(current_user, request.files.get("file"))
    except uploads.UploadTooLarge as error:
        return error_body(error.errors, 413)
    except ValidationError as error:
        return error_body(error.errors, 422)
    return jsonify(upload_answer(upload)), 201


@bp.get("/uploads/<name>")
def serve(name: str):
    found = uploads.stored_file(name)
    if found is None:
        abort(404)
    data, content_type = found
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["Content-Security-Policy"] = SERVED_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # feed readers show them
    response.set_etag(name)
    return response.make_conditional(request)


@bp.get("/settings/images")
@login_required
def mine():
    """The reader's images; an admin may ask for everyone's (``?everyone=1``), to delete any."""
    everyone = bool(is_admin(current_user) and request.args.get("everyone"))
    listed = uploads.all_uploads() if everyone else uploads.uploads_of(current_user)
    used = uploads.bytes_used(current_user)
    return render_template(
        "uploads/mine.html",
        uploads=listed,
        used=used,
        everyone=everyone,
        quota=current_app.config["UPLOAD_QUOTA_BYTES"],
    )


@bp.post("/uploads/<key>/delete")
@login_required
def delete(key: str):
    upload = uploads.get_upload(key)
    if upload is None:
        abort(404)
    uploads.delete_upload(upload, current_user)
    flash("Image deleted.", "info")
    if current_user.id != upload.owner_id:
        return redirect(url_for("uploads.mine", everyone=1))
    return redirect(url_for("uploads.mine"))


@bp.post("/settings/avatar")
@login_required
@streams_upload
@limits.editor_requests
def avatar():
    """An avatar from a picture: uploaded as any image, and its smallest copy becomes the
    profile's image (the URL field on the settings page stays for pictures elsewhere)."""
    try:
        upload = uploads.save_upload(current_user, request.files.get("file"))
        uploads.set_avatar(current_user, upload)
    except ValidationError as error:
        for message in error.errors.get("file", ["could not be used"]):
            flash(f"That picture {message}.", "error")
        return redirect(url_for("users.settings"))
    flash("Avatar saved.", "success")
    return redirect(url_for("users.settings"))
