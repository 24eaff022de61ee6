"""Sign-ins kept on the server, so that signing out ends them wherever their cookies went.

A browser signs in with a random key, kept in its session cookie and (with "keep me signed in")
its remember-me cookie; the server keeps only the key's hash in a :class:`SignIn` row. A cookie
signs in only while its row lives: signing out deletes the row, so a copy of either cookie taken
before is worth nothing, and the row expires on the server when the cookie should (after
``REMEMBER_COOKIE_DURATION`` with "keep me signed in", else ``PERMANENT_SESSION_LIFETIME``),
whatever the browser does with it. A password change, or "sign out everywhere", ends every
sign-in made before it. Loading a request's user is one read; no request writes to keep a
sign-in alive. Expired and ended rows are deleted when their account next signs in, and all of
them by ``flask blog prune-sign-ins``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from blog.extensions import db
from blog.models import SignIn, User, utcnow
from blog.models.sign_in import BROWSER_MAX

KEY_BYTES = 32
UNSYNCHRONIZED = {"synchronize_session": False}
"""For DELETEs of sign-ins: no request holds their rows as objects, so none need updating."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def lifetime(remember: bool) -> timedelta:
    """How long a sign-in lasts: as long as the remember-me cookie Flask-Login sets with it, or
    as long as Flask accepts a session cookie."""
    if not remember:
        return current_app.permanent_session_lifetime
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


def _ended(user_id) -> sa.ColumnElement[bool]:
    """The sign-ins of ``user_id`` (a value or a column) no cookie may use any more."""
    changed = sa.select(User.password_changed_at).where(User.id == user_id).scalar_subquery()
    signed_out = sa.select(User.signed_out_at).where(User.id == user_id).scalar_subquery()
    return sa.or_(
        SignIn.expires_at <= utcnow(),
        SignIn.created_at < changed,
        # Never signed out everywhere: NULL, and a NULL here would make the whole test NULL,
        # which NOT keeps NULL: every sign-in would count as neither live nor ended.
        sa.and_(signed_out.is_not(None), SignIn.created_at < signed_out),
    )


def start(user: User, remember: bool = False, browser: str = "") -> str:
    """Sign ``user`` in: the key for the browser's cookies. The account's expired and ended
    sign-ins are deleted on the way. ``browser`` says what the browser is, for
    :func:`live_sign_ins`."""
    db.session.execute(
        sa.delete(SignIn).where(SignIn.user_id == user.id, _ended(user.id)),
        execution_options=UNSYNCHRONIZED,
    )
    key = secrets.token_urlsafe(KEY_BYTES)
    now = utcnow()
    db.session.add(
        SignIn(
            key_hash=_hash(key),
            user_id=user.id,
            remembered=remember,
            browser=browser[:BROWSER_MAX],
            created_at=now,
            expires_at=now + lifetime(remember),
        )
    )
    db.session.commit()
    return key


def user_for(key: str) -> User | None:
    """The enabled account a live sign-in's key names, else None; one SELECT."""
    return db.session.scalar(
        sa.select(User)
        .join(SignIn, SignIn.user_id == User.id)
        .where(
            SignIn.key_hash == _hash(key),
            SignIn.expires_at > utcnow(),
            SignIn.created_at >= User.password_changed_at,
            sa.or_(User.signed_out_at.is_(None), SignIn.created_at >= User.signed_out_at),
            User.is_disabled.is_(False),
        )
    )


def live_sign_ins(user: User) -> list[SignIn]:
    """Where ``user`` is signed in: their live sign-ins, newest first."""
    return db.session.scalars(
        sa.select(SignIn)
        .where(SignIn.user_id == user.id, sa.not_(_ended(user.id)))
        .order_by(SignIn.created_at.desc(), SignIn.id.desc())
    ).all()


def is_key_of(sign_in: SignIn, key: str | None) -> bool:
    """Whether ``key`` is the key of ``sign_in`` (to mark "this browser" in a list)."""
    return isinstance(key, str) and sign_in.key_hash == _hash(key)


def end_one(user: User, sign_in_id: int) -> bool:
    """Sign out one of ``user``'s sign-ins (never another account's); whether there was one."""
    ended = db.session.execute(
        sa.delete(SignIn).where(SignIn.id == sign_in_id, SignIn.user_id == user.id),
        execution_options=UNSYNCHRONIZED,
    )
    db.session.commit()
    return ended.rowcount == 1


def was_remembered(key: str) -> bool:
    """Whether the sign-in of ``key`` was made with "keep me signed in" (so the browser that
    holds it can be signed in again the same way)."""
    remembered = db.session.scalar(
        sa.select(SignIn.remembered).where(SignIn.key_hash == _hash(key))
    )
    return bool(remembered)


def end(*keys: str) -> None:
    """Sign out the sign-ins of ``keys``: their cookies, and every copy of them, stop working."""
    hashes = [_hash(key) for key in keys]
    if hashes:
        db.session.execute(
            sa.delete(SignIn).where(SignIn.key_hash.in_(hashes)), execution_options=UNSYNCHRONIZED
        )
        db.session.commit()


def sign_out_everywhere(user: User) -> None:
    """End every sign-in of ``user`` and every API token issued to them before now, the token
    kept by an API password change included. Signing in again works as before."""
    user.signed_out_at = utcnow()
    user.kept_token_id = None
    db.session.execute(
        sa.delete(SignIn).where(SignIn.user_id == user.id), execution_options=UNSYNCHRONIZED
    )
    db.session.commit()


def prune() -> int:
    """Delete every sign-in no cookie may use any more; how many there were."""
    deleted = db.session.execute(
        sa.delete(SignIn).where(_ended(SignIn.user_id)), execution_options=UNSYNCHRONIZED
    )
    db.session.commit()
    return deleted.rowcount
