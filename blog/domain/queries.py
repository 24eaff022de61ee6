"""Reading posts: the list queries every page (and the API) share.

Each list loads its posts, their authors and their tags in a fixed number of statements whatever
the page size, so a page's query count never grows with its content.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from blog.domain.errors import NotFound
from blog.domain.permissions import can_edit_post, can_view_post
from blog.domain.users import find_by_username
from blog.extensions import db
from blog.models import Post, PostStatus, PostTag, Tag, User

MAX_PAGE = 10_000
NAME_PATTERN = re.compile(r"^[^\x00-\x1f\x7f/]{1,255}$")


def page_number(raw: Any) -> int:
    """A page number from a query string; anything outside 1..MAX_PAGE is :class:`NotFound`."""
    if raw is None or raw == "":
        return 1
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise NotFound("No such page.") from None
    if not 1 <= number <= MAX_PAGE:
        raise NotFound("No such page.")
    return number


def _card_options():
    return (so.joinedload(Post.author), so.selectinload(Post.post_tags))


def _published():
    return (
        sa.select(Post)
        .where(Post.status == PostStatus.PUBLISHED)
        .order_by(Post.published_at.desc(), Post.id.desc())
        .options(*_card_options())
    )


def _paginate(statement, page: int, per_page: int) -> Pagination:
    return db.paginate(statement, page=page, per_page=per_page, error_out=False, max_per_page=100)


def home_posts(page: int, per_page: int) -> Pagination:
    return _paginate(_published(), page, per_page)


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
    return _paginate(statement, page, per_page)


def tag_posts(tag: Tag, page: int, per_page: int) -> Pagination:
    tagged = sa.select(PostTag.post_id).where(PostTag.tag_id == tag.id)
    return _paginate(_published().where(Post.id.in_(tagged)), page, per_page)


def get_tag(name: str) -> Tag:
    tag = None
    if NAME_PATTERN.match(name):
        tag = db.session.scalar(sa.select(Tag).where(Tag.name == name.lower()))
    if tag is None:
        raise NotFound("No such tag.")
    return tag


def get_author(username: str) -> User:
    user = find_by_username(username) if NAME_PATTERN.match(username) else None
    if user is None:
        raise NotFound("No such author.")
    return user


def get_post(slug: str, viewer: User | None, *, include_drafts_for_admins: bool = False) -> Post:
    """The post at ``slug`` if ``viewer`` may see it; drafts look absent to everyone else.

    Admins reading drafts is for moderation (edit, delete), not for the public post page.
    """
    post = None
    if NAME_PATTERN.match(slug):
        post = db.session.scalar(sa.select(Post).where(Post.slug == slug).options(*_card_options()))
    visible = post is not None and (
        can_view_post(viewer, post) or (include_drafts_for_admins and can_edit_post(viewer, post))
    )
    if not visible:
        raise NotFound("No such post.")
    return post
