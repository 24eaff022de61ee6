"""Reading posts: the list queries every page (and the API) share.

Each list loads its posts, their authors and their tags in a fixed number of statements whatever
the page size, so a page's query count never grows with its content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from blog import caching
from blog.domain.errors import NotFound
from blog.domain.permissions import can_edit_post, can_view_post
from blog.domain.search import SearchQuery, narrow, read_query
from blog.domain.stats import attach_post_stats
from blog.domain.users import find_by_username
from blog.extensions import db
from blog.models import Post, PostTag, Tag, User, favorites, follows

MAX_PAGE = 10_000
NAME_PATTERN = re.compile(r"^[^\x00-\x1f\x7f/\ud800-\udfff]{1,255}$")


def page_number(raw: Any) -> int:
    """A page number from a query string; anything outside 1..MAX_PAGE is :class:`NotFound`."""
    if raw is None or raw == "":
        return 1
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise NotFound("No such page.", "page") from None
    if not 1 <= number <= MAX_PAGE:
        raise NotFound("No such page.", "page")
    return number


def _card_options():
    return (so.joinedload(Post.author), so.selectinload(Post.post_tags))


def _published():
    return (
        sa.select(Post)
        .where(Post.is_public)
        .order_by(Post.published_at.desc(), Post.id.desc())
        .options(*_card_options())
    )


def _user_ids_named(username: str):
    return sa.select(User.id).where(sa.func.lower(User.username) == username.lower())


def published_posts(
    *,
    tag: str | None = None,
    author: str | None = None,
    favorited_by: str | None = None,
    followed_by: User | None = None,
    matching: SearchQuery | None = None,
) -> sa.Select:
    """Published posts, newest first, narrowed by any of: a tag name, an author's username, the
    username of someone who favorited them, the reader whose followed authors wrote them, a
    search (then best match first). Unknown or malformed names simply match nothing."""
    statement = _published()
    names = (tag, author, favorited_by)
    if any(name is not None and not NAME_PATTERN.match(name) for name in names):
        return statement.where(sa.false())
    if tag is not None:
        tag_ids = sa.select(Tag.id).where(Tag.name == tag.strip().lower())
        tagged = sa.select(PostTag.post_id).where(PostTag.tag_id.in_(tag_ids))
        statement = statement.where(Post.id.in_(tagged))
    if author is not None:
        statement = statement.where(Post.author_id.in_(_user_ids_named(author)))
    if favorited_by is not None:
        liked = sa.select(favorites.c.post_id).where(
            favorites.c.user_id.in_(_user_ids_named(favorited_by))
        )
        statement = statement.where(Post.id.in_(liked))
    if followed_by is not None:
        followed = sa.select(follows.c.followed_id).where(follows.c.follower_id == followed_by.id)
        statement = statement.where(Post.author_id.in_(followed))
    if matching is not None:
        statement = narrow(statement, matching)
    return statement


def page_of(statement, viewer: User | None, page: int, per_page: int) -> Pagination:
    """A numbered page of posts with their counts and the viewer's flags attached.

    A page past the last is :class:`NotFound`; the first page of an empty list is a page.
    """
    pagination = db.paginate(
        statement, page=page, per_page=per_page, error_out=False, max_per_page=100
    )
    if page > max(pagination.pages, 1):
        raise NotFound("No such page.", "page")
    attach_post_stats(pagination.items, viewer)
    return pagination


def window_of(statement, viewer: User | None, offset: int, limit: int) -> tuple[list[Post], int]:
    """``limit`` posts from ``offset`` on, with stats attached, and how many there are in all."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(statement.order_by(None).options().subquery())
    )
    posts = list(db.session.scalars(statement.limit(limit).offset(offset)).unique())
    attach_post_stats(posts, viewer)
    return posts, total


def home_posts(viewer: User | None, page: int, per_page: int) -> Pagination:
    return page_of(published_posts(), viewer, page, per_page)


def search_posts(
    text: str, viewer: User | None, page: int, per_page: int
) -> tuple[SearchQuery, Pagination]:
    """The published posts matching what a reader typed, best first, and the query as read."""
    query = read_query(text)
    return query, page_of(published_posts(matching=query), viewer, page, per_page)


def feed_posts(reader: User, page: int, per_page: int) -> Pagination:
    """Published posts by the authors ``reader`` follows, newest first."""
    return page_of(published_posts(followed_by=reader), reader, page, per_page)


def favorited_posts(user: User, viewer: User | None, page: int, per_page: int) -> Pagination:
    return page_of(published_posts(favorited_by=user.username), viewer, page, per_page)


