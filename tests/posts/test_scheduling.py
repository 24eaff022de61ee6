"""A scheduled post is absent everywhere until its time, and then present everywhere by itself:
no job runs, only the clock moves (``tests.clock``). Each place a reader can find a post is
checked both ways: a rule broken in one of them fails its own test."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from blog import caching
from blog.domain import posts, queries
from blog.extensions import cache, db
from blog.models import Post, PostStatus
from tests.clock import clock_fixture  # noqa: F401
from tests.factories import PostFactory, UserFactory
from tests.helpers import AuthActions, app_on

TITLE = "Zeppelin launch"


def schedule(author, clock, hours=1, **fields):
    values = {"title": TITLE, "description": "Soon.", "body": "The zeppelin flies.", **fields}
    values.setdefault("tags", ["aviation", "news"])
    return posts.create_post(author, **values, publish_at=clock.now + timedelta(hours=hours))


@pytest.fixture
def writer(db):
    return UserFactory(username="writer")


@pytest.fixture
def scheduled(writer, clock):
    PostFactory(author=writer, title="Older news", tags=["news"])
    return schedule(writer, clock)


def _sitemap_text(client) -> str:
    index = client.get("/sitemap.xml").get_data(as_text=True)
    children = re.findall(r"<loc>http://localhost(/sitemaps/[^<]+)</loc>", index)
    return "".join(client.get(path).get_data(as_text=True) for path in children)


PLACES = {
    "home": lambda c: TITLE in c.get("/").get_data(as_text=True),
    "tag page": lambda c: TITLE in c.get("/tags/news").get_data(as_text=True),
    "tag only it carries": lambda c: c.get("/tags/aviation").status_code == 200,
    "author page": lambda c: TITLE in c.get("/@writer").get_data(as_text=True),
    "month archive": lambda c: TITLE in c.get(_month_path()).get_data(as_text=True),
    "post page": lambda c: c.get("/posts/zeppelin-launch").status_code == 200,
    "site feed": lambda c: TITLE in c.get("/feed.atom").get_data(as_text=True),
    "tag feed": lambda c: TITLE in c.get("/tags/news/feed.rss").get_data(as_text=True),
    "author feed": lambda c: TITLE in c.get("/@writer/feed.json").get_data(as_text=True),
    "sitemap": lambda c: "/posts/zeppelin-launch" in _sitemap_text(c),
    "search": lambda c: (
        "/posts/zeppelin-launch" in c.get("/search?q=zeppelin").get_data(as_text=True)
    ),
    "api list": lambda c: TITLE in c.get("/api/articles").get_data(as_text=True),
    "api search": lambda c: TITLE in c.get("/api/articles?q=zeppelin").get_data(as_text=True),
    "api by tag": lambda c: c.get("/api/articles?tag=aviation").json["articlesCount"] == 1,
    "api article": lambda c: c.get("/api/articles/zeppelin-launch").status_code == 200,
    "api tags": lambda c: "aviation" in c.get("/api/tags").json["tags"],
    "tag counts": lambda c: ("news", 2) in queries.popular_tags(),
    "month counts": lambda c: sum(n for _, _, n in queries.archive_months()) == 2,
}


def _month_path() -> str:
    published = db.session.scalar(
        sa.select(Post.published_at).where(Post.slug == "zeppelin-launch")
    )
    return f"/archive/{published.year}/{published.month}"


@pytest.mark.parametrize("place", PLACES)
def test_absent_before_its_time_and_present_after(client, scheduled, clock, place):
    found = PLACES[place]
    assert not found(client)
    clock.advance(hours=1)
    assert found(client)


def test_the_author_sees_it_as_scheduled_in_their_list_and_on_its_page(client, writer, scheduled):
    AuthActions(client).login("writer")
    listing = client.get("/@writer").get_data(as_text=True)
    assert TITLE in listing
    assert re.search(r'Scheduled for <time datetime="[^"]+\+00:00" data-local-time>', listing)
    page = client.get("/posts/zeppelin-launch")
    assert page.status_code == 200
    assert "Scheduled for" in page.get_data(as_text=True)
    assert "noindex" in page.get_data(as_text=True)


def test_an_admin_may_open_it_before_its_time_another_reader_may_not(client, scheduled):
    UserFactory(username="boss", is_admin=True)
    UserFactory(username="reader")
    auth = AuthActions(client)
    auth.login("reader")
    assert client.get("/posts/zeppelin-launch").status_code == 404
    auth.logout()
    auth.login("boss")
    assert client.get("/posts/zeppelin-launch").status_code == 200


def test_once_live_it_shows_its_scheduled_time_as_its_date(client, scheduled, clock):
    clock.advance(hours=2)
    page = client.get("/posts/zeppelin-launch").get_data(as_text=True)
    assert f'<time datetime="{scheduled.published_at.isoformat()}">' in page
    assert "Scheduled for" not in page and "Updated" not in page


def test_favorites_wait_for_its_time(client, scheduled, clock):
    UserFactory(username="alice")
    AuthActions(client).login("alice")
    assert client.post("/posts/zeppelin-launch/favorite").status_code == 404
    clock.advance(hours=1)
    assert client.post("/posts/zeppelin-launch/favorite").status_code == 302


# The editor


def editor_data(**fields):
    return {"title": TITLE, "description": "Soon.", "body": "The zeppelin flies.", **fields}


def test_the_editor_schedules_in_the_authors_time_zone(client, writer, clock):
    AuthActions(client).login("writer")
    form = client.get("/write").get_data(as_text=True)
    assert 'type="datetime-local"' in form and 'name="publish_at"' in form
    assert "Times are in UTC" in form  # until the script says the browser's zone
    local = (clock.now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/write", data=editor_data(publish_at=local, utc_offset="120", publish="Publish")
    )
    assert response.status_code == 302
    post = db.session.scalar(sa.select(Post))
    assert post.published_at == clock.now.replace(second=0) + timedelta(days=1, hours=-2)
    assert post.is_scheduled


def test_without_an_offset_the_time_is_utc(client, writer, clock):
    AuthActions(client).login("writer")
    local = (clock.now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post("/write", data=editor_data(publish_at=local, publish="Publish"))
    post = db.session.scalar(sa.select(Post))
    assert post.published_at == clock.now.replace(second=0) + timedelta(days=1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"publish_at": "soon"}, "Not a valid datetime value."),
        ({"publish_at": "2027-01-01T10:00", "utc_offset": "9999"}, "time zone offset"),
        ({"publish_at": "2099-01-01T10:00"}, "Publish at can be at most 5 years ahead"),
    ],
)
def test_a_bad_time_is_said_on_the_form_and_nothing_is_saved(
    client, writer, clock, fields, message
):
    AuthActions(client).login("writer")
    response = client.post("/write", data=editor_data(**fields, publish="Publish"))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


def test_the_editor_of_a_scheduled_post_offers_to_change_or_cancel(client, writer, scheduled):
    AuthActions(client).login("writer")
    page = client.get("/posts/zeppelin-launch/edit").get_data(as_text=True)
    saved = scheduled.published_at.strftime("%Y-%m-%dT%H:%M")
    assert f'value="{saved}"' in page  # in UTC, which the script turns into local time
    for label in ("Cancel schedule", "Publish now", "Reschedule"):
        assert f'value="{label}"' in page


def test_rescheduling_from_the_editor(client, writer, scheduled, clock):
    AuthActions(client).login("writer")
    later = (clock.now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        "/posts/zeppelin-launch/edit", data=editor_data(publish_at=later, publish="Reschedule")
    )
    db.session.refresh(scheduled)
    assert scheduled.published_at == clock.now.replace(second=0) + timedelta(days=3)


def test_cancelling_from_the_editor_makes_a_draft(client, writer, scheduled, clock):
    AuthActions(client).login("writer")
    client.post("/posts/zeppelin-launch/edit", data=editor_data(save_draft="Cancel schedule"))
    db.session.refresh(scheduled)
    assert scheduled.status is PostStatus.DRAFT and scheduled.published_at is None
    clock.advance(hours=2)
    assert TITLE not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/posts/zeppelin-launch/edit", editor_data(publish_now="Publish now")),
        ("/posts/zeppelin-launch/publish", {}),
    ],
)
def test_publishing_now_from_the_editor_or_the_post_page(client, writer, scheduled, path, data):
    auth = AuthActions(client)
    auth.login("writer")
    response = client.post(path, data=data, follow_redirects=True)
    assert "Published." in response.get_data(as_text=True)
    auth.logout()
    assert TITLE in client.get("/").get_data(as_text=True)


def test_a_public_post_has_no_schedule_field(client, writer):
    PostFactory(author=writer, slug="live")
    AuthActions(client).login("writer")
    assert 'name="publish_at"' not in client.get("/posts/live/edit").get_data(as_text=True)


# Caches: values, ETags and Last-Modified computed before its time must not outlive it.


@pytest.fixture
def cached(database_url, clock):
    with app_on(database_url, CACHE_TYPE="SimpleCache") as app:
        writer = UserFactory(username="writer")
        PostFactory(author=writer, title="Older news", tags=["news"])
        schedule(writer, clock)
        yield app


def test_cached_tag_counts_change_at_its_time(cached, clock):
    client = cached.test_client()
    assert client.get("/api/tags").json["tags"] == ["news"]
    assert client.get("/api/tags").json["tags"] == ["news"]  # from the cache now
    clock.advance(hours=1)
    assert client.get("/api/tags").json["tags"] == ["news", "aviation"]
    with cached.test_request_context("/"):
        assert queries.popular_tags() == [("news", 2), ("aviation", 1)]


@pytest.mark.parametrize("path", ["/feed.atom", "/tags/news/feed.json", "/sitemap.xml"])
def test_a_cached_feed_or_sitemap_and_its_validators_change_at_its_time(cached, clock, path):
    client = cached.test_client()
    before = client.get(path)
    etag = before.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    went_live = clock.advance(hours=1)
    clock.advance(seconds=5)
    after = client.get(path, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert after.last_modified == went_live > before.last_modified
    since = {"If-Modified-Since": before.headers["Last-Modified"]}
    assert client.get(path, headers=since).status_code == 200


@pytest.mark.parametrize("path", ["/feed.atom", "/tags/news/feed.json"])
def test_a_cached_feed_lists_it_after_its_time(cached, clock, path):
    client = cached.test_client()
    assert TITLE not in client.get(path).get_data(as_text=True)
    clock.advance(hours=1)
    assert TITLE in client.get(path).get_data(as_text=True)


def test_the_cached_sitemap_lists_it_after_its_time(cached, clock):
    client = cached.test_client()
    assert "/posts/zeppelin-launch" not in _sitemap_text(client)
    clock.advance(hours=1)
    assert "/posts/zeppelin-launch" in _sitemap_text(client)


def _dashboard_count(client, label: str) -> int:
    page = client.get("/admin/").get_data(as_text=True)
    return int(re.search(rf'(\d+)</span><span class="admin-count-label">{label}<', page).group(1))


def test_the_admin_dashboard_counts_scheduled_posts_apart(client, scheduled, clock):
    UserFactory(username="boss", is_admin=True)
    AuthActions(client).login("boss")
    assert _dashboard_count(client, "Published posts") == 1
    assert _dashboard_count(client, "Scheduled posts") == 1
    clock.advance(hours=1)
    assert _dashboard_count(client, "Published posts") == 2
    assert _dashboard_count(client, "Scheduled posts") == 0


def test_a_value_computed_across_its_time_is_not_kept_under_the_version_before(cached, clock):
    """The version is read, then the value computed: a post going live in between may be in the
    value, which must not be served as the value from before its time."""

    def compute_while_the_time_passes():
        clock.advance(hours=1)
        return "with the post"

    with cached.test_request_context("/"):
        version = caching.current_content_version()
        assert caching.remember("kept", lambda: "computed") == "computed"
        assert cache.get(f"kept@{version}") == "computed"
    with cached.test_request_context("/"):
        assert caching.current_content_version() == version
        assert caching.remember("across", compute_while_the_time_passes) == "with the post"
        assert cache.get(f"across@{version}") is None
