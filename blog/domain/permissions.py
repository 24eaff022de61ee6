"""Who may do what. Anonymous users are passed as ``None``."""

from __future__ import annotations

from blog.models import Comment, Post, User


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_admin(user: User | None) -> bool:
    """Signed in as an admin: who manages the site itself (its pages and its settings)."""
    return _signed_in(user) and user.is_admin


def can_view_post(user: User | None, post: Post) -> bool:
    """Published posts are public; a draft is seen by its author alone, a post scheduled for
    later by its author and admins (who may have to stop it before its time)."""
    if post.is_public:
        return True
    if post.is_scheduled and is_admin(user):
        return True
    return _signed_in(user) and user.id == post.author_id


def can_edit_post(user: User | None, post: Post) -> bool:
    return _signed_in(user) and (user.id == post.author_id or user.is_admin)


def can_delete_comment(user: User | None, comment: Comment) -> bool:
    """The comment's author, the post's author (it is their page) and admins."""
    return _signed_in(user) and (
        user.is_admin or user.id in (comment.author_id, comment.post.author_id)
    )
