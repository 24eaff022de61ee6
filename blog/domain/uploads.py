"""Uploaded images: the rules for taking one (size, type, quota), naming, using and deleting.

An upload is measured as it is read (``UPLOAD_MAX_BYTES``, then :class:`UploadTooLarge`: a 413),
decoded and re-encoded by :mod:`blog.uploads.images`, counted against its owner's
``UPLOAD_QUOTA_BYTES`` and stored by the backend :mod:`blog.uploads.storage` names. The same
bytes sent again by the same account are the upload already made.

Names are ``<key>-<width>.<ext>`` (:data:`VARIANT_NAME`): the key hashes the owner and the
bytes, so a name never changes content and is cached for ever. Posts link to
``/uploads/<name>`` (or ``UPLOAD_PUBLIC_URL/<name>``); an upload is *used* while a post's body
or cover, or an account's avatar, names its key: ``flask blog prune-uploads`` deletes the rest.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_request_context, request, url_for
from sqlalchemy.exc import IntegrityError

from blog.domain.errors import PermissionDenied, ValidationError
from blog.domain.permissions import is_admin
from blog.extensions import db
from blog.models import Page, Post, PostRevision, SiteSettings, Upload, User, utcnow
from blog.models.post import COVER_IMAGE_MAX
from blog.uploads.formats import CONTENT_TYPES
from blog.uploads.storage import storage

VARIANT_NAME = re.compile(
    r"(?P<key>[0-9a-f]{24})-(?P<width>[1-9][0-9]{0,4})\.(?P<ext>jpg|png|webp|gif)"
)
"""The name of a stored file: the upload's key, the width in pixels, the extension."""
UPLOAD_PATH = re.compile(r"/uploads/(?P<name>" + VARIANT_NAME.pattern + r")")
KEY_IN_TEXT = re.compile(r"([0-9a-f]{24})-[1-9][0-9]{0,4}\.(?:jpg|png|webp|gif)")
"""How a body, a cover or an avatar names an upload (for :func:`used_keys`)."""
SERVED_AT = "/uploads/"
"""Where the blog serves stored files (:func:`blog.uploads.routes.serve`); spelt out, not built
with ``url_for``, because bodies are rendered outside requests too (``flask blog render-posts``)."""
READ_CHUNK = 64 * 1024
PRUNE_GRACE = timedelta(days=1)
"""An upload younger than this is never pruned: its post may not be saved yet."""


