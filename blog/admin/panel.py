from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.menu import MenuLink
from flask_admin.theme import Bootstrap4Theme

from blog.admin.site_settings import SiteSettingsView
from blog.admin.views import CommentAdmin, DashboardView, PostAdmin, TagAdmin, UserAdmin
from blog.extensions import db
from blog.models import Comment, Post, Tag, User
from blog.moving.archive.admin import ArchiveView

# Flask-Admin's pages with what the site's Content-Security-Policy blocks (javascript: links,
# onclick="..." handlers) written out of them: templates/admin/blog_*.html, which extend
# Flask-Admin's own, and admin/actions.html and admin/model/row_actions.html, which replace its
# own. js/admin.js gives the same behaviour from a script file.
PAGE_TEMPLATES = {
    "list_template": "admin/blog_list.html",
    "details_template": "admin/blog_details.html",
    "edit_template": "admin/blog_edit.html",
}


def init_admin(app: Flask) -> Admin:
    """Build the panel for ``app``.

    Flask-Admin views keep per-app state (their blueprints), so each app gets its own ``Admin``
    rather than sharing one unbound instance.
    """
    admin = Admin(
        app,
        name=f"{app.config['BLOG_TITLE']} admin",
        index_view=DashboardView(name="Dashboard", url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/blog_base.html"),
    )
    for view, model in (
        (UserAdmin, User),
        (PostAdmin, Post),
        (CommentAdmin, Comment),
        (TagAdmin, Tag),
    ):
        table = model.__tablename__
        model_view = view(model, db, name=table.capitalize(), endpoint=f"admin_{table}", url=table)
        for attribute, template in PAGE_TEMPLATES.items():
            setattr(model_view, attribute, template)
        admin.add_view(model_view)
    admin.add_view(SiteSettingsView(name="Settings", endpoint="admin_settings", url="settings"))
    admin.add_view(ArchiveView(name="Archive", endpoint="admin_archive", url="archive"))
    admin.add_menu_item(MenuLink(name="Pages", endpoint="pages.index"))  # the site's own list
    return admin
