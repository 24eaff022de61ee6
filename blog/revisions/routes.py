from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from blog.domain import posts, queries, revisions
from blog.domain.errors import ValidationError
from blog.domain.permissions import can_view_post
from blog.markdown import render_post
from blog.models import Post

bp = Blueprint("revisions", __name__, template_folder="templates")

FIELD_NAMES = {"body": "text"}
"""How a refused restore names the field at fault."""


@bp.context_processor
def _helpers() -> dict:
    return {"revision_time": revision_time}


def revision_time(value: datetime) -> str:
    """``"3 Dec 2026, 14:05 UTC"``: a day can hold several versions."""
    return value.astimezone(UTC).strftime("%-d %b %Y, %H:%M UTC")


def _post(slug: str) -> Post:
    """The post at ``slug`` as the editor finds it: 404 if unknown or an unseen draft; the
    domain answers 403 to anyone but its author and admins."""
    return queries.get_post(slug, current_user, include_drafts_for_admins=True)


@bp.get("/posts/<slug>/revisions")
@login_required
def index(slug: str):
    post = _post(slug)
    entries = revisions.history(post, current_user)
    return render_template(
        "revisions/index.html", post=post, entries=entries, kept=revisions.kept_per_post()
    )


@bp.get("/posts/<slug>/revisions/<revision_id>")
@login_required
def show(slug: str, revision_id: str):
    post = _post(slug)
    revision = revisions.get_revision(post, revision_id, current_user)
    return render_template(
        "revisions/show.html",
        post=post,
        revision=revision,
        changes=revisions.diff(revision, post),
        body_html=render_post(revision.body),
    )


@bp.post("/posts/<slug>/revisions/<revision_id>/restore")
@login_required
def restore(slug: str, revision_id: str):
    post = _post(slug)
    revision = revisions.get_revision(post, revision_id, current_user)
    try:
        restored = posts.restore_revision(post, revision, current_user)
    except ValidationError as error:
        problems = "; ".join(
            f"{FIELD_NAMES.get(name, name)}: {message}"
            for name, messages in error.errors.items()
            for message in messages
        )
        flash(f"This version can't be restored as it is ({problems}).", "error")
        return redirect(url_for("revisions.show", slug=post.slug, revision_id=revision.id))
    if restored:
        flash("Earlier version restored. The one it replaced is in the history.", "success")
    else:
        flash("The post already reads as this version: nothing to restore.", "info")
    # An admin restoring someone's draft can't see it on the post page; the editor shows it.
    endpoint = "posts.show" if can_view_post(current_user, post) else "posts.edit"
    return redirect(url_for(endpoint, slug=post.slug))
