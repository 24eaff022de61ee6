"""Whole pages for readers who are not signed in, kept and answered before Flask sees the
request; the HTTP caching rules of every response; compression of text.

**The cache** (``PAGE_CACHE``). A spike of readers lands on the public pages (the home page and
its pages, tag, profile, post, archive, search and static pages, the feeds and the sitemap) and
on the API's public lists (:data:`CACHEABLE_ENDPOINTS`), and nearly all of them are signed in
nowhere. Their answer is the same for every one of them, so it is kept whole, compressed, in the
cache of :mod:`blog.caching` (Redis with ``REDIS_URL``, shared by every instance), and the next
reader gets it from a WSGI layer in front of the app (:class:`PageCacheMiddleware`) for one SQL
statement (the content version, :class:`blog.caching.VersionKey`) and at most one cache read
(none for a page the process served last, :class:`Recent`): no Flask request, no template, no
sign-in loading, no site settings.

Never stale: the key holds the content version, which every committed write raises and a
scheduled post going live moves on (:func:`blog.caching.current_content_version`), read once
per request on any instance; an entry of an older version is never read again. So a page kept
before a post was published, edited, unpublished or deleted is not served after it, on any
instance. The key also holds the release (:func:`release`: the code, templates, static files
and settings the page was built with), the scheme, host, path and query (only the arguments the
pages read, :data:`QUERY_ARGUMENTS`; any other one is served as usual, uncached, so no one fills
the cache with ``?x=1``, ``?x=2``...), the ``Origin`` (CORS answers name it) and the compression
chosen for the reader's ``Accept-Encoding``; the body is kept compressed, so a hit compresses
nothing.

Never one reader's page to another: only a request with no session cookie, no remember-me
cookie and no ``Authorization`` header is looked up or kept (:func:`has_credentials`), and of
those only a 200 built for nobody (:func:`built_for_nobody`): no one signed in, nothing flashed,
no CSRF token rendered (a page with a form carrying one, such as the sign-in page, sets a session
cookie and so is never kept), no cookie set. A signed-in reader, or an API client with a token,
is always answered by the app.

**HTTP caching.** A page built for nobody carries ``Cache-Control: public, max-age=0,
s-maxage=SHARED_CACHE_MAX_AGE, stale-while-revalidate=SHARED_CACHE_STALE_WHILE_REVALIDATE``,
``Vary: Cookie, Authorization, Accept-Encoding`` and an ``ETag``: browsers ask again each time
(an ``If-None-Match`` costs a 304, from the cache too), a CDN or proxy in front keeps it a
minute and may serve it a while longer as it fetches the new one. Everything else that set no
``Cache-Control`` of its own (signed-in pages, forms, errors, the API's answers to a token) gets
``private, no-store``. No response that sets a cookie is ever ``public`` (the WSGI layer checks
the final headers, after Flask has saved the session).

**Compression** (Flask-Compress): Brotli or gzip, as the reader accepts, for text (HTML, CSS,
JavaScript, JSON, XML, feeds; :data:`COMPRESSED_TYPES`), never for images.
"""

from __future__ import annotations

import functools
import hashlib
import random
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from flask import Flask, Response, current_app, g, request, session
from flask_compress.flask_compress import _choose_algorithm
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_cookie, parse_etags, unquote_etag

from blog import caching, static_files
from blog.config import ENVIRONMENT_SETTINGS
from blog.extensions import cache, compress, db
from blog.hardening import REQUEST_ID
from blog.models.types import utcnow

CACHEABLE_ENDPOINTS = frozenset(
    {
        "main.home",
        "main.tag",
        "main.tags",
        "main.archive",
        "main.archive_month",
        "users.profile",
        "users.favorites",
        "posts.show",
        "pages.show",
        "search.results",
        "feeds.site",
        "feeds.tag",
        "feeds.author",
        "seo.sitemap_index",
        "seo.sitemap",
        "seo.robots",
        "api.list_articles",
        "api.get_article",
        "api.list_comments",
        "api.get_profile",
        "api.tags",
    }
)
"""What a reader who is not signed in sees alike: the public pages and the API's public reads."""

QUERY_ARGUMENTS = frozenset({"page", "q", "limit", "offset", "tag", "author", "favorited"})
"""The query arguments those pages read. A request with any other (or one given twice) is
answered as usual but neither looked up nor kept."""

COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/xml",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/feed+json",
    "application/manifest+json",
    "application/xml",
    "application/xhtml+xml",
    "application/rss+xml",
    "application/atom+xml",
]
"""What is compressed: text. Images (SVG included) and fonts never are."""

ALGORITHMS = ["br", "gzip"]
"""Brotli first (smaller), gzip for the clients without it."""

