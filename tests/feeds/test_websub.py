"""WebSub: with WEBSUB_HUB set, every feed names the hub, and a real hub (a tiny HTTP server)
is told which feeds changed once a post is published, edited or removed, from the API as from
the site; a hub that is down or hangs never slows or fails the request."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest
from lxml import etree

from blog.domain import posts
from blog.feeds import websub
from tests.factories import PostFactory, UserFactory
from tests.helpers import Api

WAIT = 15


@contextlib.contextmanager
def hub(answer: threading.Event | None = None):
    """A hub on 127.0.0.1 whose pings arrive in the yielded queue as (url, form); with
    ``answer`` it holds every ping until that event is set."""
    received: queue.Queue = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            received.put((self.path, form))
            if answer is not None:
                answer.wait(WAIT)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hub", received
    finally:
        if answer is not None:
            answer.set()
        server.shutdown()
        server.server_close()


def pinged_urls(received: queue.Queue, count: int) -> set[str]:
    urls = set()
    for _ in range(count):
        path, form = received.get(timeout=WAIT)
        assert path == "/hub"
        assert form["hub.mode"] == ["publish"]
        urls.update(form["hub.url"])
    return urls


def wait_for_pings() -> None:
    for thread in threading.enumerate():
        if thread.name == websub.THREAD_NAME:
            thread.join(WAIT)


def feeds_of(*prefixes: str) -> set[str]:
    return {f"http://localhost{p}feed.{kind}" for p in prefixes for kind in ("atom", "rss", "json")}


def test_every_feed_names_the_hub(settings, client, db):
    settings(WEBSUB_HUB="https://hub.example.org/")
    PostFactory(author=UserFactory(username="writer"), tags=["news"])
    for path in ("/feed.", "/tags/news/feed.", "/@writer/feed."):
        for kind in ("atom", "rss"):
            root = etree.fromstring(client.get(path + kind).data)
            hubs = root.xpath('//*[local-name()="link"][@rel="hub"]/@href')
            assert hubs == ["https://hub.example.org/"]
            assert not feedparser.parse(client.get(path + kind).data).bozo
        document = json.loads(client.get(path + "json").data)
        assert document["hubs"] == [{"type": "WebSub", "url": "https://hub.example.org/"}]


def test_no_hub_no_hub_link(client, db):
    PostFactory()
    assert b'rel="hub"' not in client.get("/feed.atom").data
    assert "hubs" not in json.loads(client.get("/feed.json").data)


def test_publishing_editing_and_removing_through_the_api_pings_the_hub(settings, client, db):
    api = Api(client)
    api.token = api.sign_up("writer")
    with hub() as (url, received):
        settings(WEBSUB_HUB=url)
        article = api.write(tagList=["news"])
        assert pinged_urls(received, 9) == feeds_of("/", "/tags/news/", "/@writer/")
        slug = article["slug"]
        assert api.put(f"/articles/{slug}", {"article": {"title": "New"}}).status_code == 200
        assert pinged_urls(received, 9) == feeds_of("/", "/tags/news/", "/@writer/")
        assert api.delete(f"/articles/{slug}").status_code == 204
        assert pinged_urls(received, 9) == feeds_of("/", "/tags/news/", "/@writer/")
        wait_for_pings()
        assert received.empty()


def test_a_draft_saved_pings_nothing_and_publishing_it_does(settings, app, client, db):
    writer = UserFactory(username="writer")
    with hub() as (url, received):
        settings(WEBSUB_HUB=url, SITE_URL="http://localhost")
        draft = posts.create_post(writer, title="Draft", body="b", description="d")
        posts.update_post(draft, writer, {"body": "still a draft"})
        wait_for_pings()
        assert received.empty()
        posts.publish_post(draft, writer)
        assert pinged_urls(received, 6) == feeds_of("/", "/@writer/")


def test_a_tag_taken_off_a_post_has_its_feed_pinged_too(settings, client, db):
    api = Api(client)
    api.token = api.sign_up("writer")
    article = api.write(tagList=["old"])
    with hub() as (url, received):
        settings(WEBSUB_HUB=url)
        changes = {"article": {"tagList": ["new"]}}
        assert api.put(f"/articles/{article['slug']}", changes).status_code == 200
        expected = feeds_of("/", "/tags/old/", "/tags/new/", "/@writer/")
        assert pinged_urls(received, 12) == expected


def test_a_change_outside_any_request_pings_on_site_url(settings, app, db):
    """The command line and background work have no request: the feeds are on SITE_URL."""
    writer = UserFactory(username="writer")
    with hub() as (url, received):
        settings(WEBSUB_HUB=url, SITE_URL="https://blog.example.org/sub")
        posts.create_post(writer, title="T", body="b", description="d", publish=True)
        assert pinged_urls(received, 6) == {
            f"https://blog.example.org/sub{path}feed.{kind}"
            for path in ("/", "/@writer/")
            for kind in ("atom", "rss", "json")
        }


def test_a_hung_hub_does_not_hold_the_request(settings, client, db):
    """The hub receives the ping and keeps it unanswered while the request has already been
    answered: the request never waited for it."""
    api = Api(client)
    api.token = api.sign_up("writer")
    answer = threading.Event()
    with hub(answer) as (url, received):
        settings(WEBSUB_HUB=url)
        api.write()
        received.get(timeout=WAIT)
        assert not answer.is_set()
    wait_for_pings()


def test_a_hub_that_is_down_fails_nothing_and_is_logged(settings, client, db, caplog):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    api = Api(client)
    api.token = api.sign_up("writer")
    settings(WEBSUB_HUB=f"http://127.0.0.1:{port}/")
    article = api.write()
    wait_for_pings()
    assert api.get(f"/articles/{article['slug']}").status_code == 200
    assert f"WebSub ping of http://127.0.0.1:{port}/ for http://localhost/feed.atom failed" in (
        caplog.text
    )


@pytest.mark.parametrize("hub_url", ["ftp://hub.example.org/", "hub.example.org"])
def test_a_hub_that_is_no_http_url_is_refused_at_start(hub_url):
    from blog.config import setting_problem

    assert setting_problem({"WEBSUB_HUB": hub_url, "LOG_LEVEL": "INFO"}) == (
        "WEBSUB_HUB must be an http:// or https:// URL"
    )