class UploadTooLarge(ValidationError):
    """More bytes than ``UPLOAD_MAX_BYTES``: answered with a 413."""


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def measure(stream: BinaryIO, max_bytes: int) -> tuple[int, str]:
    """The size and SHA-256 of ``stream``, read in chunks (never whole into memory), and
    rewound; :class:`UploadTooLarge` as soon as it passes ``max_bytes``."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(READ_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise UploadTooLarge.single("file", f"is too large (at most {megabytes(max_bytes)})")
        digest.update(chunk)
    stream.seek(0)
    if size == 0:
        raise ValidationError.single("file", "is empty: choose an image")
    return size, digest.hexdigest()


def bytes_used(owner: User) -> int:
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Upload.byte_size), 0)).where(
            Upload.owner_id == owner.id
        )
    )
    return int(total or 0)


def save_upload(owner: User, stream: BinaryIO | None) -> Upload:
    """Take the image in ``stream`` for ``owner``, or a :class:`ValidationError` on ``file``."""
    from blog.uploads.images import ImageRefused, process_image  # imported here: Pillow

    if stream is None:
        raise ValidationError.single("file", "is missing: send an image in the field 'file'")
    if not hasattr(stream, "read"):  # a text field named "file", not a file
        raise ValidationError.single("file", "must be a file (a multipart part with a filename)")
    config = current_app.config
    _, content_hash = measure(stream, config["UPLOAD_MAX_BYTES"])
    existing = _existing(owner, content_hash)
    if existing is not None:
        return existing
    used = bytes_used(owner)
    quota = config["UPLOAD_QUOTA_BYTES"]
    if used >= quota:
        raise _over_quota(quota)
    try:
        image = process_image(
            stream,
            max_pixels=config["UPLOAD_MAX_PIXELS"],
            max_dimension=config["UPLOAD_MAX_DIMENSION"],
        )
    except ImageRefused as refusal:
        raise ValidationError.single("file", str(refusal)) from None
    stored = sum(len(variant.data) for variant in image.variants)
    if used + stored > quota:
        raise _over_quota(quota)
    key = hashlib.sha256(f"{owner.id}:{content_hash}".encode()).hexdigest()[:24]
    names = []
    files = storage()
    for variant in image.variants:
        name = f"{key}-{variant.width}.{variant.extension}"
        files.put(name, variant.data, variant.content_type)
        names.append(name)
    upload = Upload(
        key=key,
        owner_id=owner.id,
        content_hash=content_hash,
        format=image.format,
        width=image.width,
        height=image.height,
        byte_size=stored,
        variants=names,
    )
    db.session.add(upload)
    try:
        db.session.commit()
    except IntegrityError:  # the same image from the same account, saved meanwhile
        db.session.rollback()
        return db.session.scalar(sa.select(Upload).where(Upload.key == key))
    return upload


def _existing(owner: User, content_hash: str) -> Upload | None:
    return db.session.scalar(
        sa.select(Upload).where(Upload.owner_id == owner.id, Upload.content_hash == content_hash)
    )


def _over_quota(quota: int) -> ValidationError:
    return ValidationError.single(
        "file",
        f"would pass your storage quota of {megabytes(quota)}: delete images you no longer use "
        "(Settings, My images)",
    )


def original_name(upload: Upload) -> str:
    """The full-size file in the image's own format: what Markdown and covers link to."""
    return upload.variants[0]


def variant_url(name: str) -> str:
    """Where a stored file is read: ``UPLOAD_PUBLIC_URL/<name>`` when set, else the blog's
    ``/uploads/<name>`` (relative, as every other link a post holds)."""
    public = current_app.config["UPLOAD_PUBLIC_URL"].rstrip("/")
    return f"{public}/{name}" if public else f"{SERVED_AT}{name}"


def upload_url(upload: Upload) -> str:
    return variant_url(original_name(upload))


def markdown_for(upload: Upload) -> str:
    return f"![]({upload_url(upload)})"


def uploads_of(owner: User) -> list[Upload]:
    statement = sa.select(Upload).where(Upload.owner_id == owner.id).order_by(Upload.id.desc())
    return list(db.session.scalars(statement))


