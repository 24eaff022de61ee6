"""Counts and flags shown beside posts and profiles, fetched for a whole page in one statement.

A list page loads its posts (see :mod:`blog.domain.queries`), then :func:`attach_post_stats` adds
comment and favorite counts, "favorited by me" and "I follow the author" for every post at once,
so the statement count of a page never depends on how many posts it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from blog.extensions import db
from blog.models import Comment, Post, User, favorites, follows


@dataclass(frozen=True)
class PostStats:
    favorites: int = 0
    comments: int = 0
    favorited: bool = False
    following_author: bool = False


@dataclass(frozen=True)
class ProfileStats:
    followers: int = 0
    following: int = 0
    followed_by_viewer: bool = False


def _viewer_id(viewer: User | None) -> int | None:
    return viewer.id if viewer is not None and getattr(viewer, "is_authenticated", False) else None


def _count(table_or_model, column, match) -> sa.ScalarSelect:
    return (
        sa.select(sa.func.count())
        .select_from(table_or_model)
        .where(column == match)
        .scalar_subquery()
    )


def attach_post_stats(posts: Iterable[Post], viewer: User | None) -> None:
    """Set ``post.stats`` on each post: one statement for the lot (none for an empty list)."""
    posts = list(posts)
    if not posts:
        return
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        favorited = following = sa.false()
    else:
        favorited = sa.exists().where(
            favorites.c.post_id == Post.id, favorites.c.user_id == viewer_id
        )
        following = sa.exists().where(
            follows.c.followed_id == Post.author_id, follows.c.follower_id == viewer_id
        )
    statement = sa.select(
        Post.id,
        _count(favorites, favorites.c.post_id, Post.id),
        _count(Comment, Comment.post_id, Post.id),
        favorited,
        following,
    ).where(Post.id.in_([post.id for post in posts]))
    rows = {row[0]: PostStats(*row[1:]) for row in db.session.execute(statement)}
    for post in posts:
        post.stats = rows.get(post.id, PostStats())


def profile_stats(user: User, viewer: User | None) -> ProfileStats:
    viewer_id = _viewer_id(viewer)
    followed = (
        sa.exists().where(follows.c.followed_id == user.id, follows.c.follower_id == viewer_id)
        if viewer_id is not None
        else sa.false()
    )
    row = db.session.execute(
        sa.select(
            _count(follows, follows.c.followed_id, user.id),
            _count(follows, follows.c.follower_id, user.id),
            followed,
        )
    ).one()
    return ProfileStats(*row)


def followed_author_ids(viewer: User | None, author_ids: set[int]) -> set[int]:
    """Which of ``author_ids`` the viewer follows, in one statement (none when anonymous)."""
    return _the_viewers(viewer, follows.c.follower_id, follows.c.followed_id, author_ids)


def favorited_post_ids(viewer: User | None, post_ids: list[int]) -> set[int]:
    """Which of ``post_ids`` the viewer has favorited, in one statement (none when anonymous)."""
    return _the_viewers(viewer, favorites.c.user_id, favorites.c.post_id, post_ids)


def _the_viewers(viewer: User | None, whose: sa.Column, which: sa.Column, among) -> set[int]:
    """The ``which`` of ``among`` in the rows whose ``whose`` is the viewer."""
    viewer_id = _viewer_id(viewer)
    if viewer_id is None or not among:
        return set()
    statement = sa.select(which).where(whose == viewer_id, which.in_(among))
    return set(db.session.scalars(statement))
