"""Reading posts: the lists every page (and the API) shares, and the lookups of one post, tag or
author.

A list is a :class:`~blog.domain.lists.PostList`: how one is paged and its posts loaded, in a
fixed number of statements whatever the page size, is :mod:`blog.domain.lists`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from blog import caching
from blog.domain import counts
from blog.domain.errors import NotFound
from blog.domain.lists import Keyset, PostList, PostPage, card_options, load_posts, page_of
from blog.domain.permissions import can_edit_post, can_view_post
from blog.domain.search import SearchQuery, narrow, read_query
from blog.domain.search import public_total as search_total
from blog.domain.users import find_by_username
from blog.extensions import db
from blog.models import Post, PostTag, Tag, User, favorites, follows, utcnow
from blog.models.types import now_parameter

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


NEWEST_FIRST = (Post.published_at.desc(), Post.id.desc())


NOTHING = PostList(sa.select(Post.id).where(sa.false()), sa.literal(0))


def _public_ids() -> sa.Select:
    return sa.select(Post.id).where(Post.is_public).order_by(*NEWEST_FIRST)


@functools.cache
def _every_public_post() -> PostList:
    """The home page's list, the busiest: built once, "now" a parameter of each run."""
    now = now_parameter()
    published = sa.select(Post.id).where(Post.is_published).order_by(*NEWEST_FIRST)
    keyset = Keyset("every-post", (Post.published_at, Post.id), published)
    return PostList(published.where(Post.published_at <= now), counts.public_total(now=now), keyset)


def _user_id_named(username: str) -> sa.ScalarSelect:
    named = sa.func.lower(User.username) == username.lower()
    return sa.select(User.id).where(named).scalar_subquery()


def _tag_list(tag_id: int) -> PostList:
    columns = (PostTag.published_at, PostTag.post_id)
    keyset = Keyset(f"tag:{tag_id}", columns, _tagged(tag_id, public=False))
    return PostList(_tagged(tag_id), counts.public_total(tag_id), keyset)


def _tagged(tag_id: int, *, public: bool = True) -> sa.Select:
    """The public posts carrying ``tag_id``, newest first, from the tag rows' index alone
    (not ``public``: the published ones, those still scheduled too)."""
    published = PostTag.public_at(utcnow()) if public else PostTag.published_at.is_not(None)
    return (
        sa.select(PostTag.post_id.label("id"))
        .where(PostTag.tag_id == tag_id, published)
        .order_by(PostTag.published_at.desc(), PostTag.post_id.desc())
    )


def published_posts(
    *,
    tag: str | None = None,
    author: str | None = None,
    favorited_by: str | None = None,
    followed_by: User | None = None,
    matching: SearchQuery | None = None,
) -> PostList:
    """Public posts, newest first, narrowed by any of: a tag name, an author's username, the
    username of someone who favorited them, the reader whose followed authors wrote them, a
    search (then best match first). Unknown or malformed names simply match nothing."""
    names = (tag, author, favorited_by)
    if any(name is not None and not NAME_PATTERN.match(name) for name in names):
        return NOTHING
    tag_id = None
    if tag is not None:
        tag_id = db.session.scalar(sa.select(Tag.id).where(Tag.name == tag.strip().lower()))
        if tag_id is None:
            return NOTHING
    given = {
        name
        for name, value in (
            ("tag", tag_id),
            ("author", author),
            ("favorited_by", favorited_by),
            ("followed_by", followed_by),
            ("matching", matching),
        )
        if value is not None
    }
    # One filter alone: a total kept by the database, or bounded by the ranked candidates.
    if not given:
        return _every_public_post()
    if given == {"tag"}:
        return _tag_list(tag_id)
    if given == {"author"}:
        author_id = _user_id_named(author)
        ids = _public_ids().where(Post.author_id == author_id)
        return PostList(ids, counts.author_total(author_id))
    if given == {"followed_by"}:
        total = counts.followed_total(followed_by.id)
        first = None
        if db.session.get_bind().dialect.name == "postgresql":
            first = functools.partial(_followed_first, followed_by)
        return PostList(_followed_ids(followed_by), total, first=first)
    if given == {"matching"}:
        return PostList(narrow(_public_ids(), matching), search_total(matching))
    ids = _public_ids()
    if tag_id is not None:  # looked up per post of the other filters, which are narrower
        tagged = sa.select(PostTag.post_id).where(
            PostTag.post_id == Post.id, PostTag.tag_id == tag_id
        )
        ids = ids.where(tagged.exists())
    if author is not None:
        ids = ids.where(Post.author_id == _user_id_named(author))
    if favorited_by is not None:
        ids = ids.join(favorites, favorites.c.post_id == Post.id).where(
            favorites.c.user_id == _user_id_named(favorited_by)
        )
    if followed_by is not None:
        ids = _followed_ids(followed_by, ids)
    if matching is not None:
        ids = narrow(ids, matching)
    return PostList.counted(ids)


def _followed_ids(reader: User, ids: sa.Select | None = None) -> sa.Select:
    ids = _public_ids() if ids is None else ids
    return ids.join(follows, follows.c.followed_id == Post.author_id).where(
        follows.c.follower_id == reader.id
    )


