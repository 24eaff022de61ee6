"""Domain objects to API response models."""

from __future__ import annotations

from blog.api import schemas
from blog.domain import uploads
from blog.domain.stats import PostStats
from blog.models import Comment, Post, User


def profile(user: User, following: bool = False) -> schemas.ProfileOut:
    return schemas.ProfileOut(
        username=user.username, bio=user.bio or None, image=user.image_url, following=following
    )


def user(account: User, token: str) -> schemas.UserResponse:
    return schemas.UserResponse(user=schemas.UserOut(**_user_fields(account, token)))


def updated_user(account: User, token: str, pending_email: str) -> schemas.UpdatedUserResponse:
    """The account after ``PUT /api/user`` whose new email waits for confirmation."""
    fields = _user_fields(account, token)
    return schemas.UpdatedUserResponse(
        user=schemas.UpdatedUserOut(**fields, pendingEmail=pending_email)
    )


def _user_fields(account: User, token: str) -> dict:
    return {
        "email": account.email,
        "token": token,
        "username": account.username,
        "bio": account.bio or None,
        "image": account.image_url,
    }


def article_fields(post: Post, stats: PostStats | None = None) -> dict:
    """The fields every article shape shares, with ``post.stats`` (the reader's flags and the
    counts) unless other ``stats`` are given."""
    stats = stats or post.stats or PostStats()
    return {
        "slug": post.slug,
        "title": post.title,
        "description": post.description,
        "tagList": post.tag_names,
        "createdAt": post.created_at,
        "updatedAt": post.updated_at,
        "favorited": stats.favorited,
        "favoritesCount": stats.favorites,
        "author": profile(post.author, stats.following_author),
        "image": uploads.absolute_cover(post.cover_image),
    }


def article(post: Post) -> schemas.ArticleResponse:
    return schemas.ArticleResponse(
        article=schemas.ArticleOut(
            **article_fields(post),
            body=post.body,
            publishAt=post.published_at if post.is_scheduled else None,
        )
    )


def comment(item: Comment, following_author: bool = False) -> schemas.CommentOut:
    return schemas.CommentOut(
        id=item.id,
        createdAt=item.created_at,
        updatedAt=item.updated_at,
        body=item.body,
        author=profile(item.author, following_author),
    )
