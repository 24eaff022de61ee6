"""Changes that could hand an account to someone else: its email address and its password.

A token, or a browser left signed in, is no proof that its holder owns the account: a token can
be stolen. So a password change needs *proof of presence*: the current password, or (through the
API) a sign-in within ``RECENT_SIGN_IN_SECONDS``. An email change with that proof takes effect at
once; without it (the API only, where RealWorld frontends have no field for a password) it waits
until a link mailed to the new address is followed. Every change is mailed to the account's
address (the old one, for a new address), and a new address comes with a link to the old one
that, for ``EMAIL_UNDO_MAX_AGE`` seconds, puts the old address back and signs the account out
everywhere: the thief's token ends, and the owner can reset the password from an inbox they hold.

The links are signed and timestamped as reset links are (:mod:`blog.domain.password_reset`) and
carry the addresses, so nothing is stored. A confirmation link names the account's address and
sign-in state when it was made, so it works once, and not after the address changed otherwise,
the password changed or the account was signed out everywhere (which an undo link does, so it
cancels a change waiting for confirmation). An undo link names only the two addresses: nothing
the new address's holder can do (change it again, reset the password) ends it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from blog.domain import account_notices, users
from blog.domain.errors import Conflict, DomainError, ValidationError
from blog.domain.sessions import sign_out_everywhere
from blog.extensions import db
from blog.models import User, utcnow

CONFIRM_SALT = "email-change-confirm"
UNDO_SALT = "email-change-undo"

WRONG_PASSWORD = "is not your current password"
PASSWORD_NEEDS_PROOF = "is required to change the password (or sign in again first)"
EMAIL_NEEDS_PROOF = "is required to change the email address"


class InvalidEmailLink(DomainError):
    """A confirmation or undo link that is forged, expired or spent; the message says which."""


@dataclass(frozen=True)
class Proof:
    """What a request offers as proof that the account's owner is making it.

    ``password`` is the current password as typed (None or "" when not given); ``signed_in_at``
    when the password was last given for the credential the request rides on (an API token's
    ``auth_time``); ``field`` names the password in errors; ``confirm_by_mail`` lets an email
    change without proof wait for confirmation instead of being refused.
    """

    password: Any = None
    signed_in_at: datetime | None = None
    field: str = "current_password"
    confirm_by_mail: bool = False


def is_present(user: User, proof: Proof) -> bool:
    """Whether ``proof`` shows the owner is there; a wrong password is an error, not a no."""
    if proof.password is not None and proof.password != "":
        given = proof.password
        if (
            not isinstance(given, str)
            or len(given) > users.PASSWORD_MAX
            or not user.check_password(given)
        ):
            raise ValidationError.single(proof.field, WRONG_PASSWORD)
        return True
    if proof.signed_in_at is None:
        return False
    recent = timedelta(seconds=current_app.config["RECENT_SIGN_IN_SECONDS"])
    return utcnow() - proof.signed_in_at <= recent


def update_account(user: User, changes: dict[str, Any], proof: Proof) -> str | None:
    """Apply profile changes (username, email, bio, image, password) as ``proof`` allows.

    Returns the new address when the email change waits for its confirmation (the other changes
    are made), else None. Nothing is changed when a change is refused.
    """
    values = users.clean_profile_changes(user, changes)
    if values.get("email", user.email.lower()) == user.email.lower():
        values.pop("email", None)  # the address it has, maybe in other letters: no change
    sensitive = "password" in values or "email" in values
    present = sensitive and is_present(user, proof)
    if "password" in values and not present:
        raise ValidationError.single(proof.field, PASSWORD_NEEDS_PROOF)
    pending = None
    if "email" in values and not present:
        if not proof.confirm_by_mail or not account_notices.can_send():
            raise ValidationError.single(proof.field, EMAIL_NEEDS_PROOF)
        pending = values.pop("email")
    old_email = user.email
    users.apply_profile_changes(user, values)
    if pending is not None:
        account_notices.confirm_new_email(user, pending, _confirmation_token(user, pending))
        account_notices.email_change_asked(user, pending, _undo_token(user, old_email, pending))
    if "email" in values:
        _tell_email_changed(user, old_email)
    if "password" in values:
        account_notices.password_changed(user, old_email)
    return pending


def change_password(user: User, current: Any, new: Any) -> None:
    """The settings page's password form: the current password is the proof."""
    users.change_password(user, current, new)
    account_notices.password_changed(user, user.email)


def _tell_email_changed(user: User, old_email: str) -> None:
    account_notices.email_changed(user, old_email, _undo_token(user, old_email, user.email))


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _state(user: User) -> str:
    """What a confirmation link is bound to: the account's address, password and sign-ins."""
    state = f"{user.email.lower()}\n{user.password_stamp()}\n{user.sessions_ended_at.timestamp()}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def _confirmation_token(user: User, new_email: str) -> str:
    return _serializer(CONFIRM_SALT).dumps([user.id, new_email, _state(user)])


def _undo_token(user: User, old_email: str, new_email: str) -> str:
    return _serializer(UNDO_SALT).dumps([user.id, old_email.lower(), new_email.lower()])


def _load(token: str, salt: str, max_age: int, kind: str) -> tuple[User, str, str]:
    """The account and the two strings a link carries, or :class:`InvalidEmailLink`."""
    invalid = InvalidEmailLink(f"This {kind} link is not valid.")
    if not token.isascii():
        raise invalid
    try:
        user_id, first, second = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidEmailLink(f"This {kind} link has expired.") from None
    except (BadSignature, TypeError, ValueError):
        raise invalid from None
    if not isinstance(user_id, int) or not isinstance(first, str) or not isinstance(second, str):
        raise invalid
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None or user.is_disabled:
        raise invalid
    return user, first, second


def pending_change(token: str) -> tuple[User, str]:
    """The account and the new address a confirmation link is for."""
    max_age = current_app.config["EMAIL_CONFIRM_MAX_AGE"]
    user, new_email, state = _load(token, CONFIRM_SALT, max_age, "confirmation")
    if user.email.lower() == new_email:
        raise InvalidEmailLink("This email address has already been confirmed.")
    if _state(user) != state:
        raise InvalidEmailLink(
            "This confirmation link no longer works: since it was sent, the account's email "
            "address or password was changed, or the account was signed out everywhere."
        )
    return user, new_email


def confirm_email(token: str) -> User:
    """Make the address a confirmation link carries the account's; the old one is told."""
    user, new_email = pending_change(token)
    users.clean_profile_changes(user, {"email": new_email})  # taken meanwhile: Conflict
    old_email = user.email
    user.email = new_email
    _commit_email()
    _tell_email_changed(user, old_email)
    return user


def change_to_undo(token: str) -> tuple[User, str, str]:
    """The account, its old address and the new one an undo link is for."""
    max_age = current_app.config["EMAIL_UNDO_MAX_AGE"]
    return _load(token, UNDO_SALT, max_age, "undo")


def undo_email_change(token: str) -> User:
    """Put the old address back (if another one is on the account) and sign it out everywhere.

    Signing out ends every session and token, the thief's among them, and any confirmation link
    still waiting; whatever address the account went to meanwhile, the old one comes back.
    """
    user, old_email, _ = change_to_undo(token)
    if user.email.lower() != old_email:
        try:
            users.clean_profile_changes(user, {"email": old_email})
        except Conflict:
            raise Conflict.single("email", "is now used by another account") from None
        user.email = old_email
        _commit_email()
    sign_out_everywhere(user)
    return user


def _commit_email() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # another account took the address between the check and now
        db.session.rollback()
        raise Conflict.single("email", "has already been taken") from None
