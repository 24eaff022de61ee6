"""Addresses a blog had before it moved here, and where each leads now.

A 301 from an old path (``/2013/01/11/hello/``, ``/?p=12``, ``/tag/flask/``) to the post, page,
tag or profile that took its place, answered only where this site has nothing at that address
(:mod:`blog.moving.arrivals.redirects`). The old path's unique key is a digest of it: an index every
database takes, however long the path (a unique utf8mb4 ``VARCHAR`` may hold at most 191
characters on older MariaDB).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from blog.extensions import db
from blog.models.types import UTCDateTime, utcnow

PATH_MAX = 1000
KEY_LENGTH = 64


class Redirect(db.Model):
    __tablename__ = "redirects"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    old_path_key: so.Mapped[str] = so.mapped_column(sa.String(KEY_LENGTH), unique=True)
    """The SHA-256 (hex) of the old path in its normal form
    (:func:`blog.moving.arrivals.redirects.normal_path`)."""
    old_path: so.Mapped[str] = so.mapped_column(sa.String(PATH_MAX))
    target_path: so.Mapped[str] = so.mapped_column(sa.String(PATH_MAX))
    """A path on this site, always (``/posts/hello``): never another site's address."""
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Redirect {self.old_path} -> {self.target_path}>"


class ImportOrigin(db.Model):
    """A post, page or comment an import wrote, by the key of what it was on the old blog: a
    second run of the same import (or of a newer export of the same blog) writes only what it
    hasn't yet (:mod:`blog.moving.arrivals.origins`)."""

    __tablename__ = "import_origins"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    origin_key: so.Mapped[str] = so.mapped_column(sa.String(KEY_LENGTH), unique=True)
    """The SHA-256 (hex) of the old blog's name for it (``wordpress|https://old.example|post|12``)."""
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    target_id: so.Mapped[int] = so.mapped_column()
    """The id of the row written here (of ``posts``, ``pages`` or ``comments``, by ``kind``)."""
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