def author_posts(author: User, viewer: User | None, page: int, per_page: int) -> Pagination:
    """The author's published posts; the author also sees their drafts, newest first."""
    if viewer is not None and getattr(viewer, "id", None) == author.id:
        statement = (
            sa.select(Post)
            .where(Post.author_id == author.id)
            .order_by(sa.func.coalesce(Post.published_at, Post.updated_at).desc(), Post.id.desc())
            .options(*_card_options())
        )
    else:
        statement = _published().where(Post.author_id == author.id)
    return page_of(statement, viewer, page, per_page)


def tag_posts(tag: Tag, viewer: User | None, page: int, per_page: int) -> Pagination:
    return page_of(published_posts(tag=tag.name), viewer, page, per_page)


def newest_public_posts(limit: int, *, tag: str | None = None, author: str | None = None):
    """The ``limit`` newest public posts (of a tag or an author), with their authors and tags, in
    two statements whatever ``limit`` is: what a feed lists."""
    statement = published_posts(tag=tag, author=author).limit(limit)
    return list(db.session.scalars(statement).unique())


def all_tag_names() -> list[str]:
    """Every tag in use on a published post, most used first."""
    return [name for name, _ in popular_tags(limit=None)]


def popular_tags(limit: int | None = 20) -> list[tuple[str, int]]:
    """The most used tags on published posts, with how many posts carry each.

    Counting every post's tags takes a while on a big blog, so the answer is cached at the
    current content version (:mod:`blog.caching`): any committed write is seen at once.
    """
    return caching.remember(f"popular-tags:{limit or 'all'}", lambda: _count_tags(limit))


def _count_tags(limit: int | None) -> list[tuple[str, int]]:
    uses = sa.func.count(PostTag.post_id).label("uses")
    statement = (
        sa.select(Tag.name, uses)
        .join(PostTag, PostTag.tag_id == Tag.id)
        .join(Post, Post.id == PostTag.post_id)
        .where(Post.is_public)
        .group_by(Tag.name)
        .order_by(uses.desc(), Tag.name)
        .limit(limit)
    )
    return [(name, count) for name, count in db.session.execute(statement)]