PRIVATE = "private, no-store"
SHAREABLE = "blog.page_cache.shareable"
"""The WSGI environ key by which the app tells the cache that its answer was built for nobody."""
KEY = "blog.page_cache.key"
STATUS_HEADER = "X-Page-Cache"
NOT_KEPT = frozenset({"date", "set-cookie", "x-request-id", STATUS_HEADER.lower()})
"""Headers of a kept answer that are each request's own."""
KEPT_ON_304 = frozenset({"cache-control", "etag", "vary", "content-location", "expires"})
"""What a 304 repeats of the full answer (RFC 9110, 15.4.5)."""


def has_credentials(environ: dict, cookie_names: Iterable[str]) -> bool:
    """Whether a request may be someone's: it carries an ``Authorization`` header, a session
    cookie or a remember-me cookie (signed in or not: a leftover session may hold a flashed
    message)."""
    if "HTTP_AUTHORIZATION" in environ:
        return True
    header = environ.get("HTTP_COOKIE")
    if not header:
        return False
    cookies = parse_cookie(header)
    return any(name in cookies for name in cookie_names)


def query_key(query_string: str) -> str | None:
    """The query as part of a key (sorted), or None when it names an argument the pages don't
    read, or one twice."""
    if not query_string:
        return ""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names) or not QUERY_ARGUMENTS.issuperset(names):
        return None
    return urlencode(sorted(pairs))


def shared_cache_control(config) -> str:
    """The ``Cache-Control`` of a page built for nobody."""
    fresh = config["SHARED_CACHE_MAX_AGE"]
    stale = config["SHARED_CACHE_STALE_WHILE_REVALIDATE"]
    if not fresh:
        return "public, no-cache"
    value = f"public, max-age=0, s-maxage={fresh}"
    return f"{value}, stale-while-revalidate={stale}" if stale else value


def _cookie_names(config) -> tuple[str, str]:
    return config["SESSION_COOKIE_NAME"], config.get("REMEMBER_COOKIE_NAME", "remember_token")


