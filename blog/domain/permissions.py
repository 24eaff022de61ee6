"""Who may do what. Anonymous users are passed as ``None``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from blog.extensions import db
from blog.models import Comment, Passkey, Post, User


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def has_second_factor(user: User) -> bool:
    """TOTP on, or a passkey."""
    if user.has_totp:
        return True
    return bool(db.session.scalar(sa.select(sa.exists().where(Passkey.user_id == user.id))))


def must_enrol(user: User | None) -> bool:
    """Whether ``user`` is an admin who may not act as one until they have a second factor
    (``ADMIN_TWO_FACTOR_REQUIRED``): their password alone must not hand anyone the site."""
    return bool(
        _signed_in(user)
        and user.is_admin
        and current_app.config["ADMIN_TWO_FACTOR_REQUIRED"]
        and not has_second_factor(user)
    )


def is_admin(user: User | None) -> bool:
    """Signed in as an admin who may act as one: who manages the site itself (its pages and its
    settings) and may edit or remove anything."""
    return _signed_in(user) and user.is_admin and not must_enrol(user)


def can_view_post(user: User | None, post: Post) -> bool:
    """Published posts are public; a draft is seen by its author alone, a post scheduled for
    later by its author and admins (who may have to stop it before its time)."""
    if post.is_public:
        return True
    if post.is_scheduled and is_admin(user):
        return True
    return _signed_in(user) and user.id == post.author_id


def can_edit_post(user: User | None, post: Post) -> bool:
    return _signed_in(user) and (user.id == post.author_id or is_admin(user))


def can_delete_comment(user: User | None, comment: Comment) -> bool:
    """The comment's author, the post's author (it is their page) and admins."""
    return _signed_in(user) and (
        user.id in (comment.author_id, comment.post.author_id) or is_admin(user)
    )
