"""The site's, a tag's and an author's feeds in Atom, RSS and JSON Feed: valid for whatever an
author typed, drafts never in them, links absolute, and cheap to poll."""

from __future__ import annotations

import json
from datetime import timedelta

import feedparser
import lxml.html
import pytest
import sqlalchemy as sa
from lxml import etree

from blog.domain import posts
from blog.domain.errors import ValidationError
from blog.feeds import building
from blog.models import Post, content_version, utcnow
from blog.models.post import TITLE_MAX
from tests.factories import DraftFactory, PostFactory, UserFactory

KINDS = ("atom", "rss", "json")
XML_KINDS = ("atom", "rss")
HOSTILE_TITLE = "Bell\x07 ]]> <b>not bold</b> \x1f lone \U0001f600 \u05e9\u05dc\u05d5\u05dd"


def feed_paths(kind: str) -> list[str]:
    return [f"/feed.{kind}", f"/tags/hostile/feed.{kind}", f"/@writer/feed.{kind}"]


@pytest.fixture
def writer(db):
    return UserFactory(username="writer")


def strictly_parsed(body: bytes):
    """The document as a strict XML parser reads it: any illegal character is an error."""
    return etree.fromstring(body, etree.XMLParser(recover=False, resolve_entities=False))


def test_every_feed_is_valid_xml_and_parses_cleanly_whatever_authors_typed(client, writer):
    """Old rows may hold what the editor refuses today (control characters); they go in
    directly, as the database would hand them over, the title as long as the column allows."""
    PostFactory(
        author=writer,
        title=(HOSTILE_TITLE + "x" * 300)[:TITLE_MAX],
        description="Summary \x0b with ]]> and \u202eRTL\u202c",
        body="b",
        body_html="<p>Body \x1b ]]> \U0001f680 <a href='/posts/other'>other</a></p>",
        tags=["hostile"],
    )
    posts.create_post(
        writer,
        title="Typed in the editor: ]]> \U0001f600 \u0645\u0631\u062d\u0628\u0627",
        description="A <summary> & ]]>",
        body="Hello ]]> **world** ![img](/static/favicon.svg)",
        tags=["hostile"],
        publish=True,
    )
    for kind in XML_KINDS:
        for path in feed_paths(kind):
            response = client.get(path)
            assert response.status_code == 200, path
            strictly_parsed(response.data)
            parsed = feedparser.parse(response.data)
            assert not parsed.bozo, (path, parsed.get("bozo_exception"))
            assert len(parsed.entries) == 2
            titles = [entry.title for entry in parsed.entries]
            assert any(t.startswith("Bell ]]> <b>not bold</b>  lone \U0001f600") for t in titles)
            assert "Typed in the editor: ]]> \U0001f600 \u0645\u0631\u062d\u0628\u0627" in titles
    for path in feed_paths("json"):
        document = json.loads(client.get(path).data)
        assert len(document["items"]) == 2


