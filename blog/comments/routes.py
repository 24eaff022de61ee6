from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required

from blog.comments.forms import CommentForm
from blog.domain import comments, queries
from blog.domain.errors import ValidationError
from blog.forms import attach_errors
from blog.posts.post_page import render_post_page

bp = Blueprint("comments", __name__, template_folder="templates")


@bp.post("/posts/<slug>/comments")
@login_required
def add(slug: str):
    post = queries.get_post(slug, current_user)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = comments.add_comment(post, current_user, form.body.data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            flash("Comment posted.", "success")
            return redirect(url_for("posts.show", slug=post.slug, _anchor=f"comment-{comment.id}"))
    return render_post_page(post, comment_form=form), 422


@bp.post("/posts/<slug>/comments/<comment_id>/delete")
@login_required
def delete(slug: str, comment_id: str):
    post = queries.get_post(slug, current_user)
    comments.delete_comment(comments.get_comment(post, comment_id), current_user)
    flash("Comment deleted.", "info")
    return redirect(url_for("posts.show", slug=post.slug, _anchor="comments"))
