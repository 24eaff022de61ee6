"""The page cache (blog/page_cache.py): pages for readers who are not signed in are kept and
answered before the app, never stale and never one reader's page to another; the cache headers,
the ETags, compression and the static fingerprints."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import sqlite3
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import brotli
import pytest
import redis
import sqlalchemy
from flask import flash, request, template_rendered
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event

from blog.domain import posts, social
from blog.extensions import db
from blog.static_files import Fingerprints
from tests.clock import clock_fixture  # noqa: F401
from tests.factories import PageFactory, PostFactory, UserFactory
from tests.helpers import Api, AuthActions, app_on, make_app
from tests.servers import REDIS, free_port, require_redis

SHARED = "public, max-age=0, s-maxage=60, stale-while-revalidate=300"
PRIVATE = "private, no-store"
STATIC = Path(__file__).resolve().parent.parent / "blog" / "static"


@pytest.fixture
def cached(database_url):
    """An app with the page cache on, in this process's memory."""
    with app_on(database_url, PAGE_CACHE=True, CACHE_TYPE="SimpleCache") as app:
        yield app


@pytest.fixture
def reader(cached):
    """A reader who is not signed in (no cookie at all)."""
    return cached.test_client(use_cookies=False)


@pytest.fixture
def alice(cached):
    return UserFactory(username="alice")


def signed_in(app, username: str):
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client


def version_engine(app):
    """The engine the page cache reads the version with (the app's own on SQLite)."""
    return app.wsgi_app._reader.engine


@contextlib.contextmanager
def work_done(version_engine=None):
    """What a request did: ``.statements`` run through SQLAlchemy (on the app's engine and the
    page cache's), ``.templates`` rendered, ``.connections`` taken from the page cache's pool,
    ``.raw`` the statements SQLite ran on them (None on PostgreSQL)."""

    class Done:
        statements = 0
        templates = 0
        connections = 0
        raw: list[str] | None = None

    done = Done()
    engines = {db.engine, version_engine or db.engine}
    pool_engine = version_engine or db.engine
    sqlite = pool_engine.dialect.name == "sqlite"
    if sqlite:
        done.raw = []

    def counted(*args, **kwargs):
        done.statements += 1

    def rendered(*args, **kwargs):
        done.templates += 1

    def checkout(dbapi_connection, record, proxy):
        done.connections += 1
        if sqlite:
            dbapi_connection.set_trace_callback(done.raw.append)

    def checkin(dbapi_connection, record):
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(None)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", counted)
    event.listen(pool_engine, "checkout", checkout)
    event.listen(pool_engine, "checkin", checkin)
    template_rendered.connect(rendered)
    try:
        yield done
    finally:
        template_rendered.disconnect(rendered)
        for engine in engines:
            event.remove(engine, "before_cursor_execute", counted)
        event.remove(pool_engine, "checkout", checkout)
        event.remove(pool_engine, "checkin", checkin)


def statements_of(raw: list[str]) -> list[str]:
    """What SQLite ran but the pool's own ping and transaction ends."""
    return [s for s in raw if s.strip().upper() not in {"SELECT 1", "ROLLBACK", "BEGIN", "COMMIT"}]


# ---- Kept and answered before the app ----


def test_a_second_reader_gets_the_page_for_one_statement_and_no_template(cached, reader):
    PostFactory(title="Kept news", tags=["flask"])
    first = reader.get("/")
    assert first.status_code == 200 and first.headers["X-Page-Cache"] == "miss"
    with work_done(version_engine(cached)) as done:
        again = reader.get("/")
    assert again.headers["X-Page-Cache"] == "hit"
    assert again.data == first.data and "Kept news" in again.text
    assert done.templates == 0  # no template, no site settings, no sign-in loading
    assert done.statements == 0  # not even through SQLAlchemy's execution
    assert done.connections == 1  # one connection, for the version (autocommit on a server)
    if done.raw is not None:
        assert len(statements_of(done.raw)) == 1
        assert "content_version" in statements_of(done.raw)[0]


