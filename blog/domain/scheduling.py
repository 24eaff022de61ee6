"""Scheduled posts: published by their author for a time still to come.

A scheduled post is an ordinary published post whose ``published_at`` lies ahead: no status of
its own, no job to run at its time. :attr:`blog.models.Post.is_public` compares that time with
the clock (:func:`blog.models.utcnow`) in Python and in every statement, so the post appears
everywhere the moment its time passes, and caches know it (:mod:`blog.caching`).

The rules, for the site's editor and the API alike:

- a time must carry its offset (an aware datetime, or ISO 8601 such as
  ``2030-01-31T09:00:00+01:00``); a naive one is refused, as there is no telling whose 9 o'clock
  it means. It is stored in UTC;
- a time already past (or now) publishes at once; at most :data:`SCHEDULE_AHEAD_MAX` ahead;
- a post already public can't be scheduled again (unpublish it first): its readers have seen it;
- cancelling (``publish`` false) makes it a draft again, forgetting the time it never reached;
  ``publish_at`` None (or publishing without a time) publishes it now.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from blog.domain.errors import ValidationError
from blog.models import Post, PostStatus

FIELD = "publish_at"
SCHEDULE_AHEAD_MAX = timedelta(days=5 * 366)
"""How far ahead a post may be scheduled: far enough for any plan, near enough to be a typo's
bound (a year 20300 would hide a post for good)."""


def clean_publish_at(value: Any, now: datetime) -> datetime | None:
    """The UTC time ``value`` names if it is still ahead, None for "now" (None, or past)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError.single(
                FIELD, "must be a date and time in ISO 8601, e.g. 2030-01-31T09:00:00+01:00"
            ) from None
    if not isinstance(value, datetime):
        raise ValidationError.single(FIELD, "must be a date and time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError.single(
            FIELD, "needs a time zone offset, e.g. 2030-01-31T09:00:00+01:00 or ...Z for UTC"
        )
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        raise ValidationError.single(FIELD, "is out of range") from None
    if moment > now + SCHEDULE_AHEAD_MAX:
        raise ValidationError.single(
            FIELD, f"can be at most {SCHEDULE_AHEAD_MAX.days // 366} years ahead"
        )
    return moment.replace(microsecond=0) if moment > now else None


def schedule(post: Post, moment: datetime) -> None:
    """Publish ``post`` at ``moment`` (ahead of now, from :func:`clean_publish_at`; a public
    post was refused by :func:`read_changes`)."""
    post.status = PostStatus.PUBLISHED
    post.published_at = moment


def cancel(post: Post) -> None:
    """A scheduled post back to a draft; its time, never reached, is forgotten (a post once
    public and unpublished keeps its first date, as :func:`blog.domain.posts.update_post` says)."""
    post.status = PostStatus.DRAFT
    post.published_at = None


def publish_now(post: Post, now: datetime) -> None:
    """A scheduled post published at once: its date is now, not the time it was waiting for."""
    post.published_at = now


def read_changes(
    post: Post | None, changes: dict[str, Any], now: datetime
) -> tuple[bool | None, datetime | None]:
    """``(publish, moment)`` from an editor's or a client's changes, checked before anything
    changes: whether to publish (None: not asked), and the time ahead to publish at (None:
    now). A ``publish_at`` given, even empty or past, asks to publish, unless ``publish`` is
    false (saving a draft)."""
    moment = clean_publish_at(changes.get(FIELD), now)
    publish = bool(changes["publish"]) if "publish" in changes else None
    if FIELD in changes and publish is not False:
        publish = True
    if publish and moment is not None and post is not None and post.is_public:
        raise ValidationError.single(
            FIELD, "can't be set: the post is already published (unpublish it first)"
        )
    return publish, (moment if publish else None)


def apply(post: Post, publish: bool | None, moment: datetime | None, now: datetime) -> bool:
    """Schedule ``post`` for ``moment``, or publish a scheduled post now; True when its time
    changed. (Drafts published now and posts unpublished are :func:`blog.domain.posts`'s.)"""
    if publish and moment is not None:
        if post.is_scheduled and post.published_at == moment:
            return False
        schedule(post, moment)
        return True
    if publish and post.is_scheduled:
        publish_now(post, now)
        return True
    return False
