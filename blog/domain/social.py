"""Follows and favorites. Each change is idempotent: following twice is following once."""

from __future__ import annotations

import sqlalchemy as sa

from blog.domain.errors import PermissionDenied, ValidationError
from blog.extensions import db
from blog.models import Post, User, favorites, follows, utcnow
from blog.sql import insert_ignoring_conflicts


def _add(table: sa.Table, values: dict) -> None:
    insert_ignoring_conflicts(table, [{**values, "created_at": utcnow()}])
    db.session.commit()


def follow(follower: User, author: User) -> None:
    if follower.id == author.id:
        raise ValidationError.single("profile", "You can't follow yourself.")
    _add(follows, {"follower_id": follower.id, "followed_id": author.id})


def unfollow(follower: User, author: User) -> None:
    db.session.execute(
        follows.delete().where(
            follows.c.follower_id == follower.id, follows.c.followed_id == author.id
        )
    )
    db.session.commit()


def favorite(user: User, post: Post) -> None:
    if not post.is_public:
        raise PermissionDenied("Drafts can't be favorited.", "post")
    _add(favorites, {"user_id": user.id, "post_id": post.id})


def unfavorite(user: User, post: Post) -> None:
    db.session.execute(
        favorites.delete().where(favorites.c.user_id == user.id, favorites.c.post_id == post.id)
    )
    db.session.commit()
