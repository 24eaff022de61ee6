"""What a second factor keeps: recovery codes, the browsers an account has used, passkeys.

The TOTP secret itself is a column of :class:`blog.models.user.User`. Nothing here lets a copy of
the database sign anyone in: recovery codes and device keys are kept as SHA-256 hashes (each is
80 or more random bits, so a fast hash is as safe as a slow one), and a passkey's row holds only
its public key.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from blog.extensions import db
from blog.models.sign_in import BROWSER_MAX
from blog.models.types import UTCDateTime, utcnow

HASH_LENGTH = 64
PASSKEY_NAME_MAX = 60
CREDENTIAL_ID_MAX = 1023
"""WebAuthn allows credential ids of up to 1,023 bytes."""


def _owner() -> so.Mapped[int]:
    return so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)


class RecoveryCode(db.Model):
    """One of the ten single-use codes shown once when TOTP is turned on."""

    __tablename__ = "recovery_codes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = _owner()
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(HASH_LENGTH), unique=True)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())


class Device(db.Model):
    """A browser that has signed in to an account, known by the random key of its ``device``
    cookie: a sign-in from a browser without a row is a sign-in from a new device (its owner is
    told), and ``trusted_until`` is the "don't ask for a code on this browser" choice."""

    __tablename__ = "devices"
    __table_args__ = (sa.UniqueConstraint("user_id", "key_hash", name="uq_devices_user_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = _owner()
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(HASH_LENGTH))
    browser: so.Mapped[str] = so.mapped_column(sa.String(BROWSER_MAX), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    trusted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    trusted_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())


class Passkey(db.Model):
    """A WebAuthn credential that signs its owner in without a password."""

    __tablename__ = "passkeys"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = _owner()
    credential_hash: so.Mapped[str] = so.mapped_column(sa.String(HASH_LENGTH), unique=True)
    """SHA-256 of the credential id, which is what is looked up: an id may be 1,023 bytes,
    longer than some databases can index."""
    credential_id: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(CREDENTIAL_ID_MAX))
    public_key: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    sign_count: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    transports: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    """The authenticator's transports (``usb,nfc``…), handed back to the browser at sign-in."""
    name: so.Mapped[str] = so.mapped_column(sa.String(PASSKEY_NAME_MAX))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
