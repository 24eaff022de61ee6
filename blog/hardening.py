"""What every response carries (security headers and a request id), and input that must not crash
the server.

The Content-Security-Policy allows scripts, styles and fonts from this site only (no inline
script), images from anywhere (avatars and pictures in posts are links to other sites; profiles
accept http and https addresses, and an image can run no code), and no framing. HSTS is sent in
production over HTTPS.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, g, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: http: data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Swagger UI sets inline styles on its own elements; its page alone may (scripts stay 'self').
DOCS_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
HSTS = "max-age=31536000; includeSubDomains"


def request_id() -> str:
    """The request's id: the caller's X-Request-ID when it looks sane, else a fresh one."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


class JSONProvider(DefaultJSONProvider):
    """JSON nested too deeply for the parser is malformed input, answered with a 4xx like any
    other, instead of a RecursionError (a 500 and a traceback in the log)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON is nested too deeply") from None


def has_undecodable_text(form_body: bytes) -> bool:
    """Whether a url-encoded body holds bytes that are not UTF-8. Werkzeug would keep such a
    value as its literal ``%FF`` text, so a garbled title or password would be saved as typed."""
    for pair in form_body.split(b"&"):
        try:
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return True
    return False


def init_app(app: Flask) -> None:
    app.json = JSONProvider(app)

    @app.before_request
    def refuse_undecodable_forms():
        if request.mimetype == "application/x-www-form-urlencoded" and has_undecodable_text(
            request.get_data(cache=True)
        ):
            abort(400, "The form held text that is not valid UTF-8. Please type it again.")

    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    @app.after_request
    def add_headers(response):
        headers = response.headers
        headers["X-Request-ID"] = request_id()
        policy = DOCS_POLICY if request.path == "/api/swagger" else CONTENT_SECURITY_POLICY
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if app.config["ENV_NAME"] == "production" and request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
