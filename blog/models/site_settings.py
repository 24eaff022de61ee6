"""What an admin set about the whole site (:mod:`blog.domain.site_settings` reads and checks it)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from blog.extensions import db
from blog.models.types import UTCDateTime

SITE_SETTINGS_ID = 1
TITLE_MAX = 80
DESCRIPTION_MAX = 300
URL_MAX = 2000
LANGUAGE_MAX = 32


class SiteSettings(db.Model):
    """One row (``id`` 1), or none until an admin first saves the settings. A NULL column means
    "the environment's setting" (``BLOG_TITLE``, ``POSTS_PER_PAGE``...), or the theme's own
    look where there is none; the link lists are JSON arrays of ``{"label"|"service", "url"}``."""

    __tablename__ = "site_settings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    title: so.Mapped[str | None] = so.mapped_column(sa.String(TITLE_MAX))
    description: so.Mapped[str | None] = so.mapped_column(sa.String(DESCRIPTION_MAX))
    logo_url: so.Mapped[str | None] = so.mapped_column(sa.String(URL_MAX))
    accent_color: so.Mapped[str | None] = so.mapped_column(sa.String(7))
    navigation_links: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    social_links: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    posts_per_page: so.Mapped[int | None] = so.mapped_column()
    search_language: so.Mapped[str | None] = so.mapped_column(sa.String(LANGUAGE_MAX))
    show_hero: so.Mapped[bool] = so.mapped_column(default=True)
    updated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
