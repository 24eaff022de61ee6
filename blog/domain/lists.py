"""A list of posts as SQL (:class:`PostList`), and what is read of one: a numbered page
(:class:`PostPage`) or a window at an offset, its posts loaded with their authors, tags and the
reader's stats in a fixed number of statements whatever the page size.

What makes a page cost the same however deep it is lives here too: a long list's deep windows
start from a key kept every :data:`ANCHOR_EVERY` posts (:class:`Keyset`, :func:`anchors`), and a
list may offer a narrower statement for its first posts (:attr:`PostList.first`). The lists
themselves (every post, a tag's, an author's, a reader's feed, a search) are
:mod:`blog.domain.queries`'.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from blog import caching
from blog.domain.errors import NotFound
from blog.domain.stats import attach_post_stats
from blog.extensions import db
from blog.models import Post, User


def card_options():
    return (so.joinedload(Post.author), so.selectinload(Post.post_tags))


ANCHOR_EVERY = 1_000
"""A deep window of the longest lists starts from a kept key, one every this many posts."""


@dataclass(frozen=True)
class Keyset:
    """The order of a long list as columns (newest first, then the id), the list's statement
    without its bound at the present (``unbounded``), and the name its anchors are kept under:
    what lets a window far down the list start from a key rather than skip every post before
    it.

    An anchor is the key of a post public at the version it was kept at, so every post after
    it is public too: a post published since, or gone live, made a new version. The present's
    bound is left out because a second upper bound on the publication time would keep SQLite
    from starting its index range at the anchor."""

    name: str
    columns: tuple[sa.ColumnElement, sa.ColumnElement]
    unbounded: sa.Select

    def after(self, anchor: tuple[datetime, int]) -> sa.Select:
        """The list's ids from just after ``anchor`` on, read through its index from there."""
        published_at, post_id = self.columns
        key = (sa.literal(anchor[0], published_at.type), sa.literal(anchor[1], post_id.type))
        return self.unbounded.where(sa.tuple_(published_at, post_id) < sa.tuple_(*key))


@dataclass(frozen=True)
class PostList:
    """A list of posts as two pieces of SQL: ``ids``, the statement of its posts' ids (one
    column) in the list's order, and ``total``, how many it holds, as a column.

    A page reads the ids of its window with the total in one statement, then loads those posts
    alone: skipping the posts of the pages before it reads an index, not rows, and the long
    lists take their total from :mod:`blog.domain.counts` instead of counting. The longest
    (every post, a tag's) have a ``keyset``: a window past :data:`ANCHOR_EVERY` starts from the
    key of the post before its block (:func:`anchors`), so page 5,000 reads what page 1 reads."""

    ids: sa.Select
    total: sa.ColumnElement[int]
    keyset: Keyset | None = None
    first: Callable[[int], sa.Select] | None = None
    """The ids statement for a window within the first ``n`` posts, when a narrower one has
    the same first ``n`` (a reader's feed)."""

    @functools.cached_property
    def with_total(self) -> sa.Select:
        """The ids with the total beside each, to cut a window of with LIMIT and OFFSET."""
        return self.ids.add_columns(self.total.label("total"))

    @classmethod
    def counted(cls, ids: sa.Select) -> PostList:
        """A list whose total is a count of its ids: for lists bounded by one author, one
        reader's favorites or follows, one month or a search."""
        count = sa.select(sa.func.count()).select_from(ids.order_by(None).subquery())
        return cls(ids, count.scalar_subquery())