def built_for_nobody(response: Response) -> bool:
    """Whether ``response`` is the same for every reader who is not signed in: a 200 to a GET
    of a public page, for a request without credentials, that no one is signed in to, that
    flashed nothing, rendered no CSRF token and sets no cookie."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return False
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        return False
    config = current_app.config
    if has_credentials(request.environ, _cookie_names(config)):
        return False
    user = g.get("_login_user")
    if user is not None and user.is_authenticated:
        return False
    if session.modified or len(session):  # a flash, a CSRF token or a sign-in begun
        return False
    if config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g:
        return False
    return "Set-Cookie" not in response.headers


def finish_response(response: Response) -> Response:
    """The last ``after_request``: cache headers, ETag, compression, 304."""
    shareable = built_for_nobody(response)
    if shareable:
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = shared_cache_control(current_app.config)
        response.vary.add("Cookie")
        response.vary.add("Authorization")
        if response.get_etag()[0] is None and not response.is_streamed:
            response.add_etag()  # of the uncompressed body; Flask-Compress adds ":br" or ":gzip"
        request.environ[SHAREABLE] = True
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = PRIVATE
    status = response.status_code
    if (
        200 <= status < 300
        and status != 206  # a range of the uncompressed body
        and response.mimetype in compress.compress_mimetypes_set
    ):
        response = compress.after_request(response)
    if shareable and response.status_code == 200:
        response.make_conditional(request)
    return response


def client_has(etag: str) -> bool:
    """Whether the request's ``If-None-Match`` names ``etag``, as it was sent or as compression
    marked it (``<etag>:br``), for a view that answers 304 before building its document."""
    tags = request.if_none_match
    return etag in tags or any(tags.contains(f"{etag}:{name}") for name in ALGORITHMS)


# ---- The release a page was built by ----

PACKAGE = Path(__file__).resolve().parent
SECRET_SETTINGS = ("SECRET", "PASSWORD", "ACCESS_KEY", "DATABASE", "REDIS")
"""Words of the settings left out of the release: secrets, and addresses that may hold a
password (a hash of them in every key would let whoever reads Redis try passwords against it)."""


def _package_files() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def _settings_signature(config) -> bytes:
    """What the settings make of a page (title, pages per list, SITE_URL...), secrets aside."""
    shown = sorted(
        (name, repr(config.get(name)))
        for name in ENVIRONMENT_SETTINGS
        if not any(word in name for word in SECRET_SETTINGS)
    )
    return repr(shown).encode()


@functools.cache
def _package_digest() -> str:
    """The package's files, hashed once a process (they don't change under a running server
    but in development, where :func:`release` watches them instead)."""
    digest = hashlib.sha256()
    for path in _package_files():
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def release(config, watch: bool = False) -> Callable[[], str]:
    """A function giving what pages are built by: the code, templates and static files of the
    package, and the settings. Two instances of one release share their entries; a deploy of
    another starts afresh, so no page of the old templates (naming the old static files) is
    served by the new code. Hashed once; with ``watch`` (the debugger on, where templates reload
    as they are edited) the files' sizes and times are read again on each request."""
    settings = _settings_signature(config)
    if not watch:
        fixed = hashlib.sha256(settings + _package_digest().encode()).hexdigest()[:16]
        return lambda: fixed

    def of_times() -> str:
        stats = [(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in _package_files()]
        return hashlib.sha256(settings + repr(stats).encode()).hexdigest()[:16]

    return of_times


# ---- The WSGI layer ----


def _guarded(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers with no shared caching allowed when they set a cookie."""
    if not any(name.lower() == "set-cookie" for name, _ in headers):
        return headers
    return [
        (name, PRIVATE)
        if name.lower() == "cache-control" and ("public" in value or "s-maxage" in value)
        else (name, value)
        for name, value in headers
    ]


def _request_id(environ: dict) -> str:
    """The caller's ``X-Request-ID`` when it looks sane, else a fresh one (an id for the logs,
    not a secret: no system call for randomness on every hit)."""
    given = environ.get("HTTP_X_REQUEST_ID", "")
    if given and REQUEST_ID.fullmatch(given):
        return given
    return f"{random.getrandbits(128):032x}"  # nosec B311


class Recent:
    """The pages this process served last, by their full key (version included), so that the
    same page asked again costs no cache read: an entry is the answer for its key whoever built
    it, and a write or a post going live changes the key. At most ``limit`` bytes of bodies; the
    least recently served go first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._entries: OrderedDict[str, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple) -> None:
        size = len(entry[2])
        if size > self.limit // 8:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self.size += size
            while self.size > self.limit:
                _, dropped = self._entries.popitem(last=False)
                self.size -= len(dropped[2])


PLACES_KEPT = 4096
"""Addresses whose place in the key a process remembers (matching the route and hashing cost
more than the rest of a hit)."""
RECENT_BYTES = 4 * 1024 * 1024
"""What :class:`Recent` keeps per process: a thousand compressed pages or so."""


class PageCacheMiddleware:
    """The WSGI layer in front of the app: answers a kept page, keeps a page built for nobody,
    and keeps ``public`` off every answer that sets a cookie."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.release = release(app.config, watch=app.debug)
        self.recent = Recent(RECENT_BYTES)
        self._reader: caching.VersionKey | None = None
        self._places: dict[tuple, str | None] = {}

    def __call__(self, environ: dict, start_response):
        config = self.app.config
        if (
            config["PAGE_CACHE"]
            and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and not has_credentials(environ, _cookie_names(config))
        ):
            place = self._place(environ)
            if place is not None:
                return self._cached(environ, start_response, place)

        def guarded(status, headers, exc_info=None):
            return start_response(status, _guarded(headers), exc_info)

        return self.wsgi_app(environ, guarded)

    def _place(self, environ: dict) -> str | None:
        """What names the page in the key (scheme, host, path, query, origin, compression), None
        for an address that is not kept; remembered for the addresses asked last."""
        asked = (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST"),
            environ.get("SERVER_NAME"),
            environ.get("SERVER_PORT"),
            environ.get("SCRIPT_NAME"),
            environ.get("PATH_INFO"),
            environ.get("QUERY_STRING"),
            environ.get("HTTP_ACCEPT_ENCODING"),
            environ.get("HTTP_ORIGIN"),
        )
        place = self._places.get(asked, False)
        if place is False:
            if len(self._places) >= PLACES_KEPT:
                self._places.clear()
            place = self._places[asked] = self._find_place(environ)
        return place

    def _find_place(self, environ: dict) -> str | None:
        query = query_key(environ.get("QUERY_STRING", ""))
        if query is None:
            return None
        adapter = self.app.url_map.bind_to_environ(
            environ,
            server_name=self.app.config["SERVER_NAME"],
            subdomain=self.app.url_map.default_subdomain or None,
        )
        try:
            with self.app.app_context():  # converters may read the app (the pages' slugs)
                endpoint, _ = adapter.match(method="GET")
        except HTTPException:  # not found, or a redirect (a missing slash)
            return None
        if endpoint not in CACHEABLE_ENDPOINTS:
            return None
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        encoding = _choose_algorithm(
            compress.enabled_algorithms, environ.get("HTTP_ACCEPT_ENCODING", "")
        )
        where = (
            environ.get("wsgi.url_scheme"),
            host.lower(),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            query,
            environ.get("HTTP_ORIGIN"),  # CORS answers name the origin that asked
        )
        digest = hashlib.blake2b(repr(where).encode(), digest_size=16).hexdigest()
        return f"{digest}:{encoding or 'identity'}"

    def _cached(self, environ: dict, start_response, place: str):
        """A page this process served last needs no app context; the rest do (the cache, the
        app)."""
        reader = self._reader
        if reader is None:
            with self.app.app_context():
                reader = self._reader = caching.VersionKey(db.engine)
        read = reader.read()
        if read is None:  # nothing to key by: the database can't say
            with self.app.app_context():
                return self._answer_built(environ, start_response, None, None)
        version, next_publication = read
        key = f"page:{self.release()}:{place}@{version}"
        kept = self.recent.get(key)
        if kept is not None:
            return self._answer_kept(environ, start_response, kept)
        with self.app.app_context():
            kept = self._read(key)
            if kept is not None:
                return self._answer_kept(environ, start_response, kept)
            return self._answer_built(environ, start_response, key, next_publication)

    def _answer_kept(self, environ: dict, start_response, kept) -> list[bytes]:
        status, headers, body, etag = kept
        own = [("X-Request-ID", _request_id(environ)), (STATUS_HEADER, "hit")]
        asked = environ.get("HTTP_IF_NONE_MATCH")
        if asked and parse_etags(asked).contains_weak(etag):
            kept_on_304 = [(name, value) for name, value in headers if name.lower() in KEPT_ON_304]
            start_response("304 Not Modified", [*kept_on_304, *own])
            return []
        start_response(status, [*headers, *own])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _answer_built(self, environ: dict, start_response, key, next_publication) -> list[bytes]:
        """Let the app answer (in the app context already pushed), then keep the answer under
        ``key`` if it may be shared. The app reads its rows after the version was read, so
        they are never older than the version the page is kept under."""
        status, headers, body = self._build(environ)
        headers = _guarded(headers)
        if key is not None:
            if self._may_keep(environ, status, headers, next_publication):
                etag = next((v for n, v in headers if n.lower() == "etag"), None)
                kept = [(n, v) for n, v in headers if n.lower() not in NOT_KEPT]
                self._keep(key, (status, kept, body, unquote_etag(etag)[0] if etag else None))
            headers = [*headers, (STATUS_HEADER, "miss")]
        start_response(status, headers)
        return [body]

    def _build(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
        answer: list = []
        chunks: list[bytes] = []

        def start(status, headers, exc_info=None):
            if exc_info and answer:
                raise exc_info[1].with_traceback(exc_info[2])
            answer[:] = [status, list(headers)]
            return chunks.append

        iterable = self.wsgi_app(environ, start)
        try:
            chunks.extend(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        return answer[0], answer[1], b"".join(chunks)

    def _may_keep(self, environ, status: str, headers, next_publication) -> bool:
        if not environ.get(SHAREABLE) or environ["REQUEST_METHOD"] != "GET":
            return False
        if not status.startswith("200 "):
            return False
        if any(name.lower() == "set-cookie" for name, _ in headers):
            return False
        # A scheduled post that went live since the version was read may be on the page: not
        # under the key from before its time (where an instance whose clock lags would find it).
        due = self._reader.next_publication(next_publication)
        return due is None or utcnow() < due

    def _read(self, key: str) -> tuple | None:
        health: caching.CacheHealth = self.app.extensions[caching.HEALTH]
        try:
            kept = cache.get(key)
        except Exception as error:  # whatever the backend raises: build the page instead
            health.failed("read", "page", error)
            return None
        health.answered()
        if kept is not None:
            self.recent.put(key, kept)
        return kept

    def _keep(self, key: str, kept) -> None:
        self.recent.put(key, kept)
        health: caching.CacheHealth = self.app.extensions[caching.HEALTH]
        try:
            cache.set(key, kept)
        except Exception as error:
            health.failed("write", "page", error)


def init_app(app: Flask) -> None:
    """Compression, static fingerprints, the cache headers and the WSGI layer. Call it before
    any other extension registers an ``after_request``: Flask runs them last registered first,
    so :func:`finish_response` runs after them all and sees their headers. The WSGI layer wraps
    the app before ProxyFix does, so it sees the client's scheme and host."""
    config = app.config
    config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    config.setdefault("COMPRESS_ALGORITHM", ALGORITHMS)
    config.setdefault("COMPRESS_ALGORITHM_STREAMING", ALGORITHMS)
    config["COMPRESS_REGISTER"] = False  # finish_response calls it, for 2xx but 206 only
    compress.init_app(app)
    static_files.init_app(app)
    app.after_request(finish_response)
    app.wsgi_app = PageCacheMiddleware(app, app.wsgi_app)
