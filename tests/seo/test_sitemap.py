"""The sitemap index, its child sitemaps and robots.txt."""

import urllib.robotparser
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET  # nosec B405

import pytest

from tests.factories import DraftFactory, PostFactory, UserFactory

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _xml(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/xml"
    return ET.fromstring(response.data)  # nosec B314


def _children(client) -> list[str]:
    root = _xml(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    return [loc.text for loc in root.findall("s:sitemap/s:loc", NS)]


def _locs(client, url: str) -> list[str]:
    root = _xml(client, url.removeprefix("http://localhost"))
    assert root.tag == f"{{{NS['s']}}}urlset"
    return [loc.text for loc in root.findall("s:url/s:loc", NS)]


@pytest.fixture
def blog(db, settings):
    settings(SITEMAP_URLS_PER_FILE=3)
    author = UserFactory(username="writer")
    posts = []
    for n in range(7):
        posts.append(PostFactory(author=author, slug=f"public-{n}", tags=[f"tag{n % 2}"]))
        DraftFactory(author=author, slug=f"draft-{n}", tags=["secret"])
    return posts


def test_posts_are_split_into_blocks_of_ids_by_the_setting_and_each_appears_once(client, blog):
    """A file holds the public posts of one block of 3 ids (the setting): here drafts were
    written between them, so a block holds one or two; a block with none has no file."""
    blocks: dict[int, list[str]] = {}
    for post in blog:
        blocks.setdefault((post.id - 1) // 3, []).append(f"http://localhost/posts/{post.slug}")
    children = _children(client)
    post_files = [url for url in children if "/sitemaps/posts-" in url]
    listed = [_locs(client, url) for url in post_files]
    assert listed == [blocks[block] for block in sorted(blocks)]
    assert len(listed) > 7 // 3 + 1  # more files than 7 posts in files of 3 would need
    every = [url for urls in listed for url in urls]
    assert sorted(every) == sorted(f"http://localhost/posts/public-{n}" for n in range(7))


def test_tags_and_authors_with_a_public_post_are_listed_and_drafts_never(client, blog, db):
    UserFactory(username="silent")
    disabled = UserFactory(username="gone", is_disabled=True)
    PostFactory(author=disabled, slug="by-the-gone")
    children = _children(client)
    tags = [u for url in children if "/sitemaps/tags-" in url for u in _locs(client, url)]
    authors = [u for url in children if "/sitemaps/authors-" in url for u in _locs(client, url)]
    assert tags == ["http://localhost/tags/tag0", "http://localhost/tags/tag1"]
    assert authors == ["http://localhost/@writer"]
    everything = " ".join(u for url in children for u in _locs(client, url))
    assert "draft-" not in everything and "secret" not in everything


def test_lastmod_is_the_last_change(client, db, blog):
    edited = blog[0]
    edited.updated_at = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
    db.session.commit()
    index = _xml(client, "/sitemap.xml")
    first = index.find("s:sitemap", NS)
    assert first.find("s:loc", NS).text.startswith("http://localhost/sitemaps/posts-")
    assert first.find("s:lastmod", NS).text == "2030-05-06T07:08:09+00:00"
    child = _xml(client, first.find("s:loc", NS).text.removeprefix("http://localhost"))
    stamps = {
        url.find("s:loc", NS).text: url.find("s:lastmod", NS).text
        for url in child.findall("s:url", NS)
    }
    assert stamps["http://localhost/posts/public-0"] == "2030-05-06T07:08:09+00:00"
    second = blog[1].updated_at.astimezone(UTC).isoformat(timespec="seconds")
    assert stamps["http://localhost/posts/public-1"] == second


def test_a_tag_or_author_page_changed_last_with_its_newest_public_post(client, db):
    author = UserFactory(username="writer")
    newest = datetime(2020, 3, 4, 5, 6, 7, tzinfo=UTC)
    PostFactory(author=author, tags=["t"], published_at=newest - timedelta(days=9))
    PostFactory(author=author, tags=["t"], published_at=newest)
    PostFactory(author=author, tags=["t"], published_at=datetime.now(UTC) + timedelta(days=1))
    DraftFactory(author=author, tags=["t"])
    children = _children(client)
    for kind, loc in (("tags", "http://localhost/tags/t"), ("authors", "http://localhost/@writer")):
        (url,) = [url for url in children if f"/sitemaps/{kind}-" in url]
        child = _xml(client, url.removeprefix("http://localhost"))
        (entry,) = child.findall("s:url", NS)
        assert entry.find("s:loc", NS).text == loc
        assert entry.find("s:lastmod", NS).text == "2020-03-04T05:06:07+00:00"


def test_urls_are_on_site_url_and_names_are_escaped(client, db, settings):
    settings(SITE_URL="https://blog.example/")
    PostFactory(slug="a&b<c>", tags=["r&d"])
    children = _children(client)
    assert all(url.startswith("https://blog.example/sitemaps/") for url in children)
    locs = [u for url in children for u in _locs(client, url.removeprefix("https://blog.example"))]
    assert "https://blog.example/posts/a&b%3Cc%3E" in locs
    assert "https://blog.example/tags/r&d" in locs


def test_a_range_without_public_posts_or_a_malformed_one_is_not_found(client, blog):
    assert client.get("/sitemaps/posts-999999-9999999.xml").status_code == 404
    assert client.get("/sitemaps/posts-5-1.xml").status_code == 404
    assert client.get("/sitemaps/pages-1-5.xml").status_code == 404
    assert client.get("/sitemaps/posts-x-5.xml").status_code == 404


def test_a_forged_wide_range_still_holds_at_most_the_limit(client, blog):
    assert len(_locs(client, "/sitemaps/posts-1-99999999.xml")) == 3


def test_an_empty_blog_has_an_empty_index(client, db):
    assert _children(client) == []


def test_the_sitemap_may_be_kept_a_few_minutes_and_asked_for_again(client, blog):
    response = client.get("/sitemap.xml")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    again = client.get("/sitemap.xml", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    PostFactory(slug="newer", updated_at=datetime.now(UTC) + timedelta(seconds=1))
    changed = client.get("/sitemap.xml", headers={"If-None-Match": response.headers["ETag"]})
    assert changed.status_code == 200


def test_robots_names_the_sitemap_and_keeps_crawlers_out_of_private_pages(client, settings):
    settings(SITE_URL="https://blog.example")
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "Sitemap: https://blog.example/sitemap.xml" in lines
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/settings", "/write", "/posts/*/edit", "/search", "/api/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines


def test_robots_lets_crawlers_read_the_feeds_and_the_public_pages(client):
    rules = urllib.robotparser.RobotFileParser()
    rules.parse(client.get("/robots.txt").get_data(as_text=True).splitlines())
    for path in (
        "/",
        "/feed.atom",
        "/feed.rss",
        "/feed.json",
        "/tags/x/feed.atom",
        "/@a/feed.json",
    ):
        assert rules.can_fetch("AnyBot", path), path
    for path in ("/admin/", "/settings", "/write", "/login", "/api/articles"):
        assert not rules.can_fetch("AnyBot", path), path


def test_statements_stay_the_same_with_more_posts(client, db, settings, count_statements):
    settings(SITEMAP_URLS_PER_FILE=3)
    PostFactory(tags=["one"])

    def counted() -> list[int]:
        totals = []
        with count_statements() as index:
            children = _children(client)
        totals.append(index.total)
        for url in children:
            with count_statements() as child:
                _locs(client, url)
            totals.append(child.total)
        return totals

    few = counted()
    for n in range(8):
        PostFactory(tags=[f"more{n}"])
    many = counted()
    assert max(many) == max(few) and max(many) <= 5
