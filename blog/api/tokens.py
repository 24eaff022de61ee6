"""API tokens: JWTs in ``Authorization: Token <jwt>``.

The signing key is derived from SECRET_KEY (never SECRET_KEY itself). A password change ends every
token issued before it, as it ends every other browser session, except the token that made the
change through the API (as the browser that changes it stays signed in); "sign out everywhere"
ends every token issued before it, that one included.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, g, request

from blog.domain.text import parse_id
from blog.extensions import db
from blog.models import User, utcnow

ALGORITHM = "HS256"
SCHEME = "Token"


class TokenError(Exception):
    """No usable token: ``reason`` is "is missing" or "is invalid"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _signing_key() -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"blog api token signing key", hashlib.sha256).digest()


def issue_token(user: User, signed_in_at: datetime | None = None) -> str:
    """A new token for ``user``. ``signed_in_at`` is when the password was last given (now, by
    default): a token handed out again (``GET /api/user`` answers with a new one) keeps it in
    ``auth_time``, so a stolen token never turns into a recent sign-in."""
    import jwt  # imported here (and in _claims): PyJWT loads cryptography, ~11 MB, for HS256

    now = utcnow()
    expires = now + timedelta(days=current_app.config["API_TOKEN_DAYS"])
    claims = {
        "sub": str(user.id),
        "iat": now.timestamp(),
        "auth_time": (signed_in_at or now).timestamp(),
        "exp": int(expires.timestamp()),
        "jti": secrets.token_hex(16),
    }
    return jwt.encode(claims, _signing_key(), algorithm=ALGORITHM)


def _claims(token: str) -> dict:
    """The claims of ``token``, checked; :class:`TokenError` when it is not one of ours."""
    import jwt

    try:
        return jwt.decode(
            token,
            _signing_key(),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp", "iat", "jti"]},
        )
    except jwt.PyJWTError:
        raise TokenError("is invalid") from None


def _still_valid(user: User | None, claims: dict) -> bool:
    if user is None or user.is_disabled:
        return False
    issued_after_change = float(claims["iat"]) >= user.sessions_ended_at.timestamp()
    return issued_after_change or claims["jti"] == user.kept_token_id


def _token_from_header() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme not in (SCHEME, "Bearer") or not token.strip():
        return None
    return token.strip()


def api_user() -> User | None:
    """The user the request's token names, None without a token; :class:`TokenError` when the
    token is bad, expired, or outlived a password change or a disabled account."""
    if "api_user" not in g:
        token = _token_from_header()
        if token is None:
            if request.headers.get("Authorization"):
                raise TokenError("is invalid")
            g.api_user = None
        else:
            claims = _claims(token)
            # Bounded before the lookup: PostgreSQL refuses an id beyond its integer range.
            user_id = parse_id(claims["sub"])
            user = db.session.get(User, user_id) if user_id is not None else None
            if not _still_valid(user, claims):
                raise TokenError("is invalid")
            g.api_user = user
            g.api_token_id = claims["jti"]
            g.api_signed_in_at = float(claims.get("auth_time", claims["iat"]))
    return g.api_user


def token_signed_in_at() -> datetime | None:
    """When the password was given for the request's token (tokens from before ``auth_time``
    existed: when they were issued); None without a valid token."""
    if api_user_or_none() is None:
        return None
    return datetime.fromtimestamp(g.api_signed_in_at, UTC)


def api_user_or_none() -> User | None:
    """The user a valid token names; None for no token or a bad one."""
    try:
        return api_user()
    except TokenError:
        return None


def require_api_user() -> User:
    user = api_user()
    if user is None:
        raise TokenError("is missing")
    return user


def keep_current_token(user: User) -> None:
    """After ``user`` changed their password with this request's token, let that token go on."""
    user.kept_token_id = g.get("api_token_id")
    db.session.commit()


NEEDS_TOKEN = "needs_token"
"""The attribute :func:`token_required` sets on a view; flask-openapi3 wraps views with
``functools.wraps``, which carries it to the registered view, so it is read from the very function
serving the request, whatever its name."""


def token_required(view):
    """Mark an API view as needing a token: it is checked before the body is validated, so a
    request without one gets 401, not a complaint about its body. Put it under the route
    decorator."""
    setattr(view, NEEDS_TOKEN, True)
    return view


def check_token_before_validation() -> None:
    if request.method == "OPTIONS":  # CORS preflights carry no token
        return
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, NEEDS_TOKEN, False):
        require_api_user()
