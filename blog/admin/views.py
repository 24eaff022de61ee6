"""Admin views. Every change goes through the domain layer and is logged with who made it."""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_admin.form import BaseForm
from flask_admin.model import typefmt
from flask_login import current_user
from wtforms import StringField

from blog.domain import permissions, posts, tags, users
from blog.domain.errors import DomainError, ValidationError
from blog.domain.queries import MAX_PAGE
from blog.domain.search.query import CLAUSES_MAX, QUERY_MAX
from blog.domain.text import has_unstorable_characters, parse_id
from blog.extensions import db
from blog.forms import text_only
from blog.models import Comment, Post, PostStatus, Tag, User

OFFERED_WHEN = {
    "create_view": "can_create",
    "edit_view": "can_edit",
    "delete_view": "can_delete",
    "details_view": "can_view_details",
    "export": "can_export",
}
"""Flask-Admin's endpoints that a view may not offer, and the setting that says whether it does."""

ONE_RECORD = ("details_view", "edit_view", "delete_view")
"""The pages of one record, named by ``id`` (in the query, or the delete form)."""

UNSEARCHABLE = "A search can't contain a NUL character."
TOO_LONG_A_SEARCH = f"A search can hold at most {CLAUSES_MAX} words and {QUERY_MAX:,} characters."


def row_ids(raw_ids) -> list[int]:
    """The row ids an action form sent, as integers (malformed ones are dropped)."""
    return [number for number in map(parse_id, raw_ids) if number is not None]


def log_admin_action(message: str, *args) -> None:
    current_app.logger.info("admin %s: " + message, current_user.username, *args)


class AdminOnly:
    """Anonymous readers are sent to sign in; an admin who must first set up a second factor
    (``ADMIN_TWO_FACTOR_REQUIRED``), to do so; other signed-in readers get a 403."""

    def is_accessible(self) -> bool:
        return permissions.is_admin(current_user)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if permissions.must_enrol(current_user):
            flash("This blog asks admins to set up two-factor authentication first.", "info")
            return redirect(url_for("security.two_factor_setup"))
        abort(403)


class DashboardView(AdminOnly, AdminIndexView):
    @expose("/")
    def index(self):
        counts = {
            "Users": db.session.query(User).count(),
            "Published posts": db.session.query(Post).filter(Post.is_public).count(),
            "Drafts": db.session.query(Post).filter_by(status=PostStatus.DRAFT).count(),
            "Scheduled posts": db.session.query(Post)
            .filter(Post.is_published, ~Post.is_public)
            .count(),
            "Comments": db.session.query(Comment).count(),
            "Tags": db.session.query(Tag).count(),
        }
        return self.render("admin/dashboard.html", counts=counts)


def _datetime_formatter(view, value: datetime, name: str) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


