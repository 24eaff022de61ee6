"""Passkeys (WebAuthn): a key pair made on the reader's device, whose private half never leaves
it, that signs its owner in without a password and without a code.

**The site's name for itself.** The relying party id is the host of ``SITE_URL`` when it is set,
else the host the request came to (without its port); the origin a browser must report is
``SITE_URL``'s, else the request's. A passkey is made for one relying party id and a browser
offers it on that site only, so a page on another address never sees this site's passkeys.

**Challenges.** Each ceremony starts with options holding a random challenge, which is kept in
this browser's session (a signed cookie) for :data:`CHALLENGE_SECONDS` and taken out of it by the
answer, right or wrong: a second answer needs new options. A session cookie can be sent again,
though, so sign-ins are also checked on the server: a passkey's sign-in is refused unless its
challenge was made after the passkey's last use, and the sign count (and last use) is moved on
by one conditional UPDATE, so an answer replayed with an old cookie, or two answers racing, never
sign in twice.

**Both factors.** A passkey sign-in skips the TOTP step: possession of the device and the
person's PIN, fingerprint or face on it. So an answer without user verification is refused, at
sign-in and when the passkey is added (the options only *prefer* verification, so that a
device that can't verify gets this clear refusal rather than a browser's opaque failure).

**Discoverable.** Passkeys are made as discoverable (resident) credentials: signing in asks for
no username, the device offers the passkeys it holds for this site, and the answer names its
credential, which is looked up by the SHA-256 of its id (:attr:`Passkey.credential_hash`).

**Clones.** An authenticator counts its signatures. A count that does not go up, when either it
or the stored one is not zero, means two devices hold the same key: refused, and logged.

**Adding a passkey** asks for the current password (before the browser prompts for the
device), as the other changes that could hand the account to someone else do
(:mod:`blog.domain.account_changes`): a browser left signed in, or a stolen session cookie, must
not be enough to give its holder a way back in that outlives a password change. Each passkey
added or removed is mailed to the account's address.

**Removing or renaming one** asks only for a signed-in session and the settings page's CSRF
token, like the other settings actions: neither lets anyone in, and a removal is mailed, so the
owner of a session someone else used learns of it and can add the passkey again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, request, session

from blog.domain import account_changes, account_notices, site_settings
from blog.domain.errors import NotFound, PermissionDenied, ValidationError
from blog.domain.text import clean_text, parse_id
from blog.extensions import db
from blog.models import Passkey, User, utcnow
from blog.models.second_factor import CREDENTIAL_ID_MAX, PASSKEY_NAME_MAX

CHALLENGE_SECONDS = 5 * 60
"""How long options stay good: the time a reader has to answer the browser's prompt."""
PASSKEYS_MAX = 20
"""Passkeys one account may hold."""
REGISTRATION = "passkey_registration"
SIGN_IN = "passkey_sign_in"
TRANSPORTS = frozenset({"usb", "nfc", "ble", "smart-card", "internal", "cable", "hybrid"})
"""WebAuthn's authenticator transports: the ones kept from a browser's answer."""

EXPIRED = "The passkey request expired or was already answered. Please try again."
NOT_VERIFIED = "The passkey's answer could not be verified. Please try again."
NO_USER_VERIFICATION = (
    "The passkey did not check that it is you (with a PIN, fingerprint or face). A passkey "
    "signs in on its own, so this site needs that check."
)
UNKNOWN = (
    "This passkey is not registered on this site; it may have been removed. Sign in with your "
    "password instead."
)
STALE = "This sign-in request is out of date or was already used. Please try again."
CLONED = (
    "This passkey's signature counter did not go up, which happens when a passkey has been "
    "copied. It was refused; sign in with your password and check your passkeys."
)
DISABLED = "This account has been disabled."


# The ``webauthn`` library is imported where a ceremony needs it, not here: it loads
# ``cryptography``, which a worker that serves pages (the settings list passkeys) never needs.


def to_base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def from_base64url(text: str) -> bytes:
    """The bytes of base64url ``text`` (padding optional); ValueError for anything else."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeEncodeError) as error:
        raise ValueError("not base64url") from error


# -- The site and the account, as WebAuthn names them ------------------------------------------


def _origin_of(scheme: str, host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    if port is None or (scheme, port) in {("http", 80), ("https", 443)}:
        return f"{scheme}://{shown}"
    return f"{scheme}://{shown}:{port}"


def relying_party() -> tuple[str, str]:
    """This site's relying party id and the origin browsers must report: ``SITE_URL``'s when it
    is set, else the request's (its host without the port)."""
    address = current_app.config["SITE_URL"].strip() or request.host_url
    parts = urlsplit(address)
    try:
        port = parts.port
    except ValueError:  # a Host header with a port that is no number
        port = -1
    if not parts.hostname or port == -1:
        raise ValidationError.single("credential", "Passkeys can't be used on this address.")
    return parts.hostname, _origin_of(parts.scheme, parts.hostname, port)


def user_handle_of(user_id: int) -> bytes:
    """The account as passkeys know it (WebAuthn's ``user.id``): its row id, nothing personal.
    The same for each of its passkeys, so a device keeps one passkey per account."""
    return str(user_id).encode()