def _followed_first(reader: User, n: int) -> sa.Select:
    """The first ``n`` of a reader's feed are among the ``n`` newest of each author they follow:
    so on PostgreSQL the feed is read as each author's ``n`` newest, from their index, merged in
    one statement (``LATERAL``). Joining every post of the reader's authors and sorting them
    cost what those authors ever wrote (27,000 posts for the benchmark's reader of twenty).

    SQLite has no lateral join, and a statement of one branch per author cost SQLAlchemy more
    to build (5 ms for twenty) than SQLite's sort of those 27,000 (2.3 ms): it keeps the join."""
    newest = (
        sa.select(Post.id, Post.published_at)
        .where(Post.author_id == follows.c.followed_id, Post.is_public)
        .order_by(*NEWEST_FIRST)
        .limit(n)
        .lateral("newest")
    )
    return (
        sa.select(newest.c.id)
        .select_from(follows)
        .join(newest, sa.true())
        .where(follows.c.follower_id == reader.id)
        .order_by(newest.c.published_at.desc(), newest.c.id.desc())
    )


def home_posts(viewer: User | None, page: int, per_page: int) -> PostPage:
    return page_of(published_posts(), viewer, page, per_page)


def search_posts(
    text: str, viewer: User | None, page: int, per_page: int
) -> tuple[SearchQuery, PostPage]:
    """The published posts matching what a reader typed, best first, and the query as read."""
    query = read_query(text)
    return query, page_of(published_posts(matching=query), viewer, page, per_page)


def feed_posts(reader: User, page: int, per_page: int) -> PostPage:
    """Published posts by the authors ``reader`` follows, newest first."""
    return page_of(published_posts(followed_by=reader), reader, page, per_page)


def favorited_posts(user: User, viewer: User | None, page: int, per_page: int) -> PostPage:
    return page_of(published_posts(favorited_by=user.username), viewer, page, per_page)


def author_posts(author: User, viewer: User | None, page: int, per_page: int) -> PostPage:
    """The author's published posts; the author also sees their drafts, newest first. The total
    is the author's kept one (:mod:`blog.domain.counts`), with their drafts for themselves."""
    if viewer is not None and getattr(viewer, "id", None) == author.id:
        ids = (
            sa.select(Post.id)
            .where(Post.author_id == author.id)
            .order_by(sa.func.coalesce(Post.published_at, Post.updated_at).desc(), Post.id.desc())
        )
        drafts = sa.select(sa.func.count()).where(
            Post.author_id == author.id, sa.not_(Post.is_published)
        )
        published = counts.author_published_total(author.id)
        posts = PostList(ids, published + drafts.scalar_subquery())
    else:
        ids = _public_ids().where(Post.author_id == author.id)
        posts = PostList(ids, counts.author_total(author.id))
    return page_of(posts, viewer, page, per_page)


def tag_posts(tag: Tag, viewer: User | None, page: int, per_page: int) -> PostPage:
    return page_of(_tag_list(tag.id), viewer, page, per_page)


def newest_public_posts(limit: int, *, tag: str | None = None, author: str | None = None):
    """The ``limit`` newest public posts (of a tag or an author), with their authors and tags, in
    three statements whatever ``limit`` is: what a feed lists."""
    posts = published_posts(tag=tag, author=author)
    return load_posts(list(db.session.scalars(posts.ids.limit(limit))))


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
    """The tags' kept totals (:mod:`blog.domain.counts`), less their posts still scheduled:
    one row per tag, whatever the number of posts."""
    kept = counts.kept_tag_totals()
    waiting = (
        sa.select(sa.func.count())
        .where(PostTag.tag_id == Tag.id, PostTag.published_at > utcnow())
        .scalar_subquery()
    )
    uses = (kept.c.published - waiting).label("uses")
    statement = (
        sa.select(Tag.name, uses)
        .join(kept, kept.c.tag_id == Tag.id)
        .where(uses > 0)
        .order_by(uses.desc(), Tag.name)
        .limit(limit)
    )
    return [(name, count) for name, count in db.session.execute(statement)]


PROLIFIC_AUTHORS = 50
"""How many of the most published authors are kept to suggest from."""


def suggested_authors(reader: User, limit: int = 5) -> list[User]:
    """Authors with the most published posts whom ``reader`` doesn't follow yet, among the
    :data:`PROLIFIC_AUTHORS` most published (counting every post is cached at the content
    version, so a reader's page reads only their follows and the suggested rows)."""
    ranked = caching.remember("prolific-authors", _prolific_author_ids)
    followed = sa.select(follows.c.followed_id).where(follows.c.follower_id == reader.id)
    statement = sa.select(User).where(
        User.id.in_(ranked),
        User.id != reader.id,
        User.id.not_in(followed),
        User.is_disabled.is_(False),
    )
    order = {user_id: place for place, user_id in enumerate(ranked)}
    return sorted(db.session.scalars(statement), key=lambda user: order[user.id])[:limit]


def _prolific_author_ids() -> list[int]:
    published = sa.func.count(Post.id)
    statement = (
        sa.select(Post.author_id)
        .where(Post.is_public)
        .group_by(Post.author_id)
        .order_by(published.desc(), Post.author_id)
        .limit(PROLIFIC_AUTHORS)
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
            .where(PostTag.tag_id == Tag.id, PostTag.public_at(utcnow()))
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
    return db.session.scalar(sa.select(Post).where(Post.slug == slug).options(*card_options()))


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
    in_month = _public_ids().where(Post.published_at >= start, Post.published_at < end)
    posts = page_of(PostList.counted(in_month), viewer, page, per_page)
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
    by_author = others.where(Post.author_id == post.author_id).order_by(*NEWEST_FIRST)
    by_author = by_author.limit(limit)
    selects = [sa.select(by_author.subquery(), sa.literal("author").label("list"))]
    if tag is not None:
        # Room for the author's posts the first list already shows.
        tagged = _tagged(post.post_tags[0].tag_id).where(PostTag.post_id != post.id)
        tagged = tagged.limit(2 * limit).subquery("tagged")
        on_tag = sa.select(*columns).join(tagged, tagged.c.id == Post.id)
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
