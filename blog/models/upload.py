"""Uploaded images: one row per image, whatever storage holds its files.

An upload is stored as several files (its *variants*): the image re-encoded in its own format at
full size and WebP at the responsive widths, each named ``<key>-<width>.<ext>``. The key is a hash
of the owner and the bytes sent, so a name never changes content and can be cached for ever.
:class:`UploadBlob` holds the files when the database is the storage (``UPLOAD_STORAGE=database``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from blog.extensions import db
from blog.models.types import UTCDateTime, utcnow
from blog.models.user import User

UPLOAD_KEY_LENGTH = 24
VARIANT_NAME_MAX = 64


class Upload(db.Model):
    __tablename__ = "uploads"
    __table_args__ = (sa.Index("ix_uploads_owner_id_content_hash", "owner_id", "content_hash"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(UPLOAD_KEY_LENGTH), unique=True)
    owner_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    """SHA-256 of the bytes as they were sent: the same image sent again is the same upload."""
    format: so.Mapped[str] = so.mapped_column(sa.String(8))
    """The format the content was (``jpeg``, ``png``, ``webp``, ``gif``), as Pillow read it."""
    width: so.Mapped[int] = so.mapped_column()
    height: so.Mapped[int] = so.mapped_column()
    """The stored image's size: oriented and bounded, so maybe smaller than what was sent."""
    byte_size: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    """Bytes of every variant together: what counts towards the owner's quota."""
    variants: so.Mapped[list[str]] = so.mapped_column(sa.JSON)
    """The names of the stored files."""
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    owner: so.Mapped[User | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<Upload {self.key}>"


class UploadBlob(db.Model):
    """A variant's bytes, for the database storage backend."""

    __tablename__ = "upload_blobs"

    name: so.Mapped[str] = so.mapped_column(sa.String(VARIANT_NAME_MAX), primary_key=True)
    content_type: so.Mapped[str] = so.mapped_column(sa.String(32))
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
