from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.hybrid import hybrid_property

from blog.extensions import db
from blog.models.types import UTCDateTime, utcnow
from blog.models.user import User

TITLE_MAX = 200
SLUG_MAX = 255
DESCRIPTION_MAX = 500
BODY_MAX = 100_000
TAG_MAX = 64
TAGS_PER_POST_MAX = 10
COMMENT_MAX = 5_000
COVER_IMAGE_MAX = 500


class PostStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


def is_public_state(status: PostStatus | str | None, published_at: datetime | None) -> bool:
    """:attr:`Post.is_public` of a post in this state (also of one before a change)."""
    return status == PostStatus.PUBLISHED and published_at is not None and published_at <= utcnow()


class PostTag(db.Model):
    """A tag on a post; ``position`` keeps the order the author gave."""

    __tablename__ = "post_tags"
    __table_args__ = (
        # A tag's page, newest first, from this index alone: no post row is read to skip the
        # posts of the pages before it, nor to count them (see blog.domain.counts).
        sa.Index("ix_post_tags_tag_id_published_at", "tag_id", "published_at", "post_id"),
    )

    post_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    """The post's ``published_at`` while it is published, else None: kept by the database's
    triggers (:mod:`blog.domain.counts`), never written by the app."""

    tag: so.Mapped[Tag] = so.relationship(lazy="joined", innerjoin=True)

    @classmethod
    def public_at(cls, now: datetime | sa.BindParameter) -> sa.ColumnElement[bool]:
        """The tag row of a post public at ``now``, as SQL: :attr:`Post.is_public`'s rule read
        from the publication time the row carries (None while the post isn't published)."""
        return cls.published_at <= now


class Tag(db.Model):
    __tablename__ = "tags"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(TAG_MAX), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.name}>"

    def __str__(self) -> str:
        return self.name


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        # Lists newest first read the ids of a page from these indexes alone (the id is the
        # tie-break of the order), however deep the page.
        sa.Index("ix_posts_status_published_at_id", "status", "published_at", "id"),
        sa.Index(
            "ix_posts_author_id_status_published_at", "author_id", "status", "published_at", "id"
        ),
        # A new post's check for the same one sent twice reads the author's last seconds.
        sa.Index("ix_posts_author_id_created_at", "author_id", "created_at"),
        # The sitemap's index of post files reads this alone (blog.domain.sitemaps).
        sa.Index("ix_posts_status_id_sitemap", "status", "id", "published_at", "updated_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(SLUG_MAX), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(TITLE_MAX))
    description: so.Mapped[str] = so.mapped_column(sa.String(DESCRIPTION_MAX), default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[PostStatus] = so.mapped_column(
        sa.Enum(
            PostStatus,
            native_enum=False,
            length=16,
            values_callable=lambda statuses: [s.value for s in statuses],
        ),
        default=PostStatus.DRAFT,
    )
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    cover_image: so.Mapped[str | None] = so.mapped_column(sa.String(COVER_IMAGE_MAX))
    """The cover's URL (an upload's or any http(s) image): cards, the post header, link previews."""

    author: so.Mapped[User] = so.relationship()
    post_tags: so.Mapped[list[PostTag]] = so.relationship(
        order_by=PostTag.position, cascade="all, delete-orphan", passive_deletes=True
    )

    stats = None
    """Counts and flags for the reader, set by :func:`blog.domain.stats.attach_post_stats`."""

    def __repr__(self) -> str:
        return f"<Post {self.slug}>"

    def __str__(self) -> str:
        return self.title

    @property
    def tag_names(self) -> list[str]:
        return [pt.tag.name for pt in self.post_tags]

    @hybrid_property
    def is_published(self) -> bool:
        """The author's choice (the editor's Publish); whether readers see it is
        :attr:`is_public`. Also SQL (``Post.is_published``): what the search index holds."""
        return self.status is PostStatus.PUBLISHED

    @is_published.inplace.expression
    @classmethod
    def _is_published_sql(cls) -> sa.ColumnElement[bool]:
        return cls.status == PostStatus.PUBLISHED

    @hybrid_property
    def is_public(self) -> bool:
        """Whether the public may see this post: the one rule every page, list, count, feed and
        API answer uses, in Python here and as SQL (``Post.is_public``) just below. Published
        and its time come: a post scheduled for later (:attr:`is_scheduled`) appears by itself
        when that time passes, with nothing run then (the SQL compares with the time the
        statement is built at)."""
        return is_public_state(self.status, self.published_at)

    @is_public.inplace.expression
    @classmethod
    def _is_public_sql(cls) -> sa.ColumnElement[bool]:
        return cls.public_at(utcnow())

    @classmethod
    def public_at(cls, now: datetime | sa.BindParameter) -> sa.ColumnElement[bool]:
        """:attr:`is_public` as SQL at ``now``: a time, or a parameter taken as each run of a
        statement built once starts (:func:`blog.models.types.now_parameter`)."""
        return sa.and_(cls.status == PostStatus.PUBLISHED, cls.published_at <= now)

    @property
    def is_scheduled(self) -> bool:
        """Published by its author for a time still to come: only they and admins see it."""
        return self.is_published and not self.is_public

    @property
    def edited_since_published(self) -> bool:
        """True when the post changed after it was first published (a page says "Updated")."""
        return self.published_at is not None and self.updated_at > self.published_at


post_counts = sa.Table(
    "post_counts",
    db.metadata,
    sa.Column("scope", sa.String(32), primary_key=True),
    sa.Column("published", sa.Integer(), nullable=False, default=0),
)
"""How many published posts there are (scope ``all``), carry each tag (``tag:<id>``) and each
author wrote (``author:<id>``), scheduled ones included: kept by the database's triggers in the
writing transaction, so a pager's total costs one row, not a count (:mod:`blog.domain.counts`)."""


favorites = sa.Table(
    "favorites",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("post_id", sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("created_at", UTCDateTime(), nullable=False, default=utcnow),
    sa.Index("ix_favorites_post_id", "post_id"),
)


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        sa.Index("ix_comments_post_id_created_at", "post_id", "created_at"),
        # An account's comments: found without a scan when its row is locked or deleted.
        sa.Index("ix_comments_author_id", "author_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    post_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))

    author: so.Mapped[User] = so.relationship()
    post: so.Mapped[Post] = so.relationship()

    def __str__(self) -> str:
        return self.body if len(self.body) <= 60 else self.body[:59] + "…"
