"""The post page, shared by the post view and the comment form that posts back to it."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from blog.comments.forms import CommentForm
from blog.domain import comments, queries
from blog.domain.permissions import can_delete_comment, can_edit_post
from blog.domain.reading import table_of_contents
from blog.domain.stats import attach_post_stats
from blog.models import Post


def render_post_page(post: Post, comment_form: CommentForm | None = None) -> str:
    attach_post_stats([post], current_user)
    post_comments = comments.post_comments(post)
    return render_template(
        "posts/show.html",
        post=post,
        comments=post_comments,
        # Only a signed-in reader gets the form: making one makes a CSRF token, and a page
        # holding one can't be kept for every reader (blog.page_cache).
        comment_form=comment_form
        or (CommentForm(formdata=None) if current_user.is_authenticated else None),
        can_edit=can_edit_post(current_user, post),
        deletable={c.id for c in post_comments if can_delete_comment(current_user, c)},
        contents=table_of_contents(post.body, post.body_html),
        more=queries.more_posts(post),
    )
