"""Pages: the site's non-dated pages (About, Contact, Colophon), at top-level addresses.

A table of their own, not posts of another kind: every list, count, feed, search and API answer
reads ``posts`` and so can never show a page. Pages belong to the site, not to an author (admins
write them); ``author`` only says who wrote one, and stays empty when that account goes.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from blog.extensions import db
from blog.models.post import BODY_MAX, TITLE_MAX
from blog.models.types import UTCDateTime, utcnow
from blog.models.user import User

PAGE_SLUG_MAX = 80
PAGE_TITLE_MAX = TITLE_MAX
PAGE_BODY_MAX = BODY_MAX
NAVIGATION_POSITION_MAX = 999


class Page(db.Model):
    __tablename__ = "pages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(PAGE_SLUG_MAX), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(PAGE_TITLE_MAX))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str] = so.mapped_column(sa.Text)
    is_published: so.Mapped[bool] = so.mapped_column(default=False)
    in_navigation: so.Mapped[bool] = so.mapped_column(default=False)
    navigation_position: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    author: so.Mapped[User | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<Page {self.slug}>"

    def __str__(self) -> str:
        return self.title