def anchors(posts: PostList) -> list[tuple[datetime, int]]:
    """The keys of every :data:`ANCHOR_EVERY`-th post of a keyed list (the last of each block),
    in one statement that walks the list's index once; kept at the content version, as the
    list stands at that version (a post going live makes a new one)."""
    keyset = posts.keyset

    def compute() -> list[tuple[datetime, int]]:
        order = [column.desc() for column in keyset.columns]
        place = sa.func.row_number().over(order_by=order).label("place")
        numbered = posts.ids.order_by(None).with_only_columns(*keyset.columns, place).subquery()
        statement = (
            sa.select(*numbered.c[:2])
            .where(numbered.c.place % ANCHOR_EVERY == 0)
            .order_by(numbered.c.place)
        )
        return [(published_at, post_id) for published_at, post_id in db.session.execute(statement)]

    return caching.remember(f"anchors:{keyset.name}", compute)


def _window(posts: PostList, offset: int, limit: int) -> tuple[list[int], int | None]:
    """The ids from ``offset`` on (at most ``limit``) and the list's total, in one statement;
    the total alone takes a second one when the window is empty."""
    statement = posts.with_total
    if posts.first is not None:
        statement = posts.first(offset + limit).add_columns(posts.total.label("total"))
    if posts.keyset is not None and offset >= ANCHOR_EVERY:
        kept = anchors(posts)
        block = min(offset // ANCHOR_EVERY, len(kept))
        if block:
            ids = posts.keyset.after(kept[block - 1])
            statement = ids.add_columns(posts.total.label("total"))
            offset -= block * ANCHOR_EVERY
    rows = db.session.execute(statement.limit(limit).offset(offset)).all()
    if rows:
        return [row[0] for row in rows], rows[0].total
    return [], None


def _total(posts: PostList) -> int:
    return db.session.scalar(sa.select(posts.total))


def load_posts(ids: list[int]) -> list[Post]:
    """The posts of ``ids`` in that order, with their authors and tags: two statements."""
    if not ids:
        return []
    statement = sa.select(Post).where(Post.id.in_(ids)).options(*card_options())
    found = {post.id: post for post in db.session.scalars(statement).unique()}
    return [found[post_id] for post_id in ids if post_id in found]


class PostPage:
    """A numbered page of a :class:`PostList`, what the templates' pager reads: the ids of its
    posts, and the posts themselves (:attr:`items`, with their stats for the viewer) loaded
    when first asked for. A page that shows its posts as cards kept from an earlier request
    (:mod:`blog.posts.cards`) reads only the ids."""

    def __init__(
        self, ids: list[int], total: int, page: int, per_page: int, viewer: User | None = None
    ) -> None:
        self.ids, self.total, self.page, self.per_page = ids, total, page, per_page
        self.viewer = viewer

    @functools.cached_property
    def items(self) -> list[Post]:
        return load_cards(self.ids, self.viewer)

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def __iter__(self):
        return iter(self.items)


def load_cards(ids: list[int], viewer: User | None) -> list[Post]:
    """The posts of ``ids`` in that order, with authors, tags and stats for ``viewer``: three
    statements (none for no ids)."""
    items = load_posts(ids)
    attach_post_stats(items, viewer)
    return items


def page_of(posts: PostList, viewer: User | None, page: int, per_page: int) -> PostPage:
    """A numbered page of posts (loaded when first read, with their counts and the viewer's
    flags).

    A page past the last is :class:`NotFound`; the first page of an empty list is a page.
    """
    per_page = max(1, min(per_page, 100))
    ids, total = _window(posts, (page - 1) * per_page, per_page)
    if not ids:
        if page > 1:
            raise NotFound("No such page.", "page")
        total = _total(posts)
    return PostPage(ids, total, page, per_page, viewer)


def window_ids(posts: PostList, offset: int, limit: int) -> tuple[list[int], int]:
    """The ids of at most ``limit`` posts from ``offset`` on, and how many there are in all."""
    ids, total = _window(posts, offset, limit)
    if total is None:
        total = _total(posts)
    return ids, total


def window_of(posts: PostList, viewer: User | None, offset: int, limit: int):
    """``limit`` posts from ``offset`` on, with stats attached, and how many there are in all."""
    ids, total = window_ids(posts, offset, limit)
    return load_cards(ids, viewer), total
