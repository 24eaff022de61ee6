"""Accounts: registration, sign-in, profile and password rules."""

from __future__ import annotations

import re
import secrets
from typing import Any

import sqlalchemy as sa
from slugify import slugify
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from blog.domain.errors import AuthenticationFailed, Conflict, PermissionDenied, ValidationError
from blog.domain.sessions import sign_out_everywhere
from blog.domain.text import clean_text, collect, has_unstorable_characters
from blog.extensions import db
from blog.models import User
from blog.models.user import BIO_MAX, EMAIL_MAX, IMAGE_URL_MAX, USERNAME_MAX

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
PASSWORD_MIN = 8
PASSWORD_MAX = 256


def clean_username(value: Any) -> str:
    username = clean_text(value, "username", max_length=USERNAME_MAX)
    if not USERNAME_PATTERN.match(username):
        raise ValidationError.single(
            "username", "may contain only letters, digits, hyphens and underscores"
        )
    return username


def clean_email(value: Any) -> str:
    from email_validator import EmailNotValidError, validate_email  # only writes check one

    email = clean_text(value, "email", max_length=EMAIL_MAX)
    try:
        checked = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError.single("email", "is invalid") from None
    return checked.normalized.lower()


def _given_password(value: Any, field: str) -> str:
    """A password as typed (spaces count), or the reason there is none."""
    if value is None or value == "":
        raise ValidationError.single(field, "can't be blank")
    if not isinstance(value, str):
        raise ValidationError.single(field, "must be a string")
    if has_unstorable_characters(value):
        raise ValidationError.single(field, "contains characters that are not allowed")
    return value


def clean_password(value: Any, field: str = "password") -> str:
    value = _given_password(value, field)
    if len(value) < PASSWORD_MIN:
        raise ValidationError.single(field, f"is too short (minimum is {PASSWORD_MIN} characters)")
    if len(value) > PASSWORD_MAX:
        raise ValidationError.single(field, f"is too long (maximum is {PASSWORD_MAX} characters)")
    return value


def clean_image_url(value: Any) -> str | None:
    url = clean_text(value, "image", max_length=IMAGE_URL_MAX, required=False)
    if not url:
        return None
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", url, re.IGNORECASE):
        raise ValidationError.single("image", "must be an http or https URL")
    return url


def find_by_id(user_id: Any) -> User | None:
    return db.session.get(User, user_id) if type(user_id) is int else None


def find_by_username(username: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(sa.func.lower(User.username) == username.lower())
    )


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.lower()))


def _check_unique(username: str | None, email: str | None, exclude: User | None = None) -> None:
    errors: dict[str, list[str]] = {}
    for field, value, finder in (
        ("username", username, find_by_username),
        ("email", email, find_by_email),
    ):
        if value is not None:
            found = finder(value)
            if found is not None and (exclude is None or found.id != exclude.id):
                errors[field] = ["has already been taken"]
    if errors:
        raise Conflict(errors)


