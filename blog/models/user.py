from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from blog.extensions import db
from blog.models.types import UTCDateTime, utcnow

USERNAME_MAX = 40
EMAIL_MAX = 254
BIO_MAX = 2000
IMAGE_URL_MAX = 500
TOTP_SECRET_MAX = 64

follows = sa.Table(
    "follows",
    db.metadata,
    sa.Column("follower_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("followed_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("created_at", UTCDateTime(), nullable=False, default=utcnow),
    sa.Index("ix_follows_followed_id", "followed_id"),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.Index("uq_users_username_lower", sa.func.lower(sa.text("username")), unique=True),
        sa.Index("uq_users_email_lower", sa.func.lower(sa.text("email")), unique=True),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(USERNAME_MAX))
    email: so.Mapped[str] = so.mapped_column(sa.String(EMAIL_MAX))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    bio: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    image_url: so.Mapped[str | None] = so.mapped_column(sa.String(IMAGE_URL_MAX))
    is_admin: so.Mapped[bool] = so.mapped_column(default=False)
    is_disabled: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    kept_token_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    """The API token that changed the password: it alone, of the older tokens, stays valid."""
    signed_out_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    """The last "sign out everywhere": every sign-in and API token from before it has ended."""
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(TOTP_SECRET_MAX))
    """The base32 secret of the account's authenticator app, once TOTP is on."""
    totp_enabled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    totp_last_step: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    """The 30-second step of the last code accepted: a code is good once, not for its window."""

    sign_in_key = None
    """The key of the sign-in (:class:`blog.models.sign_in.SignIn`) this account was loaded
    through, in a request signed in by cookie; not a column."""

    # Flask-Login's UserMixin compares accounts by get_id(), which is now a sign-in's key (and
    # absent on an account not loaded through one): the same row is the same object.
    __eq__ = object.__eq__
    __ne__ = object.__ne__

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    def __str__(self) -> str:
        return self.username

    def set_password(self, password: str) -> None:
        for name, value in self.password_change(password).items():
            setattr(self, name, value)

    @staticmethod
    def password_change(password: str) -> dict:
        """The column values that give an account ``password`` (for a conditional UPDATE)."""
        return {
            "password_hash": generate_password_hash(password),
            "password_changed_at": utcnow(),
            "kept_token_id": None,
        }

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie, and hands back to
        the user loader: the key of this browser's sign-in, never anything about the account, so
        that ending the sign-in on the server ends every copy of those cookies."""
        if self.sign_in_key is None:
            raise RuntimeError("not signed in through a sign-in: use blog.auth.sessions.sign_in")
        return self.sign_in_key

    def password_stamp(self) -> str:
        """``<id>:<digest of the salted password hash>``: it changes with every password change
        and reveals nothing about the password (a reset link is made for one, so it works once)."""
        digest = hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]
        return f"{self.id}:{digest}"

    @property
    def sessions_ended_at(self) -> datetime:
        """The last time every sign-in and API token was ended: the last password change or
        "sign out everywhere", whichever is later."""
        if self.signed_out_at is None:
            return self.password_changed_at
        return max(self.password_changed_at, self.signed_out_at)

    @property
    def has_totp(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at login and on load
        return not self.is_disabled
