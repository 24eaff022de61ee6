"""Rate limits on the doors attackers knock on: sign-in, registration, password changes and
resets, and API writes, each per client address and per account.

With REDIS_URL set, the counters live in Redis and so are shared by every worker and instance;
without it they live in each process. If Redis goes away, Flask-Limiter falls back to counters in
each process rather than failing requests, and says so once in the app's log (see
:data:`blog.logs.LIBRARY_LOGGERS`); it tries Redis again after a backoff of up to half a minute,
says so once more, and counts there again, from what Redis still holds.

Flask-Limiter keeps its state (storage, on/off) on the one ``limiter`` object, so a process serves
one rate-limited app; limits are declared once, at import, never per app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse

from blog.errors import roll_back_session
from blog.extensions import limiter
from blog.outages import OUTAGE_ERRORS, database_unavailable


def _setting(name: str):
    return lambda: current_app.config[name]


def submitted_account() -> str:
    """The account a sign-in or password reset request names (form or API body), as typed, so
    guessing one account's password, or flooding its inbox, is slowed down from any number of
    addresses.

    The name is never looked up: if a username and its email shared a count, running one out
    would show which email an account has.
    """
    name = request.form.get("login") or request.form.get("email")
    if name is None:
        body = request.get_json(silent=True)
        user = body.get("user") if isinstance(body, dict) else None
        name = user.get("email") if isinstance(user, dict) else None
    return f"account:{str(name or '').strip().lower()[:254]}"


def account_key(find_user: Callable[[], Any]) -> Callable[[], str]:
    """A rate-limit key: the account that ``find_user`` returns, else the client address."""

    def key() -> str:
        try:
            user = find_user()
        except OUTAGE_ERRORS as error:
            if not database_unavailable(error):
                raise
            # Flask-Limiter would swallow the error and leave the session unusable: the view
            # then failed with a 500 where the database being away deserves its 503.
            roll_back_session()
            user = None
        return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"

    return key


signed_in_account = account_key(lambda: current_user if current_user.is_authenticated else None)


login_per_address = limiter.shared_limit(
    _setting("RATELIMIT_LOGIN"), scope="login-address", methods=["POST"]
)
login_per_account = limiter.shared_limit(
    _setting("RATELIMIT_LOGIN_ACCOUNT"),
    scope="login-account",
    key_func=submitted_account,
    methods=["POST"],
)
registration = limiter.shared_limit(
    _setting("RATELIMIT_REGISTER"), scope="register", methods=["POST"]
)
password_change_per_account = limiter.limit(
    _setting("RATELIMIT_PASSWORD"), key_func=signed_in_account, methods=["POST"]
)
password_change_per_address = limiter.limit(_setting("RATELIMIT_PASSWORD"), methods=["POST"])
api_profile_change_per_address = limiter.limit(_setting("RATELIMIT_PASSWORD"))
password_reset_per_address = limiter.shared_limit(
    _setting("RATELIMIT_PASSWORD_RESET"), scope="password-reset", methods=["POST"]
)
password_reset_per_account = limiter.shared_limit(
    _setting("RATELIMIT_PASSWORD_RESET_ACCOUNT"),
    scope="password-reset-account",
    key_func=submitted_account,
    methods=["POST"],
)

editor_requests = limiter.limit(
    _setting("RATELIMIT_EDITOR"), key_func=signed_in_account, methods=["POST"]
)
"""The editor's live previews and autosaves, per account (each route counted apart)."""


def spend_second_factor_try(user) -> bool:
    """Count one code tried for ``user``'s second factor, whatever the route or address; whether
    it may be checked (``RATELIMIT_SECOND_FACTOR``). Counted where the other limits are; if that
    store fails, the code is checked (the per-address limits still hold)."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    limit = parse(current_app.config["RATELIMIT_SECOND_FACTOR"])
    try:
        return limiter.limiter.hit(limit, limiter._key_prefix, "second-factor", str(user.id))
    except Exception:  # the store is away: Flask-Limiter's own fallback is per request only
        return True


def api_profile_change_per_account(account: Callable[[], str]):
    """Profile and password changes through the API, counted per ``account`` key."""
    return limiter.limit(_setting("RATELIMIT_PASSWORD"), key_func=account)


def limit_api_writes(blueprint, account: Callable[[], str]) -> None:
    """Every POST, PUT and DELETE of the API, per address and per ``account`` key (call it
    once)."""
    writes = ["POST", "PUT", "DELETE"]
    limiter.limit(_setting("RATELIMIT_API_WRITES"), methods=writes)(blueprint)
    limiter.limit(_setting("RATELIMIT_API_WRITES_ACCOUNT"), key_func=account, methods=writes)(
        blueprint
    )


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    limiter.init_app(app)
