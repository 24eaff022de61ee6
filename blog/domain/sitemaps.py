"""What the sitemap lists: published posts, the pages of tags and of authors, published pages
(About...), in files of at most ``per_file`` URLs each.

A million posts make twenty files, and no request reads them all. A file holds the ids of one
block of ``per_file`` (ids 1 to 50,000, 50,001 to 100,000...): its range is in its URL, so a
crawler holding an index from before a post was published still gets at most ``per_file``
URLs. The index asks one aggregate statement per kind for the blocks holding something public:
for posts it reads an index of ``(status, id, published_at, updated_at)`` alone (a fraction of
a second at a million posts, where reading the posts' rows took seconds), for tags and authors
one index lookup each, their newest public post. Each file reads its own id range through the
primary key or an index. No OFFSET, no list of every post in memory.

``lastmod``: a post's last change for a reader (its last edit, or its publication when later);
a tag's or an author's page's, the publication of its newest post, which leads that page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from blog import caching
from blog.domain.errors import NotFound
from blog.extensions import db
from blog.models import Page, Post, PostTag, Tag, User, utcnow

KINDS = ("posts", "tags", "authors", "pages")


@dataclass(frozen=True)
class Chunk:
    """One child sitemap: the ids ``first`` to ``last`` of its kind, changed last at
    ``lastmod``."""

    kind: str
    first: int
    last: int
    lastmod: datetime


def _changed_at():
    """When a public post last changed for a reader: its last edit, or its publication when
    that came later (a scheduled post going live at its time)."""
    return sa.case((Post.published_at > Post.updated_at, Post.published_at), else_=Post.updated_at)


def _public_posts_by_id():
    return sa.select(Post.id.label("id"), _changed_at().label("lastmod")).where(Post.is_public)


def _tags_in_use():
    """Tags that a public post carries, with that post's publication (the newest)."""
    newest = (
        sa.select(sa.func.max(PostTag.published_at))
        .where(PostTag.tag_id == Tag.id, PostTag.public_at(utcnow()))
        .scalar_subquery()
    )
    return sa.select(Tag.id.label("id"), newest.label("lastmod")).where(newest.is_not(None))


def _authors_in_use():
    """Enabled authors with a public post, with that post's publication (the newest)."""
    newest = (
        sa.select(sa.func.max(Post.published_at))
        .where(Post.author_id == User.id, Post.is_public)
        .scalar_subquery()
    )
    return sa.select(User.id.label("id"), newest.label("lastmod")).where(
        User.is_disabled.is_(False), newest.is_not(None)
    )


def _published_pages_by_id():
    return sa.select(Page.id.label("id"), Page.updated_at.label("lastmod")).where(Page.is_published)


_SOURCES = {
    "posts": _public_posts_by_id,
    "tags": _tags_in_use,
    "authors": _authors_in_use,
    "pages": _published_pages_by_id,
}


def chunks(kind: str, per_file: int) -> list[Chunk]:
    """The child sitemaps of ``kind``, in id order: one statement, however many rows.

    Cached at the content version (:mod:`blog.caching`), so a crawler reading the index and
    then every file costs the aggregate once per change of the blog."""
    return caching.remember(f"sitemap:{kind}:{per_file}", lambda: _chunks(kind, per_file))


def _chunks(kind: str, per_file: int) -> list[Chunk]:
    rows = _SOURCES[kind]().subquery()
    chunk = ((rows.c.id - 1) // per_file).label("chunk")
    statement = (
        sa.select(sa.func.min(rows.c.id), sa.func.max(rows.c.id), sa.func.max(rows.c.lastmod))
        .group_by(chunk)
        .order_by(chunk)
    )
    return [
        Chunk(kind, first, last, lastmod) for first, last, lastmod in db.session.execute(statement)
    ]


def entries(kind: str, first: int, last: int, per_file: int) -> list[tuple[str, datetime]]:
    """``(name, lastmod)`` for the ids ``first`` to ``last`` of ``kind``: a post's slug, a tag's
    name, an author's username, a page's slug; at most ``per_file``, whatever range a URL names.
    A range holding none is :class:`NotFound`."""
    if kind not in _SOURCES or first > last:
        raise NotFound("No such sitemap.", "sitemap")
    if kind == "posts":
        statement = (
            sa.select(Post.slug, _changed_at())
            .where(Post.is_public, Post.id.between(first, last))
            .order_by(Post.id)
        )
    elif kind == "pages":
        statement = (
            sa.select(Page.slug, Page.updated_at)
            .where(Page.is_published, Page.id.between(first, last))
            .order_by(Page.id)
        )
    else:
        model, name = {"tags": (Tag, Tag.name), "authors": (User, User.username)}[kind]
        ranged = _SOURCES[kind]().where(model.id.between(first, last)).subquery()
        statement = (
            sa.select(name, ranged.c.lastmod)
            .join(ranged, ranged.c.id == model.id)
            .order_by(model.id)
        )
    found = [tuple(row) for row in db.session.execute(statement.limit(per_file))]
    if not found:
        raise NotFound("No such sitemap.", "sitemap")
    return found
