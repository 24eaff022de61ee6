"""``POST /api/uploads``: an image for an API client (an x-extension: the spec has no uploads).

The same rules as the editor's upload (:func:`blog.domain.uploads.save_upload`); the answer's
``url`` is absolute, ready to put in an article's body or its ``image``.
"""

from flask import current_app, request
from flask_openapi3 import FileStorage, Tag
from pydantic import Field
from werkzeug.exceptions import RequestEntityTooLarge

from blog.api import schemas
from blog.api.blueprint import api
from blog.api.errors import error_body
from blog.api.respond import ERRORS, TOKEN, respond
from blog.api.tokens import require_api_user, token_required
from blog.domain import uploads
from blog.errors import default_message
from blog.hardening import streams_upload

tag = Tag(name="Uploads")


class UploadForm(schemas.Schema):
    file: FileStorage = Field(description="The image: JPEG, PNG, WebP or GIF.")


class UploadOut(schemas.Schema):
    url: str = Field(description="The image at full size, in its own format (absolute).")
    width: int
    height: int


class UploadResponse(schemas.Schema):
    upload: UploadOut


@api.errorhandler(uploads.UploadTooLarge)
def upload_too_large(error: uploads.UploadTooLarge):
    return error_body(error.errors, 413)


@api.errorhandler(RequestEntityTooLarge)
def body_too_large(error: RequestEntityTooLarge):
    if request.endpoint == "api.upload_image":
        limit = uploads.megabytes(current_app.config["UPLOAD_MAX_BYTES"])
        return error_body({"file": [f"is too large (at most {limit})"]}, 413)
    return error_body({"body": [default_message(413)]}, 413)


@api.post(
    "/uploads",
    tags=[tag],
    summary="Upload an image",
    security=TOKEN,
    responses={201: UploadResponse, 413: schemas.ErrorResponse, **ERRORS},
    openapi_extensions={
        "x-extension": "not in the spec: multipart field `file`, a JPEG, PNG, WebP or GIF "
        "(decided from its bytes); 413 over UPLOAD_MAX_BYTES, 422 for anything else refused"
    },
)
@token_required
@streams_upload
def upload_image(form: UploadForm):
    """The image is re-encoded without metadata; `url` is its full-size copy, to use in an
    article's `body` (Markdown `![](url)`) or as its `image`."""
    owner = require_api_user()
    upload = uploads.save_upload(owner, form.file)
    answer = UploadOut(
        url=uploads.absolute_url_of(uploads.original_name(upload)),
        width=upload.width,
        height=upload.height,
    )
    return respond(UploadResponse(upload=answer), 201)
