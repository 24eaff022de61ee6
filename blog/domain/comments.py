"""Comments on posts: who may write, read and remove them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from blog.domain.errors import NotFound, PermissionDenied
from blog.domain.permissions import can_delete_comment
from blog.domain.posts import RESUBMIT_WINDOW
from blog.domain.rows import take_turns
from blog.domain.text import clean_text, parse_id
from blog.extensions import db
from blog.markdown import render_comment
from blog.models import Comment, Post, User, utcnow
from blog.models.post import COMMENT_MAX


def add_comment(post: Post, author: User, body: Any) -> Comment:
    """A comment by ``author``; only published posts take comments. The same comment sent again
    within :data:`RESUBMIT_WINDOW` is the one already saved (a double click makes one)."""
    if not post.is_public:
        raise PermissionDenied("Drafts can't be commented on.", "post")
    text = clean_text(body, "body", max_length=COMMENT_MAX, multiline=True)
    body_html = render_comment(text)
    take_turns(author.id)
    resent = db.session.scalar(
        sa.select(Comment)
        .where(
            Comment.post_id == post.id,
            Comment.author_id == author.id,
            Comment.created_at >= utcnow() - RESUBMIT_WINDOW,
            Comment.body == text,
        )
        .limit(1)
    )
    if resent is not None:
        db.session.commit()
        return resent
    comment = Comment(post=post, author=author, body=text, body_html=body_html)
    db.session.add(comment)
    db.session.commit()
    return comment


def import_comment(post: Post, author: User, body: Any, created_at: datetime) -> Comment:
    """A comment moved in from another blog (:mod:`blog.moving.arrivals.writing`), with its date
    there. As :func:`add_comment`: only public posts take one. Nothing is committed: the importer
    commits a post's comments with it."""
    if not post.is_public:
        raise PermissionDenied("Drafts can't be commented on.", "post")
    text = clean_text(body, "body", max_length=COMMENT_MAX, multiline=True)
    comment = Comment(
        post=post,
        author=author,
        body=text,
        body_html=render_comment(text),
        created_at=created_at,
        updated_at=created_at,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def post_comments(post: Post) -> list[Comment]:
    """The post's comments, oldest first (newest last), with their authors, in one statement."""
    statement = (
        sa.select(Comment)
        .where(Comment.post_id == post.id)
        .order_by(Comment.created_at, Comment.id)
        .options(so.joinedload(Comment.author))
    )
    return list(db.session.scalars(statement))


def get_comment(post: Post, comment_id: Any) -> Comment:
    comment_id = parse_id(comment_id)
    comment = db.session.get(Comment, comment_id) if comment_id else None
    if comment is None or comment.post_id != post.id:
        raise NotFound("No such comment.", "comment")
    return comment


def delete_comment(comment: Comment, user: User | None) -> None:
    if not can_delete_comment(user, comment):
        raise PermissionDenied(
            "Only the comment's author, the post's author or an admin can.", "comment"
        )
    db.session.delete(comment)
    db.session.commit()
