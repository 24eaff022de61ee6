"""The browsers an account has signed in from, known by the random key of a ``device`` cookie.

A sign-in from a browser the account has no row for is a sign-in from a new device: the owner is
told by mail (not for the first browser an account signs in with, nor at registration or after a
password reset by mail). A device can be trusted to
skip the second factor for ``TRUSTED_DEVICE_DAYS``; the trust ends early when every sign-in
does (a password change, "sign out everywhere") and when TOTP is turned off or on again. The
server keeps only the key's SHA-256, so a copy of this table trusts nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from blog.extensions import db
from blog.models import Device, User, utcnow
from blog.models.sign_in import BROWSER_MAX

KEY_BYTES = 32


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def _find(user: User, key: str | None) -> Device | None:
    if not isinstance(key, str) or not key:
        return None
    return db.session.scalar(
        sa.select(Device).where(Device.user_id == user.id, Device.key_hash == _hash(key))
    )


def note_sign_in(user: User, key: str, browser: str) -> bool:
    """Record that the browser holding ``key`` signed in to ``user``; whether it is new to an
    account that had signed in from another browser before (the first browser an account signs
    in with is no news to its owner). Not committed."""
    if _find(user, key) is not None:
        return False
    known = db.session.scalar(sa.select(sa.exists().where(Device.user_id == user.id)))
    db.session.add(Device(user_id=user.id, key_hash=_hash(key), browser=browser[:BROWSER_MAX]))
    return bool(known)


def is_trusted(user: User, key: str | None) -> bool:
    """Whether the browser holding ``key`` may skip ``user``'s second factor."""
    device = _find(user, key)
    if device is None or device.trusted_at is None or device.trusted_until is None:
        return False
    started = max(user.sessions_ended_at, user.totp_enabled_at or user.sessions_ended_at)
    return device.trusted_until > utcnow() and device.trusted_at > started


def trust(user: User, key: str, browser: str) -> None:
    """Let the browser holding ``key`` skip the second factor for ``TRUSTED_DEVICE_DAYS``. Not
    committed."""
    note_sign_in(user, key, browser)
    db.session.flush()
    device = _find(user, key)
    now = utcnow()
    device.trusted_at = now
    device.trusted_until = now + timedelta(days=current_app.config["TRUSTED_DEVICE_DAYS"])


def untrust_all(user: User) -> None:
    """No browser of ``user``'s skips the second factor any more. Not committed."""
    db.session.execute(
        sa.update(Device)
        .where(Device.user_id == user.id)
        .values(trusted_at=None, trusted_until=None)
        .execution_options(synchronize_session=False)
    )