class AdminForm(BaseForm):
    """Flask-Admin's forms, reading text only, like the site's own (:class:`blog.forms.Form`)."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            data = super().wrap_formdata(form, formdata)
            return None if data is None else text_only(data)


class TagForm(AdminForm):
    """The tag's name alone, checked by the domain: an existing name merges, it isn't refused."""

    name = StringField("Name")


class BaseAdminView(AdminOnly, ModelView):
    """Admin list/detail views. CSRF: Flask-Admin puts Flask-WTF's token in every form, action and
    delete button of its own accord, and CSRFProtect checks it on every POST, as on the rest of
    the site."""

    column_type_formatters = {**typefmt.BASE_FORMATTERS, datetime: _datetime_formatter}
    column_type_formatters_detail = column_type_formatters
    can_create = False
    can_view_details = True
    page_size = 50
    form_base_class = AdminForm

    def _handle_view(self, name, **kwargs):
        """An endpoint this view doesn't offer is 404 whatever it is sent, and so is a page of
        one record whose id is missing or names none, where Flask-Admin would redirect to the
        list."""
        refused = super()._handle_view(name, **kwargs)
        if refused is None:
            if name in OFFERED_WHEN and not getattr(self, OFFERED_WHEN[name]):
                abort(404)
            if name in ONE_RECORD:
                self.get_one((request.form if name == "delete_view" else request.args).get("id"))
        return refused

    def _get_list_extra_args(self):
        """The list's query arguments; a page outside 1..MAX_PAGE is a 404, as on the site, and
        a search no database could hold (PostgreSQL refuses NUL) is a 400, and so is one of
        more words than the site's search reads: Flask-Admin matches every word against every
        column, and a few thousand words make a statement no database accepts."""
        args = super()._get_list_extra_args()
        if not 0 <= args.page < MAX_PAGE:
            abort(404)
        if args.search and has_unstorable_characters(args.search):
            abort(400, UNSEARCHABLE)
        if args.search and (len(args.search) > QUERY_MAX or len(args.search.split()) > CLAUSES_MAX):
            abort(400, TOO_LONG_A_SEARCH)
        return args

    def get_one(self, id):
        """The record a page names: 404 for an id that is none (PostgreSQL refuses ``abc`` or
        an integer beyond its range) or names no row, as on the rest of the site, where
        Flask-Admin would redirect to the list."""
        number = parse_id(id)
        record = None if number is None else db.session.get(self.model, number)
        if record is None:
            abort(404)
        return record

    def handle_action(self, return_view=None):
        """Flask-Admin's "With selected" form, refused with a 400 when it is none the list sends:
        an action this view doesn't offer, or a row id that is no id. An id of a row deleted
        since the list was shown is no mistake: the action goes on with the others."""
        offered = {name for name, _text in self.get_actions_list()[0]}
        raw_ids = request.form.getlist("rowid")
        if request.form.get("action") not in offered or len(row_ids(raw_ids)) != len(raw_ids):
            abort(400)
        return super().handle_action(return_view)

    def _run(self, ids, change, done: str) -> None:
        """Apply ``change`` to each selected row, reporting what the domain refused."""
        changed = 0
        for row in db.session.scalars(db.select(self.model).where(self.model.id.in_(row_ids(ids)))):
            try:
                change(row)
            except DomainError as error:
                db.session.rollback()
                flash(str(error) or "Not allowed.", "error")
            else:
                log_admin_action("%s %s #%s", done, self.model.__name__.lower(), row.id)
                changed += 1
        flash(f"{done.capitalize()} {changed} {self.model.__name__.lower()}(s).", "success")

    def delete_model(self, model) -> bool:
        log_admin_action("deleted %s #%s", self.model.__name__.lower(), model.id)
        return super().delete_model(model)

    @action("delete", "Delete", "Are you sure you want to delete selected records?")
    def action_delete(self, ids) -> None:
        """Flask-Admin's own, given integer ids: it compares the form's strings with the integer
        key, which PostgreSQL refuses (integer = character varying)."""
        super().action_delete(tuple(row_ids(ids)))


class UserAdmin(BaseAdminView):
    column_list = ("username", "email", "is_admin", "is_disabled", "created_at")
    column_searchable_list = ("username", "email")
    column_filters = ("is_admin", "is_disabled")
    column_default_sort = ("created_at", True)
    column_exclude_list = ("password_hash",)
    column_details_exclude_list = ("password_hash",)
    can_delete = False  # disable accounts instead: their posts and comments stay attributed
    can_edit = False

    @action("promote", "Make admin")
    def promote(self, ids):
        self._run(ids, lambda u: users.set_admin(u, True, current_user), "promoted")

    @action("demote", "Remove admin")
    def demote(self, ids):
        self._run(ids, lambda u: users.set_admin(u, False, current_user), "demoted")

    @action("disable", "Disable account", "Disabled accounts can't sign in or use the API.")
    def disable(self, ids):
        self._run(ids, lambda u: users.set_disabled(u, True, current_user), "disabled")

    @action("enable", "Enable account")
    def enable(self, ids):
        self._run(ids, lambda u: users.set_disabled(u, False, current_user), "enabled")


class PostStatusFilter(FilterEqual):
    """Posts by status. Flask-Admin's own enum filter offers the values but looks them up by
    member name (a 500 for ``draft``); this one offers and takes the values, and ignores, with a
    message, anything else."""

    def __init__(self) -> None:
        options = [(status.value, status.value.capitalize()) for status in PostStatus]
        super().__init__(Post.status, "Status", options=options)

    def validate(self, value: str) -> bool:
        return value in {status.value for status in PostStatus}

    def clean(self, value: str) -> PostStatus:
        return PostStatus(value)


class PostAdmin(BaseAdminView):
    column_list = ("title", "author", "status", "published_at", "updated_at")
    column_searchable_list = ("title", "slug")
    column_filters = (PostStatusFilter(),)
    column_default_sort = ("created_at", True)
    column_details_exclude_list = ("body_html",)
    can_edit = False

    @action("unpublish", "Unpublish", "Turn the selected posts back into drafts?")
    def unpublish(self, ids):
        self._run(ids, lambda p: posts.unpublish_post(p, current_user), "unpublished")


class CommentAdmin(BaseAdminView):
    column_list = ("body", "author", "post", "created_at")
    column_searchable_list = ("body",)
    column_default_sort = ("created_at", True)
    column_details_exclude_list = ("body_html",)
    can_edit = False


class TagAdmin(BaseAdminView):
    """Rename a tag with Edit; renaming it to an existing tag merges the two."""

    column_list = ("name",)
    column_searchable_list = ("name",)
    column_default_sort = "name"
    form = TagForm
    can_edit = True

    def update_model(self, form, model) -> bool:
        old_name, new_name = model.name, form.name.data
        db.session.expire(model)  # keep the row as it is until the domain has checked the name
        try:
            result = tags.rename_tag(model, new_name)
        except ValidationError as error:
            flash(f"Tag {' '.join(error.errors.get('name', ['is invalid']))}", "error")
            return False
        log_admin_action("renamed tag %r to %r", old_name, result.name)
        return True

    @action("merge", "Merge", "Merge the selected tags into the first one (alphabetically)?")
    def merge(self, ids):
        chosen = db.select(Tag).where(Tag.id.in_(row_ids(ids))).order_by(Tag.name)
        selected = list(db.session.scalars(chosen))
        if len(selected) < 2:
            flash("Select at least two tags to merge.", "error")
            return
        target = tags.merge_tags(selected[1:], selected[0])
        log_admin_action("merged %d tags into %r", len(selected) - 1, target.name)
        flash(f"Merged {len(selected) - 1} tag(s) into {target.name}.", "success")
