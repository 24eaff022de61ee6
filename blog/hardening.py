"""What every response carries (security headers and a request id), and input that must not crash
the server.

The Content-Security-Policy allows scripts, styles and fonts from this site only (no inline
script), images from anywhere (avatars and pictures in posts are links to other sites; profiles
accept http and https addresses, and an image can run no code), and no framing. HSTS is sent in
production over HTTPS.
"""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, current_app, g, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.formparser import MultiPartParser
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

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
    value as its literal ``%FF`` text, so a garbled title or password would be saved as typed.

    The body is decoded whole, not pair by pair: ``&`` and ``=`` are ASCII, which UTF-8 never
    uses inside a character, so the answer is the same, and a body of a million ``&`` costs one
    pass instead of a million."""
    try:
        unquote_to_bytes(form_body.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def multipart_has_undecodable_text(body: bytes, boundary: bytes, max_parts: int | None) -> bool:
    """Whether a text part of a multipart body is not valid in its charset (UTF-8 unless the
    part names another). Werkzeug decodes such a part with replacement characters, so a title of
    bytes ``FF FE`` would be saved as two U+FFFD. Files are not looked at; a body Werkzeug can't
    parse either is left to it (the form then reads as empty)."""
    decoder = MultipartDecoder(boundary, max_parts=max_parts)
    decoder.receive_data(body)
    decoder.receive_data(None)
    charset_of = MultiPartParser().get_part_charset  # Werkzeug's own choice of charset
    charset: str | None = None
    chunks: list[bytes] = []
    try:
        while not isinstance(event := decoder.next_event(), Epilogue | NeedData):
            if isinstance(event, Field):
                charset, chunks = charset_of(event.headers), []
            elif isinstance(event, File):
                charset = None
            elif isinstance(event, Data) and charset is not None:
                chunks.append(event.data)
                if not event.more_data:
                    b"".join(chunks).decode(charset)
    except UnicodeDecodeError:
        return True
    except ValueError:
        return False
    return False


def json_has_undecodable_text(body: bytes) -> bool:
    """Whether a JSON body meant as UTF-8 isn't. Such a body reads as no JSON at all, and the
    request would be answered as if it had sent none ("must be a JSON object")."""
    encoding = json.detect_encoding(body)
    if not encoding.startswith("utf-8"):
        return False  # UTF-16 or UTF-32, which the JSON parser reads (or refuses) itself
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        return True
    return False


STREAMS_UPLOAD = "streams_upload"
UPLOAD_BODY_OVERHEAD = 64 * 1024
"""Room in a request body for the multipart framing around an image of UPLOAD_MAX_BYTES."""


def streams_upload(view):
    """Mark a view that takes an image in a multipart body: its body may be as large as
    ``UPLOAD_MAX_BYTES`` (not ``MAX_CONTENT_LENGTH``) and is not read whole into memory for the
    UTF-8 check below; Werkzeug streams its file part to a temporary file. Such a view must read
    no text part of the form but the (ASCII) CSRF token. Put it under the route decorator."""
    setattr(view, STREAMS_UPLOAD, True)
    return view


def _streams_upload() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, STREAMS_UPLOAD, False)


UNDECODABLE_FORM = "The form held text that is not valid UTF-8. Please type it again."
UNDECODABLE_JSON = "The request's JSON is not valid UTF-8."


def refuse_undecodable_text() -> None:
    """Text that is not what its encoding says is refused whatever the encoding, before any
    view reads it: url-encoded and multipart forms and JSON get the same 400."""
    if _streams_upload():
        request.max_content_length = current_app.config["UPLOAD_MAX_BYTES"] + UPLOAD_BODY_OVERHEAD
        return
    mimetype = request.mimetype
    if mimetype == "application/x-www-form-urlencoded":
        if has_undecodable_text(request.get_data(cache=True)):
            abort(400, UNDECODABLE_FORM)
    elif mimetype == "multipart/form-data":
        boundary = request.mimetype_params.get("boundary", "").encode("latin-1")
        body = request.get_data(cache=True)
        if boundary and multipart_has_undecodable_text(body, boundary, request.max_form_parts):
            abort(400, UNDECODABLE_FORM)
    elif request.is_json and json_has_undecodable_text(request.get_data(cache=True)):
        abort(400, UNDECODABLE_JSON)


def init_app(app: Flask) -> None:
    app.json = JSONProvider(app)
    app.before_request(refuse_undecodable_text)

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
