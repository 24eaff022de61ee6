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
        """The id a session stores: it changes with the password, ending older sessions.

        The suffix is a short digest of the salted password hash, so it changes on every
        password change and reveals nothing about the password.
        """
        digest = hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]
        return f"{self.id}:{digest}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at login and on load
        return not self.is_disabled
