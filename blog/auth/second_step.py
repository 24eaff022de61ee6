"""The second step of signing in, for an account with TOTP on: the password was right, a code
is asked for.

Between the two steps the session holds only which account passed the first one, for how long,
and a stamp of its password (:meth:`User.password_stamp`), so a password changed meanwhile ends
the wait; nothing signs in until the code is right. Codes are limited per account
(``RATELIMIT_SECOND_FACTOR``) as well as per address, so a thief who has the password gets a
handful of guesses a minute at a million codes.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for

from blog import limits
from blog.auth.forms import SignInCodeForm
from blog.auth.sessions import device_key, known_device_key, sign_in, this_browser
from blog.domain import devices, two_factor, users
from blog.models import User, utcnow
from blog.redirects import safe_next

PENDING = "second_step"
WAIT_SECONDS = 5 * 60
TOO_MANY = "Too many codes tried. Wait a minute, then try again."


def needs_code(user: User) -> bool:
    return user.has_totp and not devices.is_trusted(user, device_key())


def hold(user: User, remember: bool, next_url: str | None):
    """Remember that ``user`` passed the password step, and ask this browser for a code."""
    session[PENDING] = {
        "user": user.id,
        "stamp": user.password_stamp(),
        "remember": bool(remember),
        "next": next_url,
        "until": utcnow().timestamp() + WAIT_SECONDS,
    }
    return redirect(url_for("auth.sign_in_code"))


def _pending() -> tuple[User, dict] | None:
    """The account waiting for its code in this session, and what it asked; None if the wait is
    over (expired, or the password or the account changed)."""
    held = session.get(PENDING)
    if not isinstance(held, dict) or not utcnow().timestamp() < held.get("until", 0):
        return None
    user = users.find_by_id(held.get("user"))
    if user is None or user.is_disabled or not user.has_totp:
        return None
    if user.password_stamp() != held.get("stamp"):
        return None
    return user, held


def sign_in_code():
    pending = _pending()
    if pending is None:
        session.pop(PENDING, None)
        flash("Sign in again: the wait for a code ended.", "info")
        return redirect(url_for("auth.login"))
    user, held = pending
    form = SignInCodeForm()
    if form.validate_on_submit():
        if not limits.spend_second_factor_try(user):
            form.form_errors.append(TOO_MANY)
        elif not two_factor.spend_code(user, form.code.data):
            form.form_errors.append(two_factor.WRONG_CODE)
        else:
            if form.trust_device.data:
                devices.trust(user, known_device_key(), this_browser())
            sign_in(user, remember=held["remember"])
            flash(f"Signed in as {user.username}.", "success")
            return redirect(safe_next(held.get("next")) or url_for("main.home"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/sign_in_code.html", form=form, user=user), status
