"""Flask-Login on server-side sign-ins (:mod:`blog.domain.sessions`).

What Flask-Login keeps in the session cookie and the remember-me cookie is a sign-in's key
(:meth:`User.get_id`); the user loader accepts it only while the sign-in lives on the server.
Views sign in and out through :func:`sign_in` and :func:`sign_out`, never Flask-Login directly,
so that no cookie is ever issued without a sign-in behind it or outlives it.
"""

from __future__ import annotations

from flask import after_this_request, current_app, g, request, session
from flask_login import login_user, logout_user
from flask_login.config import COOKIE_NAME
from flask_login.utils import decode_cookie

from blog.auth.browsers import describe
from blog.domain import account_notices, devices, sessions
from blog.extensions import db, login_manager
from blog.models import User


@login_manager.user_loader
def load_user(key: str) -> User | None:
    user = sessions.user_for(key) if isinstance(key, str) else None
    if user is None:
        _forget(key)
        return None
    user.sign_in_key = key
    return user


def _remember_cookie_key() -> str | None:
    name = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    cookie = request.cookies.get(name)
    return decode_cookie(cookie) if cookie else None


def _forget(key) -> None:
    """A key that no longer signs in is dropped from the session, and its remember-me cookie
    deleted, so the browser doesn't present it on every request."""
    session.pop("_user_id", None)
    if key is not None and _remember_cookie_key() == key:
        session["_remember"] = "clear"  # Flask-Login then deletes the cookie


DEVICE_COOKIE = "device"
DEVICE_COOKIE_DAYS = 400
"""As long as browsers keep a cookie (Chromium caps them at 400 days)."""


def device_key() -> str | None:
    """The key of this browser's ``device`` cookie (:mod:`blog.domain.devices`), if it has one
    (or was given one by this request)."""
    return g.get("new_device_key") or request.cookies.get(DEVICE_COOKIE) or None


def this_browser() -> str:
    return describe(request.headers.get("User-Agent", ""))


def known_device_key() -> str:
    """This browser's device key, a new one (sent with the response) when it has none."""
    key = device_key()
    if key is None:
        key = g.new_device_key = devices.new_key()

        @after_this_request
        def set_device_cookie(response):
            response.set_cookie(
                DEVICE_COOKIE,
                key,
                max_age=DEVICE_COOKIE_DAYS * 86400,
                secure=current_app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
            return response

    return key


def sign_in(user: User, remember: bool = False, *, new_device_notice: bool = True) -> None:
    """Start a sign-in for ``user`` in this browser (a fresh session: nothing from before it
    carries over), with a remember-me cookie that expires with it when ``remember``. The owner
    is told by mail of a sign-in from a browser new to the account, unless
    ``new_device_notice`` is false (the browser has just made the account, or proved it reads
    the account's mail)."""
    browser = this_browser()
    if devices.note_sign_in(user, known_device_key(), browser) and new_device_notice:
        account_notices.new_device(user, browser)
    db.session.commit()
    key = sessions.start(user, remember, browser)
    session.clear()
    user.sign_in_key = key
    login_user(user, remember=remember, duration=sessions.lifetime(remember) if remember else None)


def sign_in_again(user: User) -> None:
    """Replace this browser's sign-in, which a password change or "sign out everywhere" has just
    ended, with a new one of the same kind."""
    remember = sessions.was_remembered(user.get_id())
    sessions.end(user.get_id())
    sign_in(user, remember)


def sign_out() -> None:
    """End this browser's sign-in on the server (so every copy of its session and remember-me
    cookies stops working too) and drop them from the browser."""
    sessions.end(*{session.get("_user_id"), _remember_cookie_key()} - {None})
    logout_user()