def test_a_hit_carries_its_own_request_id_and_the_kept_headers(cached, reader):
    PostFactory()
    first = reader.get("/", headers={"X-Request-ID": "first-one"})
    again = reader.get("/", headers={"X-Request-ID": "second-one"})
    assert first.headers["X-Request-ID"] == "first-one"
    assert again.headers["X-Request-ID"] == "second-one"
    assert reader.get("/").headers["X-Request-ID"] != again.headers["X-Request-ID"]
    for name in ("Content-Security-Policy", "Cache-Control", "ETag", "Vary", "Content-Type"):
        assert again.headers[name] == first.headers[name]
    assert "Set-Cookie" not in again.headers and "Date" not in again.headers


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?page=2",
        "/tags/flask",
        "/tags",
        "/@alice",
        "/@alice/favorites",
        "/posts/kept",
        "/about",
        "/search?q=kept",
        "/feed.atom",
        "/tags/flask/feed.rss",
        "/@alice/feed.json",
        "/sitemap.xml",
        "/robots.txt",
        "/api/articles",
        "/api/articles?limit=1&offset=1",
        "/api/articles?tag=flask",
        "/api/articles?author=alice",
        "/api/articles?favorited=alice",
        "/api/articles/kept",
        "/api/articles/kept/comments",
        "/api/profiles/alice",
        "/api/tags",
    ],
)
def test_every_public_page_and_api_read_is_kept(cached, reader, alice, path):
    """With CSRF protection on, as in production: a page that made a token for a reader who is
    not signed in (the comment form did) could not be kept."""
    cached.config.update(POSTS_PER_PAGE=1, WTF_CSRF_ENABLED=True)
    PostFactory(slug="kept", title="Kept", author=alice, tags=["flask"])
    PostFactory(author=alice, tags=["flask"])
    PageFactory(slug="about", title="About")
    first = reader.get(path)
    assert first.status_code == 200, path
    assert first.headers["X-Page-Cache"] == "miss"
    again = reader.get(path)
    assert again.headers["X-Page-Cache"] == "hit" and again.data == first.data


def test_archive_pages_are_kept(cached, reader):
    post = PostFactory()
    month = f"/archive/{post.published_at.year}/{post.published_at.month}"
    for path in ("/archive", month):
        assert reader.get(path).headers["X-Page-Cache"] == "miss"
        assert reader.get(path).headers["X-Page-Cache"] == "hit"


def test_a_head_request_is_answered_from_the_kept_page_without_a_body(cached, reader):
    PostFactory()
    full = reader.get("/")
    head = reader.head("/")
    assert head.headers["X-Page-Cache"] == "hit"
    assert head.data == b"" and head.headers["Content-Length"] == str(len(full.data))


def test_a_head_request_alone_keeps_nothing(cached, reader):
    PostFactory()
    assert reader.head("/").headers["X-Page-Cache"] == "miss"
    assert reader.get("/").headers["X-Page-Cache"] == "miss"


@pytest.mark.parametrize("query", ["?utm_source=x", "?page=1&page=2", "?x=1"])
def test_an_argument_the_pages_do_not_read_is_served_but_not_kept(cached, reader, query):
    """Otherwise ``?x=1``, ``?x=2``... would fill the cache."""
    PostFactory()
    for _ in range(2):
        response = reader.get("/" + query)
        assert response.status_code in (200, 404)
        assert "X-Page-Cache" not in response.headers


def test_errors_redirects_and_forms_are_never_kept(cached, reader):
    for path in ("/posts/missing", "/tags/missing", "/login", "/register", "/feed", "/write"):
        for _ in range(2):
            response = reader.get(path)
            assert response.headers.get("X-Page-Cache") in (None, "miss"), path
            assert response.headers["Cache-Control"] == PRIVATE, path


def test_the_cache_can_be_switched_off(database_url):
    with app_on(database_url, PAGE_CACHE=False, CACHE_TYPE="SimpleCache") as app:
        PostFactory()
        client = app.test_client(use_cookies=False)
        for _ in range(2):
            response = client.get("/")
            assert "X-Page-Cache" not in response.headers
            assert response.headers["Cache-Control"] == SHARED  # CDNs may still keep it


def test_the_page_cache_is_on_in_production_and_development_and_off_in_tests():
    from blog import config

    assert config.ProductionConfig.PAGE_CACHE and config.DevelopmentConfig.PAGE_CACHE
    assert not config.TestingConfig.PAGE_CACHE


# ---- Never stale ----


def home(client) -> str:
    return client.get("/").text


