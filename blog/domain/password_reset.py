"""Resetting a forgotten password with a link sent by email.

A reset token is the account's session id (:meth:`User.get_id`), signed and timestamped. That id
changes with the password, so a link works once, and also stops working when the password is
changed any other way; it expires after ``PASSWORD_RESET_MAX_AGE`` seconds.
"""

from __future__ import annotations

from typing import Any

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


def make_token(user: User) -> str:
    return _serializer().dumps(user.get_id())


def user_for_token(token: str) -> User:
    """The account a reset link is for, or :class:`InvalidResetLink` saying why not."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    if not token.isascii():
        raise InvalidResetLink("This password reset link is not valid.")
    try:
        session_id = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidResetLink("This password reset link has expired.") from None
    except BadSignature:
        raise InvalidResetLink("This password reset link is not valid.") from None
    user_id = str(session_id).partition(":")[0]
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or user.is_disabled:
        raise InvalidResetLink("This password reset link is not valid.")
    if user.get_id() != session_id:
        raise InvalidResetLink("This password reset link has already been used.")
    return user


def reset_password(token: str, new_password: Any) -> User:
    """Set a new password through a reset link; the link, and every older session, then end."""
    user = user_for_token(token)
    user.set_password(clean_password(new_password))
    db.session.commit()
    return user
