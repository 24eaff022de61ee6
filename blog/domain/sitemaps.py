"""What the sitemap lists: published posts, the pages of tags and of authors, published pages
(About...), in files of at
most ``per_file`` URLs each.

A million posts make twenty files, and no request reads them all: the index asks one aggregate
statement per kind for the id ranges of its files (their rows numbered by id, cut every
``per_file``), and each file reads its own id range through the primary key or an index. No
OFFSET, no list of every post in memory. A file's range is in its URL, so a crawler holding an
index from before a post was published gets a file of at most ``per_file`` URLs still.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from blog import caching
from blog.domain.errors import NotFound
from blog.extensions import db
from blog.models import Page, Post, PostTag, Tag, User

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
    """Tags that a published post carries, with the last time one of those posts changed."""
    return (
        sa.select(PostTag.tag_id.label("id"), sa.func.max(_changed_at()).label("lastmod"))
        .join(Post, Post.id == PostTag.post_id)
        .where(Post.is_public)
        .group_by(PostTag.tag_id)
    )


def _authors_in_use():
    """Enabled authors with a published post, with the last time one of their posts changed."""
    return (
        sa.select(Post.author_id.label("id"), sa.func.max(_changed_at()).label("lastmod"))
        .join(User, User.id == Post.author_id)
        .where(Post.is_public, User.is_disabled.is_(False))
        .group_by(Post.author_id)
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
    number = sa.func.row_number().over(order_by=rows.c.id) - 1
    numbered = sa.select(rows.c.id, rows.c.lastmod, (number // per_file).label("chunk")).subquery()
    statement = (
        sa.select(
            sa.func.min(numbered.c.id),
            sa.func.max(numbered.c.id),
            sa.func.max(numbered.c.lastmod),
        )
        .group_by(numbered.c.chunk)
        .order_by(numbered.c.chunk)
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
        model, name, id_column = {
            "tags": (Tag, Tag.name, PostTag.tag_id),
            "authors": (User, User.username, Post.author_id),
        }[kind]
        ranged = _SOURCES[kind]().where(id_column.between(first, last)).subquery()
        statement = (
            sa.select(name, ranged.c.lastmod)
            .join(ranged, ranged.c.id == model.id)
            .order_by(model.id)
        )
    found = [tuple(row) for row in db.session.execute(statement.limit(per_file))]
    if not found:
        raise NotFound("No such sitemap.", "sitemap")
    return found
