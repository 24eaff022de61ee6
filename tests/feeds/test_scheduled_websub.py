"""WebSub and scheduled posts: scheduling, rescheduling or cancelling pings nothing (no feed
changed); the first request after the time tells the hub, once, whichever process serves it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from blog import caching
from blog.domain import posts
from blog.models import content_version
from tests.clock import clock_fixture  # noqa: F401
from tests.factories import UserFactory
from tests.feeds.test_websub import feeds_of, hub, pinged_urls, wait_for_pings


def schedule(writer, clock, **fields):
    return posts.create_post(
        writer,
        title="Launch",
        body="b",
        description="d",
        tags=["news"],
        publish_at=clock.now + timedelta(hours=1),
        **fields,
    )


def test_scheduling_rescheduling_and_cancelling_ping_nothing(settings, client, db, clock):
    writer = UserFactory(username="writer")
    with hub() as (url, received):
        settings(WEBSUB_HUB=url)
        post = schedule(writer, clock)
        posts.update_post(post, writer, {"publish_at": clock.now + timedelta(days=1)})
        posts.update_post(post, writer, {"publish": False})
        wait_for_pings()
        assert received.empty()


def test_the_first_request_after_its_time_pings_once(settings, app, client, db, clock):
    writer = UserFactory(username="writer")
    with hub() as (url, received):
        settings(WEBSUB_HUB=url)
        post = schedule(writer, clock)
        assert client.get("/").status_code == 200
        wait_for_pings()
        assert received.empty()  # not yet its time
        clock.advance(hours=1, minutes=1)
        assert client.get("/").status_code == 200
        assert pinged_urls(received, 9) == feeds_of("/", "/tags/news/", "/@writer/")
        wait_for_pings()
        changed_at = db.session.scalar(sa.select(content_version.c.changed_at))
        assert changed_at == post.published_at  # claimed: no other process pings again
        with app.test_request_context("/"):
            assert caching.gone_live_since_last_write() is None
            caching.current_content_version()
            assert caching.gone_live_since_last_write() is None
        assert client.get("/").status_code == 200
        wait_for_pings()
        assert received.empty()