@pytest.mark.parametrize("change", ["publish", "edit", "unpublish", "delete"])
def test_a_kept_home_page_follows_every_change_at_once(cached, reader, alice, change):
    post = PostFactory(author=alice, title="The first title")
    assert "The first title" in home(reader)
    assert reader.get("/").headers["X-Page-Cache"] == "hit"
    if change == "publish":
        posts.create_post(
            alice, title="Fresh off the press", body="B", description="D", publish=True
        )
        assert "Fresh off the press" in home(reader)
    elif change == "edit":
        posts.update_post(post, alice, {"title": "A better title"})
        assert "A better title" in home(reader) and "The first title" not in home(reader)
    elif change == "unpublish":
        posts.unpublish_post(post, alice)
        assert "The first title" not in home(reader)
    else:
        posts.delete_post(post, alice)
        assert "The first title" not in home(reader)


def test_a_scheduled_post_shows_on_the_kept_home_page_at_its_time(cached, reader, alice, clock):
    PostFactory(author=alice, title="Older news")
    due = clock.now + timedelta(hours=1)
    posts.create_post(alice, title="The zeppelin", body="B", description="D", publish_at=due)
    assert "The zeppelin" not in home(reader)
    assert reader.get("/").headers["X-Page-Cache"] == "hit"
    clock.advance(minutes=59)
    assert "The zeppelin" not in home(reader)
    clock.advance(minutes=1)
    response = reader.get("/")
    assert response.headers["X-Page-Cache"] == "miss" and "The zeppelin" in response.text


def test_a_counter_shown_on_a_kept_page_follows_a_favorite(cached, reader, alice):
    post = PostFactory(slug="liked", author=alice)
    assert reader.get("/api/articles/liked").json["article"]["favoritesCount"] == 0
    social.favorite(UserFactory(), post)
    assert reader.get("/api/articles/liked").json["article"]["favoritesCount"] == 1


def test_a_deploy_of_other_settings_keeps_pages_of_its_own(database_url, redis_url):
    shared = {"PAGE_CACHE": True, "CACHE_TYPE": "", "REDIS_URL": redis_url}
    with app_on(database_url, BLOG_TITLE="Old name", **shared) as old:
        PostFactory()
        old_reader = old.test_client(use_cookies=False)
        assert "Old name" in home(old_reader)
        assert old_reader.get("/").headers["X-Page-Cache"] == "hit"
        new = make_app(database_url, BLOG_TITLE="New name", **shared)
        with new.app_context():
            response = new.test_client(use_cookies=False).get("/")
            assert response.headers["X-Page-Cache"] == "miss"
            assert "New name" in response.text and "Old name" not in response.text
            db.session.remove()
            db.engine.dispose()


# ---- On any instance: two apps sharing one Redis ----


@pytest.fixture
def redis_url():
    """A Redis database of these tests' own (one per xdist worker), empty before and after."""
    require_redis()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0"
    parts = urlsplit(REDIS)
    url = urlunsplit(parts._replace(path=f"/{12 + int(worker) % 4}"))
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def two_instances(database_url, redis_url):
    """``(writer, server)``: two apps on one database and one Redis, as two instances are."""
    shared = {"PAGE_CACHE": True, "CACHE_TYPE": "", "REDIS_URL": redis_url}
    with app_on(database_url, **shared) as writer:
        server = make_app(database_url, **shared)
        try:
            yield writer, server
        finally:
            with server.app_context():
                db.engine.dispose()


def test_a_page_kept_by_one_instance_is_served_by_another(two_instances):
    writer, server = two_instances
    PostFactory(title="Shared news")
    first = writer.test_client(use_cookies=False).get("/")
    assert first.headers["X-Page-Cache"] == "miss"
    with server.app_context():
        server_reader = server.test_client(use_cookies=False)
        server_reader.get("/robots.txt")  # the server's first request: its version engine
        with work_done(version_engine(server)) as done:
            served = server_reader.get("/")
        assert served.headers["X-Page-Cache"] == "hit" and served.data == first.data
        assert done.templates == 0 and done.statements == 0
        db.session.remove()