def all_uploads(limit: int = 500) -> list[Upload]:
    """The newest uploads of every account, for admins (with their owners, in one statement)."""
    statement = (
        sa.select(Upload)
        .options(so.joinedload(Upload.owner))
        .order_by(Upload.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def get_upload(key: Any) -> Upload | None:
    if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{24}", key):
        return None
    return db.session.scalar(sa.select(Upload).where(Upload.key == key))


def can_delete_upload(user: User | None, upload: Upload) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and (user.id == upload.owner_id or is_admin(user))
    )


def delete_upload(upload: Upload, user: User | None) -> None:
    """Delete the upload and its files; only its owner and admins may."""
    if not can_delete_upload(user, upload):
        raise PermissionDenied("Only the owner or an admin can delete this image.", "upload")
    _delete(upload)
    db.session.commit()


def _delete(upload: Upload) -> None:
    storage().delete(list(upload.variants))
    db.session.delete(upload)


def stored_file(name: str) -> tuple[bytes, str] | None:
    """The bytes and Content-Type of a stored file, None for a name that isn't one."""
    match = VARIANT_NAME.fullmatch(name)
    if match is None:
        return None
    data = storage().get(name)
    if data is None:
        return None
    return data, CONTENT_TYPES[match["ext"]]


def lookup(keys: set[str]) -> dict[str, Upload]:
    """The uploads of ``keys``, in one statement."""
    if not keys:
        return {}
    found = db.session.scalars(sa.select(Upload).where(Upload.key.in_(sorted(keys))))
    return {upload.key: upload for upload in found}


def name_in_url(url: str | None) -> str | None:
    """The stored file a URL names, when it is one of ours (``/uploads/<name>``, on this site's
    host or at ``UPLOAD_PUBLIC_URL``), else None."""
    if not url:
        return None
    public = current_app.config["UPLOAD_PUBLIC_URL"].rstrip("/")
    if public and url.startswith(public + "/"):
        name = url[len(public) + 1 :]
        return name if VARIANT_NAME.fullmatch(name) else None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != _site_host():
        return None
    match = UPLOAD_PATH.fullmatch(parts.path)
    return match["name"] if match and not parts.query else None


def _site_host() -> str:
    """This site's host: ``SITE_URL``'s, else the request's (the host :func:`absolute_url_of`
    gives API clients when ``SITE_URL`` is unset)."""
    site = urlsplit(current_app.config["SITE_URL"]).netloc
    return site or (request.host if has_request_context() else "")


def clean_cover_image(value: Any) -> str | None:
    """A post's cover: an http(s) URL of an image (an upload's or any other), or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError.single("cover_image", "must be a string")
    url = value.strip()
    if not url:
        return None
    if len(url) > COVER_IMAGE_MAX:
        raise ValidationError.single(
            "cover_image", f"is too long (maximum is {COVER_IMAGE_MAX} characters)"
        )
    if UPLOAD_PATH.fullmatch(url):
        return url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"[\s<>\"']", url):
        raise ValidationError.single(
            "cover_image", "must be an image's address starting with https:// or http://"
        )
    return url


def _texts_naming_uploads() -> list[sa.Select]:
    """Every column whose text may name an upload: post bodies and covers, kept revisions (a
    restore must find its images), pages, avatars and the site's logo."""
    return [
        sa.select(Post.body),
        sa.select(Post.cover_image).where(Post.cover_image.is_not(None)),
        sa.select(PostRevision.body),
        sa.select(Page.body),
        sa.select(User.image_url).where(User.image_url.is_not(None)),
        sa.select(SiteSettings.logo_url).where(SiteSettings.logo_url.is_not(None)),
    ]


def used_keys() -> set[str]:
    """The keys of every upload something on the site names (:func:`_texts_naming_uploads`)."""
    used: set[str] = set()
    for statement in _texts_naming_uploads():
        for (text,) in db.session.execute(statement.execution_options(yield_per=500)):
            used.update(KEY_IN_TEXT.findall(text))
    return used


def prune_unused(grace: timedelta = PRUNE_GRACE) -> list[Upload]:
    """Delete the uploads nothing uses that are older than ``grace``; the ones deleted."""
    used = used_keys()
    old = sa.select(Upload).where(Upload.created_at < utcnow() - grace).order_by(Upload.id)
    unused = [upload for upload in db.session.scalars(old) if upload.key not in used]
    for upload in unused:
        _delete(upload)
    db.session.commit()
    return unused


def absolute_url_of(name: str) -> str:
    """A stored file's address with its host, for API clients and avatars (which must be
    absolute): ``UPLOAD_PUBLIC_URL``, else ``SITE_URL``, else the host the request came to."""
    url = variant_url(name)
    if url.startswith(("https://", "http://")):
        return url
    site_url = current_app.config["SITE_URL"].rstrip("/")
    if site_url or not has_request_context():
        return site_url + url
    return url_for("uploads.serve", name=name, _external=True)


def avatar_name(upload: Upload) -> str:
    """The smallest copy (an avatar is shown at most 96 pixels wide)."""
    webp = [name for name in upload.variants if name.endswith(".webp")]
    return webp[0] if webp else original_name(upload)


def set_avatar(user: User, upload: Upload) -> None:
    if upload.owner_id != user.id:
        raise PermissionDenied("You can only use your own images as your avatar.", "upload")
    user.image_url = absolute_url_of(avatar_name(upload))
    db.session.commit()


def absolute_cover(url: str | None) -> str | None:
    """A cover's URL for API clients: one of our uploads made absolute, any other as it is."""
    name = name_in_url(url)
    if name is None or url.startswith(("https://", "http://")):
        return url
    return absolute_url_of(name)