def _commit_unique() -> None:
    """Commit, turning a lost race on a unique column into the same error a check would give."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict.single("username", "has already been taken") from None


def register(username: Any, email: Any, password: Any) -> User:
    username, email, password = collect(
        lambda: clean_username(username),
        lambda: clean_email(email),
        lambda: clean_password(password),
    )
    _check_unique(username, email)
    user = User(username=username, email=email, bio="")
    user.set_password(password)
    db.session.add(user)
    _commit_unique()
    return user


USERNAME_SUFFIX_ROOM = 6


def available_username(wanted: str) -> str:
    """A free username like ``wanted`` (a login or a name from elsewhere): transliterated, each
    run of characters a username can't hold a ``-``, within :data:`USERNAME_MAX`, and ``-2``,
    ``-3``... after it when it is taken (by any case of it); ``user`` when nothing is left."""
    base = slugify(
        wanted,
        lowercase=False,
        regex_pattern=r"[^A-Za-z0-9_-]+",
        max_length=USERNAME_MAX - USERNAME_SUFFIX_ROOM,
    )
    base = base.strip("-_") or "user"
    candidate, number = base, 1
    while find_by_username(candidate) is not None:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def create_account_without_password(
    username: Any, email: Any, *, bio: Any = "", image: Any = None, disabled: bool = False
) -> User:
    """An account no password opens (its hash is of a secret no one was told), for the authors
    an import brings (:mod:`blog.moving.arrivals.accounts`): its owner sets one with "Forgot
    password?" (:mod:`blog.domain.password_reset`), or an operator with ``flask blog set-password``.
    ``disabled`` makes one that no one ever signs in to. Nothing is committed."""
    username, email, bio, image = collect(
        lambda: clean_username(username),
        lambda: clean_email(email),
        lambda: clean_text(bio, "bio", max_length=BIO_MAX, required=False, multiline=True),
        lambda: clean_image_url(image),
    )
    _check_unique(username, email)
    user = User(username=username, email=email, bio=bio, image_url=image, is_disabled=disabled)
    user.set_password(secrets.token_urlsafe(32))
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(login: Any, password: Any) -> User | None:
    """The user whose email or username and password match, else None.

    Raises :class:`PermissionDenied` for a disabled account with the right password, so the caller
    can say why instead of "wrong password".
    """
    if not isinstance(login, str) or not isinstance(password, str) or not login or not password:
        return None
    # No account has a longer password: refused before its characters are read or hashed.
    if len(password) > PASSWORD_MAX or has_unstorable_characters(password):
        return None
    try:
        login = clean_text(login, "login", max_length=EMAIL_MAX)
    except ValidationError:
        return None
    user = find_by_email(login) if "@" in login else find_by_username(login)
    if user is None:
        _spend_a_password_check(password)
        return None
    if not user.check_password(password):
        return None
    if user.is_disabled:
        raise PermissionDenied("This account has been disabled.", "account")
    return user


_UNGUESSABLE_HASH: list[str] = []
"""The hash of a password nobody knows, once made (by the first unknown account's sign-in)."""


def _spend_a_password_check(password: str) -> None:
    """One password hash, as a wrong password costs, so an answer for an unknown account takes
    as long (timing must not tell which accounts exist): checking ``password`` against a hash
    nobody knows, or, the first time, making that hash. Making it and then checking cost the
    first unknown account two hashes, which a clock could tell apart."""
    if _UNGUESSABLE_HASH:
        check_password_hash(_UNGUESSABLE_HASH[0], password)
    else:
        _UNGUESSABLE_HASH.append(generate_password_hash(secrets.token_urlsafe(32)))


def login(email: Any, password: Any) -> User:
    """The account for an email and password; blank fields are a :class:`ValidationError`, a
    wrong pair :class:`AuthenticationFailed`."""
    collect(
        lambda: clean_text(email, "email", max_length=EMAIL_MAX),
        lambda: _given_password(password, "password"),
    )
    user = authenticate(email, password)
    if user is None:
        raise AuthenticationFailed("Wrong email or password.")
    return user


def update_profile(user: User, changes: dict[str, Any]) -> User:
    """Apply the given fields (any of username, email, bio, image, password); others stay.

    No proof is asked: this is for callers that need none (the operator's CLI). A person changes
    their own account through :func:`blog.domain.account_changes.update_account`, which asks for
    proof before an email or password change.
    """
    return apply_profile_changes(user, clean_profile_changes(user, changes))


def clean_profile_changes(user: User, changes: dict[str, Any]) -> dict[str, Any]:
    """The given fields cleaned and, for username and email, checked free (every error at once)."""
    cleaners = {
        "username": clean_username,
        "email": clean_email,
        "bio": lambda v: clean_text(v, "bio", max_length=BIO_MAX, required=False, multiline=True),
        "image": clean_image_url,
        "password": clean_password,
    }
    fields = [name for name in cleaners if name in changes]
    values = dict(
        zip(fields, collect(*(lambda n=n: cleaners[n](changes[n]) for n in fields)), strict=True)
    )
    _check_unique(values.get("username"), values.get("email"), exclude=user)
    return values


def apply_profile_changes(user: User, values: dict[str, Any]) -> User:
    """Save values from :func:`clean_profile_changes`."""
    for name, value in values.items():
        if name == "password":
            user.set_password(value)
        elif name == "image":
            user.image_url = value
        else:
            setattr(user, name, value)
    _commit_unique()
    return user


def change_password(user: User, current: Any, new: Any) -> None:
    if not isinstance(current, str) or not user.check_password(current):
        raise ValidationError.single("current_password", "is not your current password")
    user.set_password(clean_password(new, "new_password"))
    db.session.commit()


def set_admin(user: User, is_admin: bool, acting: User) -> None:
    if user.id == acting.id and not is_admin:
        raise PermissionDenied("You can't remove your own admin rights.")
    user.is_admin = is_admin
    db.session.commit()


def set_disabled(user: User, disabled: bool, acting: User) -> None:
    """A disabled account can't sign in, and its sign-ins and API tokens end at once, for good:
    enabling it again revives none of them (they may be why it was disabled)."""
    if user.id == acting.id and disabled:
        raise PermissionDenied("You can't disable your own account.")
    user.is_disabled = disabled
    if disabled:
        sign_out_everywhere(user)
    db.session.commit()
