"""A page at its top-level address (``/about``), and the admins' list and editor under
``/pages/``. Every rule is :mod:`blog.domain.pages`'; these views only call it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BaseConverter
from werkzeug.routing import ValidationError as NoMatch

from blog.domain import pages, posts
from blog.domain.errors import ValidationError
from blog.forms import attach_errors
from blog.pages.forms import PageForm

bp = Blueprint("pages", __name__, template_folder="templates")

SAVED = {
    (False, False): "Draft saved.",
    (False, True): "Published.",
    (True, True): "Page updated.",
    (True, False): "Unpublished: the page is a draft again.",
}


class PageSlugConverter(BaseConverter):
    """A path segment that may be a page's slug: one the site doesn't keep for itself.

    A reserved name doesn't match at all, so ``GET /logout`` is still a 405 and ``/api`` the
    404 it was, rather than this blueprint's "no such page"."""

    regex = pages.SLUG_PATTERN.pattern

    def to_python(self, value: str) -> str:
        if not pages.is_page_slug(value):
            raise NoMatch()
        return value


@bp.record_once
def _register_converter(state) -> None:
    state.app.url_map.converters["page_slug"] = PageSlugConverter


@bp.app_context_processor
def _navigation() -> dict:
    return {"navigation_pages": NavigationPages()}


class NavigationPages:
    """The pages linked in the navigation, read only when a template uses them (an email or
    the avatar SVG never does), once a request."""

    def __iter__(self):
        return iter(pages.navigation_links())


bp.add_app_template_global(pages.summary, "page_summary")


@bp.app_template_global()
def page_metadata(page) -> dict:
    """A page's OpenGraph and Twitter values (no JSON-LD ``BlogPosting``: a page is no post)."""
    from blog.metadata import absolute_url

    url = absolute_url("pages.show", slug=page.slug)
    description = pages.summary(page)
    return {
        "properties": [
            (key, value)
            for key, value in (
                ("og:type", "website"),
                ("og:title", page.title),
                ("og:description", description),
                ("og:url", url),
            )
            if value
        ],
        "names": [("twitter:card", "summary"), ("twitter:title", page.title)],
        "json_ld": {"@context": "https://schema.org", "@type": "WebPage", "name": page.title}
        | ({"url": url} if url else {})
        | {"description": description},
    }


def _render_editor(form: PageForm, page=None, preview_html: str | None = None):
    status = 422 if form.errors or form.form_errors else 200
    html = render_template(
        "pages/editor.html",
        form=form,
        page=page,
        post=None,
        preview_html=preview_html,
    )
    return html, status


def _preview(form: PageForm, page=None):
    try:
        html = posts.preview(form.body.data)
    except ValidationError as error:
        attach_errors(form, error)
        return _render_editor(form, page)
    return _render_editor(form, page, preview_html=html)


@bp.get("/<page_slug:slug>")
def show(slug: str):
    page = pages.get_page(slug, current_user)
    return render_template(
        "pages/show.html", page=page, can_edit=pages.can_manage_pages(current_user)
    )


@bp.route("/<page_slug:slug>", methods=["POST", "PUT", "PATCH", "DELETE"])
def not_writable(slug: str):
    """Nothing is sent to a page: 405 at a page's address, and 404 where there is none, as
    at any address the site doesn't serve (not a 405 for a page that doesn't exist). Like
    every unsafe method, it needs the CSRF token first."""
    pages.get_page(slug, current_user)
    abort(405, valid_methods=["GET", "HEAD"])


@bp.get("/pages")
@login_required
def index():
    return render_template("pages/index.html", pages=pages.all_pages(current_user))


@bp.route("/pages/new", methods=["GET", "POST"])
@login_required
def new():
    pages.require_page_manager(current_user)
    form = PageForm()
    if form.validate_on_submit():
        if form.preview.data:
            return _preview(form)
        try:
            page = pages.create_page(
                current_user, **form.fields_for_domain(), publish=bool(form.publish.data)
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            flash("Published." if page.is_published else "Draft saved.", "success")
            return redirect(url_for("pages.show", slug=page.slug))
    return _render_editor(form)


@bp.route("/pages/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    page = pages.get_editable_page(slug, current_user)
    form = PageForm(obj=page)
    if form.validate_on_submit():
        if form.preview.data:
            return _preview(form, page)
        changes = {**form.fields_for_domain(), "publish": bool(form.publish.data)}
        was_published = page.is_published
        try:
            pages.update_page(page, current_user, changes)
        except ValidationError as error:
            attach_errors(form, error)
            page = pages.get_editable_page(slug, current_user)
        else:
            flash(SAVED[was_published, page.is_published], "success")
            return redirect(url_for("pages.show", slug=page.slug))
    return _render_editor(form, page)


@bp.post("/pages/<slug>/delete")
@login_required
def delete(slug: str):
    page = pages.get_editable_page(slug, current_user)
    title = page.title
    pages.delete_page(page, current_user)
    flash(f"Page “{title}” deleted.", "info")
    return redirect(url_for("pages.index"))
