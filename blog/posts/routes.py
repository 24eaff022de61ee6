from __future__ import annotations

import functools

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError, generate_csrf

from blog import limits
from blog.domain import drafts, posts, queries, social
from blog.domain.errors import DomainError, PermissionDenied, ValidationError
from blog.domain.permissions import can_edit_post
from blog.extensions import csrf
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


# ---- The editor's live preview and autosave: JSON for blog/static/js/editor.js ----

SIGNED_OUT = "You're signed out: sign in again (in a new tab), then save."
STALE_TOKEN = "The form expired or was sent from elsewhere. Please try again."


def _for_the_editor(view):
    """A JSON endpoint of the editor: 401 JSON when signed out (a redirect to the sign-in page
    would be followed by fetch and read as the answer), then the CSRF check, answered 400 as
    everywhere but with ``errors.csrf``, so the editor knows to fetch a fresh token (signing in
    again starts a new session, which the page's token doesn't belong to).

    The check comes after the sign-in's on purpose: a browser whose session is gone fails both,
    and the editor must be told to sign in, not to retry."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        if not current_user.is_authenticated:
            body = {"errors": {"session": [SIGNED_OUT]}, "sign_in_url": url_for("auth.login")}
            return jsonify(body), 401
        if request.method == "POST" and current_app.config["WTF_CSRF_ENABLED"]:
            try:
                csrf.protect()
            except CSRFError:
                return jsonify(errors={"csrf": [STALE_TOKEN]}, message=STALE_TOKEN), 400
        response = current_app.make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return csrf.exempt(checked)


def _refused(error: ValidationError, form: PostForm):
    """422: the domain's messages per field, and in sentences (with the form's labels) for the
    editor to show."""
    labels = {field.name: field.label.text for field in form}
    sentences = [
        f"{labels.get(name, name.replace('_', ' ').capitalize())} {message}"
        for name, messages in error.errors.items()
        for message in messages
    ]
    return jsonify(errors=error.errors, message=". ".join(sentences) + "."), 422


def _not_saved(error: DomainError, field: str):
    return jsonify(errors={field: [str(error)]}, message=str(error)), 409


def _autosaved(post, status: int = 200):
    return jsonify(
        updated_at=drafts.version(post),
        edit_url=url_for("posts.edit", slug=post.slug),
        autosave_url=url_for("posts.autosave", slug=post.slug),
    ), status


@bp.post("/preview")
@_for_the_editor
@limits.editor_requests
def live_preview():
    """The body (form field ``body``) as the post page would show it: ``{"html": ...}``."""
    try:
        html = posts.preview(request.form.get("body", ""))
    except ValidationError as error:
        return _refused(error, PostForm(meta={"csrf": False}))
    return jsonify(html=html)


@bp.get("/editor/token")
@_for_the_editor
def editor_token():
    """A CSRF token for this session: the editor's after signing in again in another tab."""
    return jsonify(csrf_token=generate_csrf())


@bp.post("/write/autosave")
@_for_the_editor
@limits.editor_requests
def autosave_new():
    """The first autosave of a new post makes it a draft (201), whose addresses are returned."""
    form = PostForm(meta={"csrf": False})
    try:
        post = drafts.create_draft(current_user, form.fields_for_domain())
    except ValidationError as error:
        return _refused(error, form)
    return _autosaved(post, 201)


@bp.post("/posts/<slug>/autosave")
@_for_the_editor
@limits.editor_requests
def autosave(slug: str):
    """The draft's fields as the editor has them, if the draft is still the version the editor
    last saw (form field ``updated_at``): 409 if it changed since, or is published."""
    post = _editable(slug)
    form = PostForm(obj=post, tags=", ".join(post.tag_names), meta={"csrf": False})
    try:
        post = drafts.autosave(
            post, current_user, form.fields_for_domain(), request.form.get("updated_at")
        )
    except drafts.NotAutosaved as error:
        return _not_saved(error, "post")
    except drafts.EditConflict as error:
        return _not_saved(error, "updated_at")
    except ValidationError as error:
        return _refused(error, form)
    return _autosaved(post)