@pytest.mark.parametrize("change", ["publish", "unpublish", "delete"])
def test_a_write_on_one_instance_shows_at_once_on_the_other(two_instances, change):
    writer, server = two_instances
    author = UserFactory(username="writer")
    post = PostFactory(author=author, title="Standing story")
    server_reader = server.test_client(use_cookies=False)
    assert "Standing story" in home(server_reader)
    assert server_reader.get("/").headers["X-Page-Cache"] == "hit"
    if change == "publish":  # on the writing instance, through its pages
        client = signed_in(writer, "writer")
        form = {"title": "Breaking story", "description": "D", "body": "B", "publish": "Publish"}
        assert client.post("/write", data=form).status_code == 302
        assert "Breaking story" in home(server_reader)
    elif change == "unpublish":
        posts.unpublish_post(post, author)
        assert "Standing story" not in home(server_reader)
    else:
        posts.delete_post(post, author)
        assert "Standing story" not in home(server_reader)


def test_a_scheduled_post_goes_live_on_every_instance(two_instances, clock):
    writer, server = two_instances
    author = UserFactory(username="writer")
    PostFactory(author=author, title="Older news")
    posts.create_post(
        author,
        title="The zeppelin",
        body="B",
        description="D",
        publish_at=clock.now + timedelta(hours=1),
    )
    readers = [app.test_client(use_cookies=False) for app in (writer, server)]
    for client in readers:
        assert "The zeppelin" not in home(client)
    clock.advance(hours=1)
    for client in readers:
        assert "The zeppelin" in home(client)


# ---- Never one reader's page to another ----


def test_a_signed_in_page_reaches_no_one_else(cached, reader, alice):
    UserFactory(username="bob")
    PostFactory()
    alices = signed_in(cached, "alice")
    page = alices.get("/")
    assert "alice" in page.text and "Sign out" in page.text
    assert "X-Page-Cache" not in page.headers
    assert page.headers["Cache-Control"] == PRIVATE
    assert alices.get("/").headers.get("X-Page-Cache") is None
    anonymous = reader.get("/")
    assert anonymous.headers["X-Page-Cache"] == "miss"  # alice's pages kept nothing
    assert "Sign out" not in anonymous.text and ">alice<" not in anonymous.text
    bobs = signed_in(cached, "bob").get("/")
    assert "bob" in bobs.text and ">alice<" not in bobs.text


def test_a_kept_page_is_never_shown_to_a_signed_in_reader(cached, reader, alice):
    PostFactory()
    reader.get("/")
    assert reader.get("/").headers["X-Page-Cache"] == "hit"
    page = signed_in(cached, "alice").get("/")
    assert "X-Page-Cache" not in page.headers
    assert "Sign out" in page.text and "Sign in" not in page.text


def test_a_remember_me_cookie_alone_is_someone(cached, alice):
    PostFactory()
    client = cached.test_client()
    form = {"login": "alice", "password": "correct horse battery", "remember": "y"}
    assert client.post("/login", data=form).status_code == 302
    remember = client.get_cookie("remember_token")
    assert remember is not None
    client.delete_cookie("session")
    page = client.get("/")
    assert "X-Page-Cache" not in page.headers and "Sign out" in page.text


def test_a_leftover_session_cookie_is_answered_by_the_app(cached, reader, alice):
    """Signed out, the browser still holds a session (with "You have signed out." in it)."""
    PostFactory()
    reader.get("/")
    client = signed_in(cached, "alice")
    after = client.post("/logout", follow_redirects=True)
    assert "You have signed out." in after.text
    assert "X-Page-Cache" not in after.headers
    assert "You have signed out." not in reader.get("/").text


@pytest.fixture
def hooked(database_url):
    """An app with the page cache on whose search page flashes a message (``?q=flash``) or
    makes a CSRF token (``?q=token``) as a view would."""
    with app_on(database_url, PAGE_CACHE=True, CACHE_TYPE="SimpleCache") as app:

        @app.before_request
        def personal_touch():
            if request.args.get("q") == "flash":
                flash("Only for you")
            if request.args.get("q") == "token":
                generate_csrf()

        yield app


@pytest.mark.parametrize("what", ["flash", "token"])
def test_a_page_with_a_flash_or_a_csrf_token_is_never_kept_or_public(hooked, what):
    PostFactory()
    client = hooked.test_client(use_cookies=False)
    for _ in range(2):
        response = client.get(f"/search?q={what}")
        assert response.status_code == 200
        assert response.headers["X-Page-Cache"] == "miss"
        assert "Set-Cookie" in response.headers
        assert response.headers["Cache-Control"] == PRIVATE
        assert "ETag" not in response.headers
    if what == "flash":
        assert "Only for you" in response.text