def test_what_no_database_can_store_still_never_breaks_a_feed(app, db):
    """A lone surrogate cannot be saved (the editor refuses it, UTF-8 cannot encode it), so it is
    tried on a post built in memory; a title longer than the column allows is tried so too."""
    author = UserFactory(username="writer")
    post = Post(
        title="Lone \ud800 surrogate " + "\u05d0" * 300,
        description="\udfff and \x00 NUL",
        body="",
        body_html="<p>\ud83d half an emoji ]]></p>",
        slug="in-memory",
        author=author,
        published_at=utcnow(),
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    entry = building.Entry.of(post, "http://localhost/posts/in-memory", "http://localhost/@w")
    channel = building.Channel(
        "T",
        "D",
        "http://localhost/",
        "http://localhost/feed.atom",
        utcnow(),
        [entry],
        hub="http://hub.example/",
    )
    for document in (building.atom(channel), building.rss(channel)):
        strictly_parsed(document)
        parsed = feedparser.parse(document)
        assert not parsed.bozo
        assert parsed.entries[0].title == "Lone  surrogate " + "\u05d0" * 300
    with pytest.raises(ValidationError):
        posts.create_post(author, title="Lone \ud800", body="b", description="d")


def test_json_feed_has_the_fields_its_spec_requires(client, writer):
    PostFactory(author=writer, title="In JSON", tags=["json"])
    response = client.get("/feed.json")
    assert response.mimetype == "application/feed+json"
    document = json.loads(response.data)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Blog"
    assert document["feed_url"] == "http://localhost/feed.json"
    [item] = document["items"]
    assert item["id"] == item["url"] == "http://localhost/posts/post-" + item["url"].split("-")[-1]
    assert item["title"] == "In JSON"
    assert item["content_html"].startswith("<p>")
    assert item["authors"] == [{"name": "writer", "url": "http://localhost/@writer"}]
    assert item["tags"] == ["json"]


def test_a_summary_is_text_in_every_format_even_where_readers_read_html(client, writer):
    """RSS has no types and readers take a description as HTML: a summary goes in escaped, so
    it shows as typed and what looks like markup in it never runs."""
    summary = "A <script>alert(1)</script> & <b>bold</b>"
    posts.create_post(writer, title="T", description=summary, body="b", publish=True)
    unsanitised = {"sanitize_html": False, "resolve_relative_uris": False}
    [rss] = feedparser.parse(client.get("/feed.rss").data, **unsanitised).entries
    assert rss.summary_detail.type == "text/html"
    assert lxml.html.fragment_fromstring(rss.summary, create_parent="div").text_content() == summary
    [atom] = feedparser.parse(client.get("/feed.atom").data, **unsanitised).entries
    assert (atom.summary_detail.type, atom.summary) == ("text/plain", summary)
    [item] = json.loads(client.get("/feed.json").data)["items"]
    assert item["summary"] == summary


def test_entries_carry_author_dates_summary_and_html_with_absolute_links(client, writer):
    post = posts.create_post(
        writer,
        title="Links",
        description="What it is about",
        body="[relative](/posts/elsewhere) and ![picture](/static/favicon.svg)",
        tags=["links"],
        publish=True,
    )
    parsed = feedparser.parse(client.get("/feed.atom").data)
    [entry] = parsed.entries
    assert entry.link == f"http://localhost/posts/{post.slug}"
    assert entry.author == "writer"
    assert entry.summary == "What it is about"
    assert entry.published_parsed[:6] == post.published_at.timetuple()[:6]
    assert entry.updated_parsed[:6] == post.updated_at.timetuple()[:6]
    content = lxml.html.fragment_fromstring(entry.content[0].value, create_parent="div")
    assert [a.get("href") for a in content.iter("a")] == ["http://localhost/posts/elsewhere"]
    assert [i.get("src") for i in content.iter("img")] == ["http://localhost/static/favicon.svg"]
    rss = feedparser.parse(client.get("/feed.rss").data)
    assert rss.entries[0].link == f"http://localhost/posts/{post.slug}"
    assert rss.entries[0].author == "writer"
    assert "http://localhost/posts/elsewhere" in rss.entries[0].content[0].value


def test_links_are_on_site_url_when_it_is_set(settings, client, writer):
    settings(SITE_URL="https://blog.example.org")
    post = PostFactory(author=writer)
    parsed = feedparser.parse(client.get("/@writer/feed.rss").data)
    assert parsed.entries[0].link == f"https://blog.example.org/posts/{post.slug}"
    assert parsed.feed.link == "https://blog.example.org/@writer"


def test_drafts_never_appear_and_only_the_newest_feed_posts_do(settings, client, writer):
    settings(FEED_POSTS=2)
    for n in range(3):
        PostFactory(author=writer, title=f"Old {n}", published_at=utcnow() - timedelta(days=5 - n))
    DraftFactory(author=writer, title="Secret draft", tags=["hostile"])
    PostFactory(author=writer, title="Public", tags=["hostile"])
    for kind in KINDS:
        for path in feed_paths(kind):
            body = client.get(path).data.decode()
            assert "Secret draft" not in body
    titles = [e.title for e in feedparser.parse(client.get("/feed.atom").data).entries]
    assert titles == ["Public", "Old 2"]
    tag_titles = [
        e.title for e in feedparser.parse(client.get("/tags/hostile/feed.atom").data).entries
    ]
    assert tag_titles == ["Public"]


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_tags_and_authors_and_draft_only_tags_are_not_found(client, writer, kind):
    DraftFactory(author=writer, tags=["unpublished"])
    assert client.get(f"/tags/nothing/feed.{kind}").status_code == 404
    assert client.get(f"/tags/unpublished/feed.{kind}").status_code == 404
    assert client.get(f"/@nobody/feed.{kind}").status_code == 404
    assert client.get("/feed.xml").status_code == 404


def test_an_empty_blog_has_valid_empty_feeds(client, db):
    for kind in XML_KINDS:
        parsed = feedparser.parse(client.get(f"/feed.{kind}").data)
        assert not parsed.bozo and parsed.entries == []
    assert json.loads(client.get("/feed.json").data)["items"] == []


@pytest.mark.parametrize("kind", KINDS)
def test_polling_again_unchanged_is_a_304_until_a_post_changes(client, writer, kind):
    post = PostFactory(author=writer)
    first = client.get(f"/feed.{kind}")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(f"/feed.{kind}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    since = client.get(f"/feed.{kind}", headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304
    posts.update_post(post, writer, {"title": "Changed title"})
    changed = client.get(f"/feed.{kind}", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert b"Changed title" in changed.data
    assert changed.headers["ETag"] != etag


def _backdate_last_write(db, hours: int) -> None:
    """As if the last write were ``hours`` ago (HTTP dates count whole seconds: a test's writes
    would otherwise all fall in one)."""
    db.session.execute(
        sa.update(content_version).values(changed_at=utcnow() - timedelta(hours=hours))
    )
    db.session.commit()


@pytest.mark.parametrize("path", ["/feed.atom", "/feed.rss", "/feed.json", "/sitemap.xml"])
def test_removing_the_newest_post_is_a_change_to_a_reader_asking_if_modified_since(
    client, db, writer, path
):
    """The newest post's time would go back when it is removed, and a reader that sends only
    ``If-Modified-Since`` would be told nothing changed, and keep showing the removed post."""
    two_days_ago, a_day_ago = utcnow() - timedelta(days=2), utcnow() - timedelta(days=1)
    PostFactory(author=writer, published_at=two_days_ago, updated_at=two_days_ago)
    newest = PostFactory(author=writer, published_at=a_day_ago, updated_at=a_day_ago)
    _backdate_last_write(db, hours=3)  # after both were published, as it would be
    last_modified = client.get(path).headers["Last-Modified"]
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 304
    posts.delete_post(newest, writer)
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 200


@pytest.mark.parametrize(
    "setting",
    [{"SITE_URL": "https://blog.example.org"}, {"BLOG_TITLE": "Renamed"}, {"FEED_POSTS": 5}],
)
def test_a_setting_the_document_depends_on_changes_its_etag(settings, client, writer, setting):
    PostFactory(author=writer)
    etag = client.get("/feed.atom").headers["ETag"]
    settings(**setting)
    again = client.get("/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag


def test_each_feed_has_an_etag_of_its_own(client, writer):
    PostFactory(author=writer, tags=["hostile"])
    etags = {client.get(path).headers["ETag"] for kind in KINDS for path in feed_paths(kind)}
    assert len(etags) == 9


def test_a_feed_costs_the_same_statements_for_one_post_or_many(
    settings, client, writer, count_statements
):
    settings(FEED_POSTS=50)
    PostFactory(author=writer, tags=["hostile", "more"])
    counts = {}
    for size in (1, 30):
        while len(client.get("/feed.json").get_json()["items"]) < size:
            PostFactory(author=UserFactory(), tags=["hostile", "more"])
        for path in ("/feed.atom", "/tags/hostile/feed.rss", "/@writer/feed.json"):
            with count_statements() as counted:
                assert client.get(path).status_code == 200
            counts[(size, path)] = counted.total
    for path in ("/feed.atom", "/tags/hostile/feed.rss", "/@writer/feed.json"):
        assert counts[(1, path)] == counts[(30, path)], path


def test_home_tag_and_author_pages_offer_their_feeds_for_autodiscovery(client, writer):
    PostFactory(author=writer, tags=["hostile"])
    for page, feeds in {
        "/": "/feed.",
        "/tags/hostile": "/tags/hostile/feed.",
        "/@writer": "/@writer/feed.",
    }.items():
        document = lxml.html.fromstring(client.get(page).data)
        links = document.xpath('//head/link[@rel="alternate"]')
        assert {(link.get("type"), link.get("href")) for link in links} == {
            ("application/atom+xml", feeds + "atom"),
            ("application/rss+xml", feeds + "rss"),
            ("application/feed+json", feeds + "json"),
        }
        for link in links:
            assert client.get(link.get("href")).status_code == 200
    error_page = lxml.html.fromstring(client.get("/tags/missing").data)
    assert error_page.xpath('//head/link[@rel="alternate"]') == []


@pytest.mark.parametrize("value", [0, 101, "20"])
def test_a_feed_size_outside_1_to_100_is_refused_at_start(value):
    from blog.config import setting_problem

    problem = setting_problem({"FEED_POSTS": value, "LOG_LEVEL": "INFO"})
    assert problem == "FEED_POSTS must be between 1 and 100"
