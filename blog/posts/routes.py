from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from blog.domain import posts, queries, social
from blog.domain.errors import PermissionDenied, ValidationError
from blog.domain.permissions import can_edit_post
from blog.forms import attach_errors
from blog.posts.forms import PostForm
from blog.posts.post_page import render_post_page
from blog.redirects import redirect_back

bp = Blueprint("posts", __name__, template_folder="templates")

SAVED = {
    (False, False): "Draft saved.",
    (False, True): "Published.",
    (True, True): "Post updated.",
    (True, False): "Unpublished: the post is a draft again.",
}
"""What saving from the editor says, by (published before, published after)."""


def _render_editor(form: PostForm, post=None, preview_html: str | None = None):
    status = 422 if form.errors or form.form_errors else 200
    page = render_template("posts/editor.html", form=form, post=post, preview_html=preview_html)
    return page, status


def _preview(form: PostForm, post=None):
    """The editor with the body rendered, or with the reason it can't be (too much markup)."""
    try:
        html = posts.preview(form.body.data)
    except ValidationError as error:
        attach_errors(form, error)
        return _render_editor(form, post)
    return _render_editor(form, post, preview_html=html)


@bp.route("/write", methods=["GET", "POST"])
@login_required
def new():
    form = PostForm()
    if form.validate_on_submit():
        if form.preview.data:
            return _preview(form)
        try:
            post = posts.create_post(
                current_user,
                **form.fields_for_domain(),
                publish=bool(form.publish.data or form.publish_now.data),
                publish_at=form.publish_at_utc() if form.publish.data else None,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            flash(
                _scheduled(post) or ("Published." if post.is_published else "Draft saved."),
                "success",
            )
            return redirect(url_for("posts.show", slug=post.slug))
    return _render_editor(form)


@bp.get("/posts/<slug>")
def show(slug: str):
    return render_post_page(queries.get_post(slug, current_user))


@bp.post("/posts/<slug>/favorite")
@login_required
def favorite(slug: str):
    post = queries.get_post(slug, current_user)
    social.favorite(current_user, post)
    return redirect_back(url_for("posts.show", slug=post.slug))


@bp.post("/posts/<slug>/unfavorite")
@login_required
def unfavorite(slug: str):
    post = queries.get_post(slug, current_user)
    social.unfavorite(current_user, post)
    return redirect_back(url_for("posts.show", slug=post.slug))


@bp.route("/posts/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    post = _editable(slug)
    # A field missing from a (crafted) submission keeps its saved value; tags aren't an
    # attribute of the post, so they are given as the field's value.
    form = PostForm(obj=post, tags=", ".join(post.tag_names))
    if form.validate_on_submit():
        if form.preview.data:
            return _preview(form, post)
        changes = {**form.fields_for_domain(), **_timing(form, post)}
        was_published = post.is_public  # a scheduled post published now is "Published."
        try:
            posts.update_post(post, current_user, changes)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            flash(_scheduled(post) or SAVED[was_published, post.is_public], "success")
            return redirect(url_for("posts.show", slug=post.slug))
    if request.method == "GET" and post.is_scheduled:
        form.publish_at.data = post.published_at.replace(tzinfo=None)  # UTC; the page says so
    return _render_editor(form, post)


def _timing(form: PostForm, post) -> dict:
    """Publish, schedule or not, as the editor's buttons say (see blog.domain.scheduling). A
    post already public has no schedule field: its time isn't sent."""
    publish = bool(form.publish.data or form.publish_now.data)
    if form.publish_now.data:
        return {"publish": True, "publish_at": None}
    if post.is_public:
        return {"publish": publish}
    return {"publish": publish, "publish_at": form.publish_at_utc()}


def _scheduled(post) -> str | None:
    if not post.is_scheduled:
        return None
    return "Scheduled: the post will be published by itself at the time shown."


@bp.post("/posts/<slug>/publish")
@login_required
def publish(slug: str):
    post = _editable(slug)
    was_published = post.is_public
    posts.publish_post(post, current_user)
    flash(SAVED[was_published, True], "success")
    return redirect(url_for("posts.show", slug=post.slug))


@bp.post("/posts/<slug>/delete")
@login_required
def delete(slug: str):
    post = _editable(slug)
    posts.delete_post(post, current_user)
    flash("Post deleted.", "info")
    return redirect(url_for("users.profile", username=current_user.username))


def _editable(slug: str):
    """The post at ``slug`` for editing: 404 if unknown or an unseen draft, 403 unless the
    editor is its author or an admin."""
    post = queries.get_post(slug, current_user, include_drafts_for_admins=True)
    if not can_edit_post(current_user, post):
        raise PermissionDenied("Only the author or an admin can change this post.", "post")
    return post