def test_the_api_with_a_token_never_gets_the_anonymous_answer(cached, alice):
    PostFactory(slug="liked", author=alice)
    anonymous = Api(cached.test_client(use_cookies=False))
    for _ in range(2):
        assert anonymous.get("/articles").json["articles"][0]["favorited"] is False
        assert anonymous.get("/profiles/alice").json["profile"]["following"] is False
    token = Api(cached.test_client()).sign_up("jake")
    jake = Api(cached.test_client(use_cookies=False))
    jake.token = token
    assert jake.post("/articles/liked/favorite").status_code == 200
    assert jake.post("/profiles/alice/follow").status_code == 200
    listed = jake.get("/articles")
    assert "X-Page-Cache" not in listed.headers and listed.headers["Cache-Control"] == PRIVATE
    assert listed.json["articles"][0]["favorited"] is True
    assert jake.get("/articles/liked").json["article"]["favorited"] is True
    assert jake.get("/profiles/alice").json["profile"]["following"] is True
    assert anonymous.get("/articles").json["articles"][0]["favorited"] is False
    assert anonymous.get("/articles").json["articles"][0]["favoritesCount"] == 1


def test_an_answer_that_sets_a_cookie_is_never_public(database_url):
    settings = {"PAGE_CACHE": True, "CACHE_TYPE": "SimpleCache", "WTF_CSRF_ENABLED": True}
    with app_on(database_url, **settings) as app:

        @app.get("/cookie-jar")
        def cookie_jar():
            response = app.make_response("a cookie")
            response.set_cookie("flavour", "oat")
            response.headers["Cache-Control"] = "public, max-age=600"
            return response

        response = app.test_client().get("/cookie-jar")
        assert response.headers["Cache-Control"] == PRIVATE
        login = app.test_client().get("/login")  # a CSRF token in the session cookie
        assert "Set-Cookie" in login.headers and "public" not in login.headers["Cache-Control"]


def test_another_host_or_scheme_keeps_pages_of_its_own(cached, reader):
    """Pages name the address they were asked at (canonical links without SITE_URL)."""
    PostFactory()
    assert reader.get("/", base_url="http://one.example").headers["X-Page-Cache"] == "miss"
    other = reader.get("/", base_url="http://two.example")
    assert other.headers["X-Page-Cache"] == "miss" and "one.example" not in other.text
    assert reader.get("/", base_url="https://one.example").headers["X-Page-Cache"] == "miss"


# ---- Headers: Cache-Control, Vary, ETag and 304 ----


def test_a_page_built_for_nobody_may_be_kept_by_a_cdn(cached, reader):
    PostFactory()
    response = reader.get("/")
    assert response.headers["Cache-Control"] == SHARED
    assert {"Cookie", "Authorization", "Accept-Encoding"} <= set(response.vary)
    assert response.headers["ETag"]
    cached.config.update(SHARED_CACHE_MAX_AGE=120, SHARED_CACHE_STALE_WHILE_REVALIDATE=0)
    assert reader.get("/?page=1").headers["Cache-Control"] == "public, max-age=0, s-maxage=120"
    cached.config["SHARED_CACHE_MAX_AGE"] = 0
    assert reader.get("/tags").headers["Cache-Control"] == "public, no-cache"


