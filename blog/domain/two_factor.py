"""The second factor of a sign-in: TOTP codes from an authenticator app, and recovery codes.

An account with TOTP on signs in with its password and then a code: six digits from the app, or
one of the ten recovery codes shown when TOTP was turned on (each good once). A TOTP code is
accepted for its 30-second step and the steps either side of it (clocks drift), and once only:
the step of the last code accepted is kept, and a code of that step or an earlier one is refused,
so a code seen over a shoulder or in a log is worth nothing. Both checks are one conditional
UPDATE, so two requests racing with the same code can't both win.

Turning TOTP off asks for the password and a code: a thief who has taken a signed-in browser has
neither. Passkeys (:mod:`blog.domain.passkeys`) are a second factor too: a passkey sign-in needs
no code.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import pyotp
import sqlalchemy as sa

from blog.domain import account_notices, devices
from blog.domain.errors import ValidationError
from blog.domain.text import has_unstorable_characters
from blog.extensions import db
from blog.models import RecoveryCode, User, utcnow

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
"""No 0/o, 1/l/i: a code copied from paper is read back right. 31 symbols, 16 of them: 79 bits."""
RECOVERY_LENGTH = 16
CODE_MAX = 64
"""Longer input is no code: refused before it is read."""
STEP_SECONDS = 30
DRIFT_STEPS = 1
AUTHENTICATOR_APP = "an authenticator app (TOTP)"
WRONG_CODE = "That code is not right, or was already used. Try the newest one."


def setup_secret(user: User) -> str:
    """The secret ``user``'s authenticator app is to learn: kept on the account (not yet in
    force) until a code from the app turns TOTP on, so it never travels in a cookie, and the same
    one is shown if the page is opened again."""
    if user.has_totp:
        raise ValidationError.single("code", "Two-factor authentication is already on.")
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
    return user.totp_secret


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def _normal(code: Any) -> str | None:
    """``code`` as typed, without spaces and hyphens, lower case; None when it can't be one."""
    if not isinstance(code, str) or len(code) > CODE_MAX or has_unstorable_characters(code):
        return None
    return "".join(code.split()).replace("-", "").lower() or None


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _step_matching(secret: str, code: str, now: float) -> int | None:
    """The step within the drift window whose code is ``code``, else None."""
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now // STEP_SECONDS)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _spend_totp(user: User, code: str) -> bool:
    step = _step_matching(user.totp_secret, code, utcnow().timestamp())
    if step is None:
        return False
    spent = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        return False
    user.totp_last_step = step
    return True


def _spend_recovery_code(user: User, code: str) -> bool:
    spent = db.session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


def spend_code(user: User, code: Any) -> bool:
    """Whether ``code`` is a good TOTP or recovery code of ``user``'s, which it is then no more.
    Committed either way."""
    normal = _normal(code)
    good = bool(
        user.has_totp
        and normal is not None
        and (_spend_totp(user, normal) or _spend_recovery_code(user, normal))
    )
    db.session.commit()
    return good


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with ten new ones: returned as shown (``abcd-efgh-…``),
    kept hashed. Not committed."""
    db.session.execute(
        sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id),
        execution_options={"synchronize_session": False},
    )
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    return ["-".join(code[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)) for code in codes]


def enable(user: User, code: Any) -> list[str]:
    """Turn TOTP on once ``code`` proves the app has the secret of :func:`setup_secret`; the
    recovery codes, to show once. The owner is told by mail."""
    secret = setup_secret(user)
    normal = _normal(code)
    step = _step_matching(secret, normal, utcnow().timestamp()) if normal else None
    if step is None:
        raise ValidationError.single("code", WRONG_CODE)
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    db.session.commit()
    account_notices.second_factor_added(user, AUTHENTICATOR_APP)
    return codes


def _check_password_and_code(user: User, password: Any, code: Any) -> None:
    problems: dict[str, list[str]] = {}
    if not isinstance(password, str) or not user.check_password(password):
        problems["password"] = ["is not your current password"]
    if not problems and not spend_code(user, code):
        problems["code"] = [WRONG_CODE]
    if problems:
        raise ValidationError(problems)


def disable(user: User, password: Any, code: Any) -> None:
    """Turn TOTP off, given the password and a code; the recovery codes go, and no browser is
    trusted to skip a code any more."""
    _check_password_and_code(user, password, code)
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(
        sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id),
        execution_options={"synchronize_session": False},
    )
    devices.untrust_all(user)
    db.session.commit()
    account_notices.second_factor_removed(user, AUTHENTICATOR_APP)


def replace_recovery_codes(user: User, password: Any, code: Any) -> list[str]:
    """Ten new recovery codes (the old ones stop working), given the password and a code."""
    _check_password_and_code(user, password, code)
    codes = _new_recovery_codes(user)
    db.session.commit()
    return codes
