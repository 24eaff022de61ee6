"""How many public posts a list holds, without counting them: the totals of pagers and of the
API's ``articlesCount``, for every post, a tag's, an author's and the authors a reader follows.

Counting the rows of a list costs as much as the list is long: at a million posts, the home
page's "page 1 of 50,000" took longer than the page. So the database keeps the totals itself,
in :data:`~blog.models.post.post_counts` (scopes ``all``, ``tag:<id>`` and ``author:<id>``), with
triggers on ``posts`` and ``post_tags``: every statement that publishes, unpublishes, deletes,
tags or hands over a post (the app's, the CLI's, a bulk insert, a foreign-key cascade) moves
them in its own transaction, and no code path can forget to. The same triggers copy each post's
publication time onto its tag rows (``post_tags.published_at``), so a tag's page is read from
one index, in order.

The totals count published posts, scheduled ones included, because a scheduled post becomes
public with no write (:mod:`blog.domain.scheduling`); :func:`public_total` subtracts those
whose time hasn't come, which the publication-time indexes find without a scan (there are
few).

The triggers, in each database's dialect, are in :mod:`blog.domain.count_triggers`.

:func:`recount` sets every total and tag row from the posts themselves: the migrations that
brought the counts run it, and so does ``flask blog recount``. An author's total outlives the
author at zero (their posts go with them); ``recount`` drops it.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from blog.extensions import db
from blog.models import Post, PostTag, follows, post_counts, utcnow

ALL = "all"
"""The scope of the total of every post. The triggers' SQL below spells it, and
``PostStatus.PUBLISHED`` (``'published'``), as literals: a trigger takes no parameters."""


def tag_scope(tag_id: int) -> str:
    return f"tag:{tag_id}"


def author_scope(author_id: int | sa.ColumnElement[int]) -> str | sa.ColumnElement[str]:
    """The scope of an author's total, for an id or a column (or subquery) that holds one."""
    if isinstance(author_id, int):
        return f"author:{author_id}"
    return sa.literal("author:") + sa.cast(author_id, sa.String)


def recount(executor) -> None:
    """Set the tag rows' publication times and every total from the posts as they are."""
    bind = executor.get_bind() if hasattr(executor, "get_bind") else executor
    if bind.dialect.name == "postgresql":
        # What the triggers would add at the commit for the rows set here is counted below.
        executor.execute(sa.text("SET CONSTRAINTS ALL IMMEDIATE"))
    published = sa.case((Post.is_published, Post.published_at))
    executor.execute(
        sa.update(PostTag).values(
            published_at=sa.select(published).where(Post.id == PostTag.post_id).scalar_subquery()
        )
    )
    executor.execute(sa.delete(post_counts))
    everything = sa.select(sa.literal(ALL), sa.func.count()).where(Post.is_published)
    executor.execute(post_counts.insert().from_select(["scope", "published"], everything))
    per_tag = (
        sa.select(sa.literal("tag:") + sa.cast(PostTag.tag_id, sa.String), sa.func.count())
        .where(PostTag.published_at.is_not(None))
        .group_by(PostTag.tag_id)
    )
    executor.execute(post_counts.insert().from_select(["scope", "published"], per_tag))
    count_authors(executor)


def count_authors(executor) -> None:
    """Set every author's total from their posts (one GROUP BY over an index)."""
    executor.execute(sa.delete(post_counts).where(post_counts.c.scope.like("author:%")))
    per_author = (
        sa.select(author_scope(Post.author_id), sa.func.count())
        .where(Post.is_published)
        .group_by(Post.author_id)
    )
    executor.execute(post_counts.insert().from_select(["scope", "published"], per_author))


def _kept_total(scope: str | sa.ColumnElement[str]) -> sa.ScalarSelect:
    return sa.func.coalesce(
        sa.select(post_counts.c.published).where(post_counts.c.scope == scope).scalar_subquery(),
        0,
    )


def _now(now: datetime | sa.BindParameter | None) -> datetime | sa.BindParameter:
    return utcnow() if now is None else now


def public_total(
    tag_id: int | None = None, now: datetime | sa.BindParameter | None = None
) -> sa.ColumnElement[int]:
    """The number of public posts (carrying the tag ``tag_id``), as a column to read in a
    statement of the caller's: the kept total less the scheduled posts still waiting at ``now``
    (a time, or the caller's parameter for it; the present by default)."""
    now = _now(now)
    if tag_id is None:
        waiting = sa.select(sa.func.count()).where(Post.is_published, Post.published_at > now)
        return _kept_total(ALL) - waiting.scalar_subquery()
    waiting = sa.select(sa.func.count()).where(PostTag.tag_id == tag_id, PostTag.published_at > now)
    return _kept_total(tag_scope(tag_id)) - waiting.scalar_subquery()


def author_total(
    author_id: int | sa.ColumnElement[int], now: datetime | sa.BindParameter | None = None
) -> sa.ColumnElement[int]:
    """The number of an author's public posts, as :func:`public_total` counts them; the author
    an id or a column (a subquery finding them by name, say)."""
    waiting = sa.select(sa.func.count()).where(
        Post.author_id == author_id, Post.is_published, Post.published_at > _now(now)
    )
    return author_published_total(author_id) - waiting.scalar_subquery()


def author_published_total(author_id: int | sa.ColumnElement[int]) -> sa.ScalarSelect:
    """The number of an author's published posts, the scheduled ones among them."""
    return _kept_total(author_scope(author_id))


def followed_total(
    reader_id: int, now: datetime | sa.BindParameter | None = None
) -> sa.ColumnElement[int]:
    """The number of public posts by the authors ``reader_id`` follows: their kept totals
    added up (one row per author followed, not one per post), less their waiting posts."""
    followed = sa.select(follows.c.followed_id).where(follows.c.follower_id == reader_id)
    scopes = followed.with_only_columns(author_scope(follows.c.followed_id))
    # SUM is a DECIMAL on MariaDB and MySQL: the cast keeps the total an integer everywhere.
    added_up = sa.cast(sa.func.coalesce(sa.func.sum(post_counts.c.published), 0), sa.Integer)
    kept = sa.select(added_up).where(post_counts.c.scope.in_(scopes))
    waiting = sa.select(sa.func.count()).where(
        Post.author_id.in_(followed), Post.is_published, Post.published_at > _now(now)
    )
    return kept.scalar_subquery() - waiting.scalar_subquery()


def public_posts_count(tag_id: int | None = None) -> int:
    return db.session.scalar(sa.select(public_total(tag_id)))


def kept_tag_totals() -> sa.Subquery:
    """``(tag_id, published)`` of every tag's kept total, to join with tags."""
    prefix = len("tag:") + 1
    tag_id = sa.cast(sa.func.substr(post_counts.c.scope, prefix), sa.Integer)
    return (
        sa.select(tag_id.label("tag_id"), post_counts.c.published)
        .where(post_counts.c.scope.like("tag:%"))
        .subquery("kept_tag_totals")
    )
