from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from blog.admin.views import CommentAdmin, DashboardView, PostAdmin, TagAdmin, UserAdmin
from blog.extensions import db
from blog.models import Comment, Post, Tag, User


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
        admin.add_view(
            view(model, db, name=table.capitalize(), endpoint=f"admin_{table}", url=table)
        )
    return admin