# -- Names ----------------------------------------------------------------------------------


def clean_name(value: Any, *, required: bool = True) -> str:
    """A passkey's name as typed, its spaces tidied: 1 to 60 characters ("" when not
    ``required`` and blank)."""
    name = clean_text(value, "name", max_length=PASSKEY_NAME_MAX * 4, required=required)
    name = " ".join(name.split())
    if len(name) > PASSKEY_NAME_MAX:
        raise ValidationError.single(
            "name", f"is too long (maximum is {PASSKEY_NAME_MAX} characters)"
        )
    return name


def default_name(user: User) -> str:
    """The name of a passkey added without one: "Passkey 2" for the second, or the next number
    no passkey of the account is named."""
    taken = set(db.session.scalars(sa.select(Passkey.name).where(Passkey.user_id == user.id)))
    number = len(taken) + 1
    while f"Passkey {number}" in taken:
        number += 1
    return f"Passkey {number}"


def described(passkey: Passkey) -> str:
    """The passkey as its owner's mail names it."""
    return f"the passkey “{passkey.name}”"


# -- The account's passkeys ---------------------------------------------------------------------


def of(user: User) -> list[Passkey]:
    """``user``'s passkeys, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)
        )
    )


def _count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Passkey).where(Passkey.user_id == user.id)
    )


def find_own(user: User, passkey_id: Any) -> Passkey:
    """``user``'s passkey of that id; :class:`NotFound` for another account's, as for none."""
    number = parse_id(passkey_id)  # an id no row can have is asked of no database
    passkey = None
    if number is not None:
        passkey = db.session.scalar(
            sa.select(Passkey).where(Passkey.id == number, Passkey.user_id == user.id)
        )
    if passkey is None:
        raise NotFound("That passkey is not one of yours.", "passkey")
    return passkey


def rename(user: User, passkey_id: Any, name: Any) -> Passkey:
    passkey = find_own(user, passkey_id)
    passkey.name = clean_name(name)
    db.session.commit()
    return passkey


def remove(user: User, passkey_id: Any) -> str:
    """Remove one of ``user``'s passkeys (its owner is told by mail); its name."""
    passkey = find_own(user, passkey_id)
    what = described(passkey)
    name = passkey.name
    db.session.delete(passkey)
    db.session.commit()
    account_notices.second_factor_removed(user, what)
    return name


# -- Challenges ------------------------------------------------------------------------------


def _hold(kind: str, challenge: bytes, **more: Any) -> None:
    now = utcnow()
    session[kind] = {
        "challenge": to_base64url(challenge),
        "issued": now.isoformat(),
        "until": (now + timedelta(seconds=CHALLENGE_SECONDS)).timestamp(),
        **more,
    }


def _take(kind: str, **expected: Any) -> tuple[bytes, datetime]:
    """The challenge this session was given for ``kind`` and when, taken out of it (good once);
    a :class:`ValidationError` if there is none, it expired, or it was given for other
    ``expected`` values (another account)."""
    held = session.pop(kind, None)
    try:
        if not isinstance(held, dict) or not utcnow().timestamp() < held["until"]:
            raise ValueError(kind)
        if any(held.get(name) != value for name, value in expected.items()):
            raise ValueError(kind)
        return from_base64url(held["challenge"]), datetime.fromisoformat(held["issued"])
    except (KeyError, TypeError, ValueError):
        raise ValidationError.single("credential", EXPIRED) from None


def _refused(kind: str, error: Exception, message: str = NOT_VERIFIED) -> ValidationError:
    """What the reader is told of an answer WebAuthn refused; the reason goes to the log."""
    current_app.logger.info("passkey %s refused: %s: %s", kind, type(error).__name__, error)
    return ValidationError.single("credential", message)


def _answer(credential: Any) -> dict:
    if not isinstance(credential, dict):
        raise ValidationError.single("credential", "is missing: the browser sent no passkey")
    return credential


# -- Adding a passkey ------------------------------------------------------------------------


