"""The rules of scheduled posts, in the domain: a time with its offset, stored in UTC; a time
past publishes now; bounded ahead; public from its time on, in Python and in SQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from blog.domain import posts, scheduling
from blog.domain.errors import ValidationError
from blog.domain.permissions import can_view_post
from blog.domain.slugs import is_private_slug
from blog.extensions import db
from blog.models import Post, PostStatus
from tests.clock import clock_fixture  # noqa: F401
from tests.factories import UserFactory


@pytest.fixture
def author(db):
    return UserFactory(username="writer")


def write(author, **fields):
    values = {"title": "Launch day", "body": "The news.", "description": "Soon.", **fields}
    return posts.create_post(author, **values)


def public_in_sql(post: Post) -> bool:
    return bool(db.session.scalar(sa.select(Post.is_public).where(Post.id == post.id)))


def test_a_scheduled_post_is_published_but_not_public_until_its_time(author, clock):
    post = write(author, publish_at=clock.now + timedelta(hours=1))
    assert post.status is PostStatus.PUBLISHED
    assert post.is_scheduled and not post.is_public and not public_in_sql(post)
    assert not is_private_slug(post.slug)  # its address is ready for its time
    clock.advance(minutes=59, seconds=59)
    assert not post.is_public and not public_in_sql(post)
    clock.advance(seconds=1)
    assert post.is_public and public_in_sql(post) and not post.is_scheduled


def test_the_time_is_stored_in_utc_from_any_offset(author, clock):
    paris = timezone(timedelta(hours=1))
    local = (clock.now + timedelta(days=2)).astimezone(paris)
    post = write(author, publish_at=local)
    db.session.expire(post)
    assert post.published_at == local.astimezone(UTC)
    assert post.published_at.utcoffset() == timedelta(0)


def test_iso_8601_text_with_an_offset_is_read(author, clock):
    moment = (clock.now + timedelta(days=1)).replace(second=0)
    post = write(author, publish_at=moment.strftime("%Y-%m-%dT%H:%M:%S+02:00"))
    assert post.published_at == moment.replace(tzinfo=None).replace(tzinfo=UTC) - timedelta(hours=2)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (datetime(2030, 1, 31, 9, 0), "needs a time zone offset"),
        ("2030-01-31T09:00:00", "needs a time zone offset"),
        ("next tuesday", "must be a date and time in ISO 8601"),
        (12345, "must be a date and time"),
        ("0001-01-01T00:00:00+01:00", "is out of range"),
    ],
)
def test_a_time_without_an_offset_or_not_a_time_is_refused(author, value, message):
    with pytest.raises(ValidationError) as error:
        write(author, publish_at=value)
    assert error.value.errors["publish_at"][0].startswith(message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


def test_at_most_five_years_ahead(author, clock):
    write(author, publish_at=clock.now + scheduling.SCHEDULE_AHEAD_MAX)
    with pytest.raises(ValidationError) as error:
        write(author, title="Later", publish_at=clock.now + scheduling.SCHEDULE_AHEAD_MAX * 2)
    assert error.value.errors == {"publish_at": ["can be at most 5 years ahead"]}


def test_a_time_already_past_publishes_now(author, clock):
    post = write(author, publish_at=clock.now - timedelta(days=3))
    assert post.is_public
    assert post.published_at == clock.now


def test_rescheduling_moves_the_time(author, clock):
    post = write(author, publish_at=clock.now + timedelta(hours=1))
    later = clock.now + timedelta(days=1)
    posts.update_post(post, author, {"publish_at": later})
    assert post.published_at == later and post.is_scheduled


def test_cancelling_makes_a_draft_that_forgets_the_time(author, clock):
    post = write(author, publish_at=clock.now + timedelta(hours=1))
    posts.update_post(post, author, {"publish": False})
    assert post.status is PostStatus.DRAFT and post.published_at is None
    clock.advance(hours=2)
    assert not post.is_public and not public_in_sql(post)


@pytest.mark.parametrize("changes", [{"publish_at": None}, {"publish": True}])
def test_publishing_a_scheduled_post_now_dates_it_now(author, clock, changes):
    post = write(author, publish_at=clock.now + timedelta(days=1))
    clock.advance(minutes=5)
    posts.update_post(post, author, changes)
    assert post.is_public and post.published_at == clock.now
    assert not post.edited_since_published


def test_a_draft_can_be_scheduled_and_gets_its_public_slug(author, clock):
    draft = write(author)
    assert is_private_slug(draft.slug)
    posts.update_post(draft, author, {"publish": True, "publish_at": clock.now + timedelta(1)})
    assert draft.is_scheduled and draft.slug == "launch-day"


def test_a_public_post_cant_be_scheduled_again(author, clock):
    post = write(author, publish=True)
    with pytest.raises(ValidationError) as error:
        posts.update_post(
            post, author, {"title": "Changed", "publish_at": clock.now + timedelta(hours=1)}
        )
    assert "already published" in error.value.errors["publish_at"][0]
    db.session.rollback()
    assert post.is_public and post.title == "Launch day"


def test_saving_a_draft_with_a_time_keeps_it_a_draft(author, clock):
    post = write(author)
    posts.update_post(post, author, {"publish": False, "publish_at": clock.now + timedelta(1)})
    assert post.status is PostStatus.DRAFT and post.published_at is None


def test_an_edit_before_its_time_is_not_an_update_after_it(author, clock):
    post = write(author, publish_at=clock.now + timedelta(hours=1))
    clock.advance(minutes=10)
    posts.update_post(post, author, {"body": "Better news."})
    clock.advance(hours=1)
    assert post.is_public and not post.edited_since_published


def test_the_author_and_admins_see_it_before_its_time_no_one_else(author, clock):
    post = write(author, publish_at=clock.now + timedelta(hours=1))
    admin, reader = UserFactory(is_admin=True), UserFactory()
    assert can_view_post(author, post) and can_view_post(admin, post)
    assert not can_view_post(reader, post) and not can_view_post(None, post)
    clock.advance(hours=1)
    assert can_view_post(reader, post) and can_view_post(None, post)


def test_a_resent_schedule_is_the_same_post(author, clock):
    moment = clock.now + timedelta(hours=1)
    first, again = write(author, publish_at=moment), write(author, publish_at=moment)
    assert first.id == again.id
    other = write(author, publish_at=moment + timedelta(hours=1))
    assert other.id != first.id