def suggested_authors(reader: User, limit: int = 5) -> list[User]:
    """Authors with the most published posts whom ``reader`` doesn't follow yet."""
    followed = sa.select(follows.c.followed_id).where(follows.c.follower_id == reader.id)
    published = sa.func.count(Post.id)
    statement = (
        sa.select(User)
        .join(Post, Post.author_id == User.id)
        .where(
            Post.is_public,
            User.id != reader.id,
            User.id.not_in(followed),
            User.is_disabled.is_(False),
        )
        .group_by(User.id)
        .order_by(published.desc(), User.id)
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def get_tag(name: str) -> Tag:
    """The tag ``name`` if a published post carries it. One that only drafts carry, or none,
    is as absent as an unknown name, to everyone (the drafts' authors too: the page lists
    published posts), so its page doesn't tell that a draft uses it."""
    tag = None
    if NAME_PATTERN.match(name):
        on_a_public_post = (
            sa.select(PostTag.post_id)
            .join(Post, Post.id == PostTag.post_id)
            .where(PostTag.tag_id == Tag.id, Post.is_public)
            .exists()
        )
        tag = db.session.scalar(sa.select(Tag).where(Tag.name == name.lower(), on_a_public_post))
    if tag is None:
        raise NotFound("No such tag.", "tag")
    return tag


def get_author(username: str) -> User:
    user = find_by_username(username) if NAME_PATTERN.match(username) else None
    if user is None:
        raise NotFound("No such author.", "profile")
    return user


def get_post(slug: str, viewer: User | None, *, include_drafts_for_admins: bool = False) -> Post:
    """The post at ``slug`` if ``viewer`` may see it; drafts look absent to everyone else.

    Admins reading drafts is for moderation (edit, delete), not for the public post page.
    """
    post = _post_at(slug)
    visible = post is not None and (
        can_view_post(viewer, post) or (include_drafts_for_admins and can_edit_post(viewer, post))
    )
    if not visible:
        raise NotFound("No such post.", "post")
    return post


def get_published_post(slug: str) -> Post:
    """The published post at ``slug``; drafts look absent to everyone, their authors included.

    For the API, which knows no drafts: a draft stays in the site's editor until it is published.
    """
    post = _post_at(slug)
    if post is None or not post.is_public:
        raise NotFound("No such post.", "post")
    return post


def get_article(slug: str, viewer: User | None) -> Post:
    """The API's article at ``slug``: a published post, or one scheduled for later when
    ``viewer`` is its author (no one else learns it exists before its time)."""
    post = _post_at(slug)
    if post is None or not (
        post.is_public or (post.is_scheduled and viewer is not None and viewer.id == post.author_id)
    ):
        raise NotFound("No such post.", "post")
    return post


def _post_at(slug: str) -> Post | None:
    if not NAME_PATTERN.match(slug):
        return None
    return db.session.scalar(sa.select(Post).where(Post.slug == slug).options(*_card_options()))


def _utc_year_and_month() -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """The year and month of ``published_at`` in UTC. PostgreSQL extracts from a timestamptz in
    the session's time zone, so it is turned into UTC wall time first (with a literal, not a
    bound parameter, so the GROUP BY repeats the very same expression)."""
    published = Post.published_at
    if db.session.get_bind().dialect.name == "postgresql":
        published = sa.func.timezone(sa.literal_column("'UTC'"), published)
    return sa.extract("year", published), sa.extract("month", published)


def archive_months() -> list[tuple[int, int, int]]:
    """``(year, month, published posts)`` for every month with one, newest first: one GROUP BY,
    cached at the current content version like the tag counts."""
    return caching.remember("archive-months", _count_months)


def _count_months() -> list[tuple[int, int, int]]:
    year, month = _utc_year_and_month()
    statement = (
        sa.select(year, month, sa.func.count(Post.id))
        .where(Post.is_public)
        .group_by(year, month)
        .order_by(year.desc(), month.desc())
    )
    return [(int(y), int(m), count) for y, m, count in db.session.execute(statement)]


def month_posts(year: int, month: int, viewer: User | None, page: int, per_page: int):
    """The posts published in ``month`` of ``year`` (UTC), newest first, read through the
    index on publication time; a month without any, or no month at all, is :class:`NotFound`."""
    if not (1 <= year <= 9998 and 1 <= month <= 12):
        raise NotFound("No such month.", "archive")
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    statement = published_posts().where(Post.published_at >= start, Post.published_at < end)
    posts = page_of(statement, viewer, page, per_page)
    if not posts.total:
        raise NotFound("No posts that month.", "archive")
    return posts


MORE_POSTS = 3
"""How many posts "More from this author" and "More on this tag" list under a post."""


@dataclass(frozen=True)
class PostLink:
    """Enough of a post to link to it: no body, no author, no tags to load."""

    slug: str
    title: str
    published_at: datetime


@dataclass(frozen=True)
class MorePosts:
    """What a post page lists after the post: the author's other public posts, and the public
    posts of its first tag (``tag``) that aren't already in the first list."""

    by_author: list[PostLink]
    tag: str | None
    on_tag: list[PostLink]


def more_posts(post: Post, limit: int = MORE_POSTS) -> MorePosts:
    """The newest ``limit`` public posts by ``post``'s author and on its first tag, ``post``
    itself left out, in one statement (two limited selects joined by UNION ALL)."""
    tag = post.tag_names[0] if post.post_tags else None
    columns = (Post.slug, Post.title, Post.published_at, Post.id)
    others = sa.select(*columns).where(Post.is_public, Post.id != post.id)
    newest = (Post.published_at.desc(), Post.id.desc())
    by_author = others.where(Post.author_id == post.author_id).order_by(*newest).limit(limit)
    selects = [sa.select(by_author.subquery(), sa.literal("author").label("list"))]
    if tag is not None:
        tagged = sa.select(PostTag.post_id).where(PostTag.tag_id == post.post_tags[0].tag_id)
        # Room for the author's posts the first list already shows.
        on_tag = others.where(Post.id.in_(tagged)).order_by(*newest).limit(2 * limit)
        selects.append(sa.select(on_tag.subquery(), sa.literal("tag").label("list")))
    rows = db.session.execute(sa.union_all(*selects)).all()
    newest_first = sorted(rows, key=lambda row: (row.published_at, row.id), reverse=True)
    author_rows = [row for row in newest_first if row.list == "author"]
    shown = {row.id for row in author_rows}
    tag_rows = [row for row in newest_first if row.list == "tag" and row.id not in shown]
    return MorePosts(
        by_author=[PostLink(row.slug, row.title, row.published_at) for row in author_rows],
        tag=tag,
        on_tag=[PostLink(row.slug, row.title, row.published_at) for row in tag_rows[:limit]],
    )