def _transports(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return sorted({t for t in value if isinstance(t, str) and t in TRANSPORTS})


def _descriptor(passkey: Passkey):
    from webauthn.helpers.structs import AuthenticatorTransport, PublicKeyCredentialDescriptor

    transports = [AuthenticatorTransport(t) for t in _transports(passkey.transports.split(","))]
    return PublicKeyCredentialDescriptor(id=passkey.credential_id, transports=transports or None)


def _check_password(user: User, password: Any) -> None:
    proof = account_changes.Proof(password=password, field="password")
    if not account_changes.is_present(user, proof):  # raises for a wrong password
        raise ValidationError.single("password", "is required to add a passkey")


def registration_options(user: User, password: Any) -> str:
    """The options (JSON) for ``navigator.credentials.create()`` to make a passkey for
    ``user``, whose current password is ``password``: discoverable, user verification
    preferred, not on a device that holds one of the account's passkeys already."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    _check_password(user, password)
    existing = of(user)
    if len(existing) >= PASSKEYS_MAX:
        raise ValidationError.single(
            "credential", f"You have {PASSKEYS_MAX} passkeys already: remove one first."
        )
    rp_id, _ = relying_party()
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=site_settings.current().title,
        user_id=user_handle_of(user.id),
        user_name=user.username,
        user_display_name=user.username,
        timeout=CHALLENGE_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[_descriptor(passkey) for passkey in existing],
    )
    _hold(REGISTRATION, options.challenge, user=user.id)
    return options_to_json(options)


def credential_hash(credential_id: bytes) -> str:
    return hashlib.sha256(credential_id).hexdigest()


def register(user: User, credential: Any, name: Any = None) -> Passkey:
    """Add the passkey ``credential`` (what ``navigator.credentials.create()`` gave, as JSON)
    made from this session's options, named ``name`` (else "Passkey N")."""
    from webauthn import verify_registration_response

    challenge, _ = _take(REGISTRATION, user=user.id)
    name = clean_name(name, required=False) or default_name(user)
    credential = _answer(credential)
    if _count(user) >= PASSKEYS_MAX:
        raise ValidationError.single("credential", f"You have {PASSKEYS_MAX} passkeys already.")
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=False,  # checked below, to say so
        )
    except Exception as error:  # the answer is the browser's: anything wrong in it is a no
        raise _refused("registration", error) from None
    if not verified.user_verified:
        raise ValidationError.single("credential", NO_USER_VERIFICATION)
    if len(verified.credential_id) > CREDENTIAL_ID_MAX:
        raise ValidationError.single("credential", "The passkey's id is too long.")
    digest = credential_hash(verified.credential_id)
    if db.session.scalar(sa.select(Passkey.id).where(Passkey.credential_hash == digest)):
        raise ValidationError.single("credential", "This passkey is already registered.")
    response = credential.get("response")
    passkey = Passkey(
        user_id=user.id,
        credential_hash=digest,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=",".join(_transports(response.get("transports")))[:120],
        name=name,
    )
    db.session.add(passkey)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same passkey, registered by another request meanwhile
        db.session.rollback()
        raise ValidationError.single("credential", "This passkey is already registered.") from None
    account_notices.second_factor_added(user, described(passkey))
    return passkey


# -- Signing in ----------------------------------------------------------------------------


def sign_in_options() -> str:
    """The options (JSON) for ``navigator.credentials.get()``: any of this site's passkeys the
    device holds (no account is named), with user verification."""
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    rp_id, _ = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=CHALLENGE_SECONDS * 1000,
        allow_credentials=[],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    _hold(SIGN_IN, options.challenge)
    return options_to_json(options)


def _credential_id(credential: dict) -> bytes:
    raw_id = credential.get("rawId")
    try:
        if not raw_id:
            raise ValueError("no rawId")
        return from_base64url(raw_id)
    except ValueError as error:
        raise _refused("sign-in", error) from None


def _same_account(credential: dict, passkey: Passkey) -> bool:
    """Whether the answer's user handle, when it names one, is the passkey's account's."""
    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    if handle in (None, ""):
        return True
    try:
        return from_base64url(handle) == user_handle_of(passkey.user_id)
    except ValueError:
        return False


def authenticate(credential: Any) -> User:
    """The account that the passkey answer ``credential`` (what ``navigator.credentials.get()``
    gave, as JSON) signs in, its use counted; :class:`ValidationError` if it doesn't,
    :class:`PermissionDenied` for a disabled account."""
    from webauthn import verify_authentication_response

    challenge, issued = _take(SIGN_IN)
    credential = _answer(credential)
    credential_id = _credential_id(credential)
    passkey = db.session.scalar(
        sa.select(Passkey).where(Passkey.credential_hash == credential_hash(credential_id))
    )
    if passkey is None or passkey.credential_id != credential_id:
        raise ValidationError.single("credential", UNKNOWN)
    rp_id, origin = relying_party()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=0,  # the count is checked below, to say so
            require_user_verification=False,  # likewise
        )
    except Exception as error:  # the answer is the browser's: anything wrong in it is a no
        raise _refused("sign-in", error) from None
    if not verified.user_verified:
        raise ValidationError.single("credential", NO_USER_VERIFICATION)
    if not _same_account(credential, passkey):
        raise _refused("sign-in", ValueError("the user handle is another account's"))
    stored, new = passkey.sign_count, verified.new_sign_count
    if (stored or new) and new <= stored:
        current_app.logger.warning(
            "passkey %s of user %s: sign count %s after %s, refused as a possible clone",
            passkey.id,
            passkey.user_id,
            new,
            stored,
        )
        raise ValidationError.single("credential", CLONED)
    user = db.session.get(User, passkey.user_id)
    if user is None or user.is_disabled:
        raise PermissionDenied(DISABLED, "account")
    used = db.session.execute(
        sa.update(Passkey)
        .where(
            Passkey.id == passkey.id,
            Passkey.sign_count == stored,
            sa.or_(Passkey.last_used_at.is_(None), Passkey.last_used_at < issued),
        )
        .values(sign_count=new, last_used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if used.rowcount != 1:
        raise ValidationError.single("credential", STALE)
    db.session.expire(passkey)
    return user
