from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from blog.extensions import db
from blog.models.types import UTCDateTime, utcnow

KEY_HASH_LENGTH = 64
BROWSER_MAX = 120


class SignIn(db.Model):
    """One browser's sign-in, kept on the server so that signing out can end it.

    The browser holds a random key (in its session cookie and, with "keep me signed in", its
    remember-me cookie); the server keeps only its SHA-256, so a copy of this table signs no one
    in. The key is 256 random bits: a plain hash is as safe as a slow one for it.
    """

    __tablename__ = "sign_ins"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(KEY_HASH_LENGTH), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    remembered: so.Mapped[bool] = so.mapped_column(default=False)
    """Made with "keep me signed in": a browser signed in again after a password change keeps it."""
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    browser: so.Mapped[str] = so.mapped_column(sa.String(BROWSER_MAX), default="")
    """What the browser said it was when it signed in (``Firefox on Linux``), for the list of
    where an account is signed in."""

    def __repr__(self) -> str:
        return f"<SignIn {self.id} of user {self.user_id}>"