def test_feeds_and_the_sitemap_keep_their_own_lifetimes(cached, reader):
    PostFactory()
    assert reader.get("/feed.atom").headers["Cache-Control"] == "public, max-age=300"
    assert reader.get("/sitemap.xml").headers["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("encoding", ["", "gzip", "br"])
def test_if_none_match_gets_a_304_from_the_app_and_from_the_cache(cached, reader, encoding):
    PostFactory()
    headers = {"Accept-Encoding": encoding} if encoding else {}
    first = reader.get("/", headers=headers)
    etag = first.headers["ETag"]
    assert etag.endswith(f':{encoding}"') if encoding else ":" not in etag
    again = reader.get("/", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["X-Page-Cache"] == "hit"
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == SHARED
    assert reader.get("/", headers={**headers, "If-None-Match": '"other"'}).status_code == 200


def test_if_none_match_gets_a_304_with_the_cache_off(client, db):
    PostFactory()
    first = client.get("/")
    assert first.headers["Cache-Control"] == SHARED
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    PostFactory(title="Something new")
    assert client.get("/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_a_feed_poll_with_a_compressed_etag_gets_a_304_before_the_feed_is_built(client, db):
    PostFactory()
    etag = client.get("/feed.atom", headers={"Accept-Encoding": "br"}).headers["ETag"]
    assert etag.endswith(':br"')
    again = client.get("/feed.atom", headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304


def test_signed_in_pages_and_api_answers_to_a_token_are_private(client, db, signed_up):
    UserFactory(username="alice")
    AuthActions(client).login("alice")
    for path in ("/", "/@alice", "/feed", "/settings"):
        assert client.get(path).headers["Cache-Control"] == PRIVATE, path
    assert signed_up.get("/articles").headers["Cache-Control"] == PRIVATE


# ---- Compression ----


def decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.data)
    if encoding == "gzip":
        return gzip.decompress(response.data)
    assert encoding is None
    return response.data


@pytest.mark.parametrize(
    "path",
    ["/", "/api/articles", "/feed.atom", "/feed.rss", "/feed.json", "/static/css/blog.css"],
)
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_text_is_compressed_as_the_reader_accepts(client, db, path, encoding):
    for n in range(3):
        PostFactory(body="Words enough to be worth compressing. " * 20, slug=f"long-{n}")
    plain = client.get(path)
    assert "Content-Encoding" not in plain.headers
    packed = client.get(path, headers={"Accept-Encoding": f"{encoding}, identity;q=0.5"})
    assert packed.headers["Content-Encoding"] == encoding
    assert len(packed.data) < len(plain.data)
    assert decoded(packed).replace(b"\r\n", b"\n") == plain.data.replace(b"\r\n", b"\n")
    assert "Accept-Encoding" in packed.vary


def test_brotli_is_preferred_when_both_are_accepted(client, db):
    PostFactory()
    response = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"


def test_images_are_never_compressed(client, db):
    UserFactory(username="alice")
    avatar = client.get("/avatars/alice.svg", headers={"Accept-Encoding": "br, gzip"})
    assert avatar.status_code == 200 and avatar.mimetype == "image/svg+xml"
    assert "Content-Encoding" not in avatar.headers
    icon = client.get("/static/favicon.svg", headers={"Accept-Encoding": "br, gzip"})
    assert icon.status_code == 200 and "Content-Encoding" not in icon.headers


def test_a_range_of_a_file_is_never_compressed(client, db):
    response = client.get(
        "/static/css/blog.css", headers={"Accept-Encoding": "br", "Range": "bytes=0-99"}
    )
    assert response.status_code == 206 and "Content-Encoding" not in response.headers
    assert len(response.data) == 100


def test_the_kept_page_is_kept_compressed_for_each_encoding(cached, reader):
    PostFactory()
    bodies = {}
    for encoding in ("br", "gzip", ""):
        headers = {"Accept-Encoding": encoding} if encoding else {}
        first = reader.get("/", headers=headers)
        assert first.headers["X-Page-Cache"] == "miss"
        again = reader.get("/", headers=headers)
        assert again.headers["X-Page-Cache"] == "hit"
        assert again.headers.get("Content-Encoding") == (encoding or None)
        assert again.data == first.data
        bodies[encoding] = decoded(again)
    assert bodies["br"] == bodies["gzip"] == bodies[""]


# ---- Static files ----


def fingerprint(relative: str) -> str:
    return hashlib.sha256((STATIC / relative).read_bytes()).hexdigest()[:16]


def test_pages_name_static_files_by_their_content(client, db):
    page = client.get("/").text
    for relative in ("css/blog.css", "css/tokens.css", "js/site.js", "favicon.svg"):
        assert f"/static/{relative}?v={fingerprint(relative)}" in page


def test_a_fingerprinted_file_is_kept_a_year_and_any_other_address_briefly(client, db):
    address = f"/static/css/blog.css?v={fingerprint('css/blog.css')}"
    current = client.get(address)
    assert current.status_code == 200
    assert current.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Expires" not in current.headers
    for other in ("/static/css/blog.css", "/static/css/blog.css?v=0123456789abcdef"):
        response = client.get(other)
        assert (
            response.status_code == 200
            and response.headers["Cache-Control"] == "public, max-age=300"
        )
    assert client.get("/static/css/missing.css?v=x").status_code == 404


def test_the_admin_pages_fingerprint_their_files_too(client, db):
    UserFactory(username="root", is_admin=True)
    AuthActions(client).login("root")
    page = client.get("/admin/").text
    assert f"/static/css/admin.css?v={fingerprint('css/admin.css')}" in page


def test_a_fingerprint_follows_an_edited_file_when_watched(tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "a.css"
    sheet.write_text("a { color: red }")
    fixed, watched = Fingerprints(tmp_path), Fingerprints(tmp_path, watch=True)
    before = fixed.of("css/a.css")
    assert before == watched.of("css/a.css") == hashlib.sha256(b"a { color: red }").hexdigest()[:16]
    sheet.write_text("a { color: blue; }")
    assert fixed.of("css/a.css") == before  # hashed once, at start
    assert watched.of("css/a.css") != before
    assert fixed.of("../outside.css") is None and fixed.of("css/none.css") is None


def test_an_outage_of_redis_serves_pages_all_the_same(database_url, capsys):
    gone = f"redis://127.0.0.1:{free_port()}/0"
    with app_on(database_url, PAGE_CACHE=True, CACHE_TYPE="", REDIS_URL=gone) as app:
        PostFactory(title="Still here")
        client = app.test_client(use_cookies=False)
        for _ in range(2):
            response = client.get("/api/tags")
            assert response.status_code == 200
    assert "failed: ConnectionError" in capsys.readouterr().err


def test_each_origin_gets_its_own_cors_answer(database_url):
    origins = "https://one.example,https://two.example"
    with app_on(
        database_url, PAGE_CACHE=True, CACHE_TYPE="SimpleCache", CORS_ORIGINS=origins
    ) as app:
        client = app.test_client(use_cookies=False)
        for origin in ("https://one.example", "https://two.example", "https://one.example"):
            response = client.get("/api/tags", headers={"Origin": origin})
            assert response.headers["Access-Control-Allow-Origin"] == origin
        elsewhere = client.get("/api/tags", headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in elsewhere.headers


def test_a_page_built_across_a_posts_time_is_not_kept_under_the_key_before_it(database_url, clock):
    """The page's key was read before the time, the page built after it (with the post on it):
    an instance whose clock lags a little would still read that key, so the page isn't kept."""
    with app_on(database_url, PAGE_CACHE=True, CACHE_TYPE="SimpleCache") as app:
        author = UserFactory(username="writer")
        PostFactory(author=author, title="Older news")
        due = clock.now + timedelta(seconds=30)
        posts.create_post(author, title="The zeppelin", body="B", description="D", publish_at=due)
        before = clock.now

        @app.before_request
        def time_passes_while_it_is_built():
            if request.args.get("page") == "1":
                clock.advance(minutes=1)

        client = app.test_client(use_cookies=False)
        assert "The zeppelin" in client.get("/?page=1").text  # past its time when built
        clock.now = before  # the instance that lags
        clock.advance(seconds=0)
        response = client.get("/?page=1")
        assert response.headers["X-Page-Cache"] == "miss"


def test_a_version_connection_the_server_dropped_is_replaced(cached, reader):
    """On PostgreSQL the version is read in autocommit on a connection of the app's pool: one
    that a server restart ended fails the read, is replaced, and the read tried again: the page
    is served.
    (SQLite has no server to end a connection: there, a pool made anew serves the page.)"""
    engine = db.engine
    PostFactory()
    assert reader.get("/").headers["X-Page-Cache"] == "miss"
    assert reader.get("/").headers["X-Page-Cache"] == "hit"
    db.session.remove()
    engine.dispose()  # from here on, one connection: the one the page cache takes
    assert reader.get("/").headers["X-Page-Cache"] == "hit"
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            autocommit = connection.connection.driver_connection.autocommit
        assert autocommit is False  # given back to the pool as it was taken
        outside = sqlalchemy.create_engine(engine.url, poolclass=sqlalchemy.NullPool)
        with outside.connect() as other:  # not from the pool, whose one connection it ends
            other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        outside.dispose()
        assert engine.pool.checkedin() == 1
    answer = reader.get("/")
    assert answer.status_code == 200 and answer.headers["X-Page-Cache"] == "hit"
