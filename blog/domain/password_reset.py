"""Resetting a forgotten password with a link sent by email.

A reset token is the account's password stamp (:meth:`User.password_stamp`) and a digest of its
email address, signed and timestamped. The stamp changes with the password, so a link works once
and stops working when the password is changed any other way; changing the email address ends it
too; it expires after ``PASSWORD_RESET_MAX_AGE`` seconds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from blog.domain.errors import DomainError, ValidationError
from blog.domain.text import clean_text
from blog.domain.users import clean_password, find_by_email
from blog.extensions import db
from blog.models import User
from blog.models.user import EMAIL_MAX

SALT = "password-reset"


class InvalidResetLink(DomainError):
    """The link is forged, expired or already used; the message says which, for the reader."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def account_to_reset(email: Any) -> User | None:
    """The enabled account an email belongs to, else None (a malformed email included)."""
    try:
        email = clean_text(email, "email", max_length=EMAIL_MAX)
    except ValidationError:
        return None
    user = find_by_email(email)
    return user if user is not None and not user.is_disabled else None


def _email_digest(user: User) -> str:
    return hashlib.sha256(user.email.lower().encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ResetRequest:
    """What a reset request is answered with: who the link goes to (None: no one) and the link's
    token, and the name to greet."""

    recipient: str | None
    username: str
    token: str


NOBODY_STAMP = "0:" + "0" * 16
"""The password stamp of the account that does not exist, in the token made for no one."""


def request_reset(email: Any) -> ResetRequest:
    """A reset link for the account ``email`` belongs to, and for an address with no (enabled)
    account, one for no one, made by the same work.

    A request must not tell which addresses have accounts, by its answer or by the time it
    takes (a real account once took 2 ms more: its token was signed, its message rendered and
    handed to the mail thread, the unknown address's not). So both look the account up with the
    same statement, sign a token (for no one: a stamp no account has) and go on to the same
    rendering and sending, where a message for no one is delivered to no one; the answer waits
    for no delivery (see :func:`blog.mail.send`).
    """
    user = account_to_reset(email)
    if user is None:
        digest = hashlib.sha256(str(email).lower().encode()).hexdigest()[:16]
        return ResetRequest(None, "", _serializer().dumps([NOBODY_STAMP, digest]))
    return ResetRequest(user.email, user.username, make_token(user))


def make_token(user: User) -> str:
    return _serializer().dumps([user.password_stamp(), _email_digest(user)])


def user_for_token(token: str) -> User:
    """The account a reset link is for, or :class:`InvalidResetLink` saying why not."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    if not token.isascii():
        raise InvalidResetLink("This password reset link is not valid.")
    try:
        stamp, email_digest = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidResetLink("This password reset link has expired.") from None
    except (BadSignature, TypeError, ValueError):
        raise InvalidResetLink("This password reset link is not valid.") from None
    user_id = str(stamp).partition(":")[0]
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or user.is_disabled or _email_digest(user) != email_digest:
        raise InvalidResetLink("This password reset link is not valid.")
    if user.password_stamp() != stamp:
        raise InvalidResetLink("This password reset link has already been used.")
    return user


def reset_password(token: str, new_password: Any) -> User:
    """Set a new password through a reset link; the link, and every older session, then end.

    The password is replaced only if it is still the one the link was made for, checked in the
    same UPDATE: of two requests racing with one link, one wins and the other is told the link
    was used.
    """
    user = user_for_token(token)
    password = clean_password(new_password)
    changed = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash)
        .values(**User.password_change(password))
    )
    if changed.rowcount != 1:
        db.session.rollback()
        raise InvalidResetLink("This password reset link has already been used.")
    db.session.commit()
    return user
