"""Filters and globals the templates share."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, request, url_for

from blog.domain import site_settings
from blog.domain.reading import reading_minutes


def human_date(value: datetime | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


def iso_datetime(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else ""


def relative_time(value: datetime | None, now: datetime | None = None) -> str:
    """``"3 hours ago"``; past a week, the date."""
    if value is None:
        return ""
    seconds = ((now or datetime.now(UTC)) - value).total_seconds()
    for limit, size, unit in (
        (60, 1, None),
        (3600, 60, "minute"),
        (86400, 3600, "hour"),
        (7 * 86400, 86400, "day"),
    ):
        if seconds < limit:
            if unit is None:
                return "just now"
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return human_date(value)


def url_for_page(page: int) -> str:
    """The current URL with ``?page=`` set, keeping the other query arguments.

    Arguments that ``url_for`` would read as its own (``endpoint``, ``_external``, ``_anchor``...)
    are dropped: a visitor's query string must not choose how links are built.
    """
    query = {
        name: value
        for name, value in request.args.to_dict().items()
        if name != "endpoint" and not name.startswith("_")
    }
    return url_for(request.endpoint, **{**query, **request.view_args, "page": page})


def init_app(app: Flask) -> None:
    app.add_template_filter(human_date)
    app.add_template_filter(iso_datetime)
    app.add_template_filter(relative_time)
    app.add_template_filter(reading_minutes)
    app.add_template_global(url_for_page)

    @app.context_processor
    def site() -> dict:
        """The site settings in force (:mod:`blog.domain.site_settings`), for every template:
        pages, the admin panel, emails; ``site_title`` and ``site_description`` for short."""
        settings = site_settings.current()
        return {
            "site": settings,
            "site_title": settings.title,
            "site_description": settings.description,
        }
