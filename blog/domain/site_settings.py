"""Site settings an admin edits (title, description, logo, accent colour, navigation and social
links, posts per page, search language, the home page's hero): their rules, and reading them.

Stored in one row (:class:`blog.models.SiteSettings`); what it leaves unset comes from the
environment (``BLOG_TITLE``, ``BLOG_DESCRIPTION``, ``POSTS_PER_PAGE``, ``SEARCH_LANGUAGE``), so a
blog nobody has configured looks as it did. :func:`current` is what every page, feed, email and
search reads.

Never stale, at most one read a request: the stored row is cached with
:func:`blog.caching.remember`, keyed by the content version that every committed write raises
(saving the settings too), so a change made through any process shows on every instance's next
request, and a page that reads the version anyway (most do) pays no statement at all for the
settings. What the environment adds is merged on each read (a dictionary lookup), never cached.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError

from blog import caching
from blog.config import SEARCH_LANGUAGES
from blog.domain.errors import PermissionDenied, ValidationError
from blog.domain.permissions import is_admin
from blog.extensions import db
from blog.models import SiteSettings, User, utcnow
from blog.models.site_settings import DESCRIPTION_MAX, SITE_SETTINGS_ID, TITLE_MAX, URL_MAX

POSTS_PER_PAGE_RANGE = (1, 100)
"""What a page of posts may hold (the lists refuse more than 100 a page)."""
NAVIGATION_LINKS_MAX = 8
SOCIAL_LINKS_MAX = 8
LABEL_MAX = 40
SOCIAL_SERVICES = {
    "mastodon": "Mastodon",
    "github": "GitHub",
    "gitlab": "GitLab",
    "codeberg": "Codeberg",
    "bluesky": "Bluesky",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "instagram": "Instagram",
    "x": "X",
    "website": "Website",
}
"""The profiles a footer can link to, by the name stored and the name shown."""
COLOUR = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})", re.IGNORECASE)
UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f\\]")
"""Spaces, control characters and backslashes: browsers read ``/\\host`` as another site."""
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CACHE_KEY = "site-settings"
MEMO = "site_settings"
"""The ``g`` key of the settings this request read, with the content version they are of."""


@dataclass(frozen=True)
class NavigationLink:
    label: str
    url: str


@dataclass(frozen=True)
class SocialLink:
    service: str
    url: str

    @property
    def name(self) -> str:
        return SOCIAL_SERVICES.get(self.service, self.service)


@dataclass(frozen=True)
class Settings:
    """The settings in force: stored values, else the environment's, else the theme's."""

    title: str
    description: str
    logo_url: str | None
    accent_color: str | None
    navigation_links: tuple[NavigationLink, ...]
    social_links: tuple[SocialLink, ...]
    posts_per_page: int
    search_language: str
    show_hero: bool
    stored: Mapping[str, Any]
    """The row's own values (empty when nothing is stored): what the admin form shows."""


# Reading ----------------------------------------------------------------------------------


def current() -> Settings:
    """The settings of this request, read at most once, and again only after a commit.

    A request that has read the content version already (most pages have, for a cached value)
    takes the settings from the cache at that version: no statement. One that hasn't reads the
    version and the settings in a single statement, which is then its version read too."""
    if "content_version" in g:
        version = g.content_version
        memo = g.get(MEMO)
        if memo is not None and version is not None and memo[0] == version:
            return memo[1]
        # No version: a database that can't be read, or is behind its migrations (the version
        # table came first). The environment's settings, rather than another failing statement.
        stored = {} if version is None else caching.remember(CACHE_KEY, _read_stored)
    else:
        version, stored = _read_with_version()
    settings = _in_force(stored, current_app.config)
    setattr(g, MEMO, (version, settings))
    return settings


def search_language() -> str:
    return current().search_language


def _read_with_version() -> tuple[int | str | None, dict[str, Any]]:
    """The content version and the stored settings, in one statement (the version's columns
    are subqueries and the settings a one-row table, so a missing row leaves its columns
    NULL)."""
    try:
        row = db.session.execute(_settings_statement()).one()
    except SQLAlchemyError as error:
        _unreadable(error)
        caching.version_unreadable()
        return None, {}
    caching.version_read_along(row)
    values = {column: row._mapping[column] for column in STORED_COLUMNS}
    return caching.current_content_version(), values if values["show_hero"] is not None else {}


@functools.cache
def _settings_statement() -> sa.Select:
    """Built once: every page runs it, and building it cost more than running it."""
    one = sa.select(sa.literal(1).label("one")).subquery()
    return (
        sa.select(*caching.version_columns(), *_columns())
        .select_from(one)
        .outerjoin(SiteSettings, SiteSettings.id == SITE_SETTINGS_ID)
    )


def _columns() -> list:
    return [getattr(SiteSettings, column) for column in STORED_COLUMNS]


def _unreadable(error: SQLAlchemyError) -> None:
    """A database behind its migrations (no table yet) serves the environment's settings rather
    than failing every page. Inside a transaction that has written (a post saved, whose search
    document needs the language) nothing is rolled back: the transaction stays the caller's."""
    session = db.session
    if not session.info.get(caching.WROTE) and not session.new and not session.dirty:
        session.rollback()
    current_app.logger.warning(
        "site settings unreadable, using the defaults: %s", type(error).__name__
    )


def _read_stored() -> dict[str, Any]:
    """The row's values, ``{}`` without one."""
    statement = sa.select(*_columns()).where(SiteSettings.id == SITE_SETTINGS_ID)
    try:
        row = db.session.execute(statement).first()
    except SQLAlchemyError as error:
        _unreadable(error)
        return {}
    if row is None:
        return {}
    return dict(row._mapping)


STORED_COLUMNS = (
    "title",
    "description",
    "logo_url",
    "accent_color",
    "navigation_links",
    "social_links",
    "posts_per_page",
    "search_language",
    "show_hero",
)


DEFAULTS = {
    "title": "BLOG_TITLE",
    "description": "BLOG_DESCRIPTION",
    "posts_per_page": "POSTS_PER_PAGE",
    "search_language": "SEARCH_LANGUAGE",
}
"""The settings whose blank falls back to an environment setting, and its name."""


def _in_force(stored: Mapping[str, Any], config: Mapping[str, Any]) -> Settings:
    def value(column: str):
        chosen = stored.get(column)
        return config[DEFAULTS[column]] if chosen is None else chosen

    return Settings(
        title=value("title"),
        description=value("description"),
        logo_url=stored.get("logo_url"),
        accent_color=stored.get("accent_color"),
        navigation_links=tuple(
            NavigationLink(link["label"], link["url"])
            for link in stored.get("navigation_links", ())
        ),
        social_links=tuple(
            SocialLink(link["service"], link["url"]) for link in stored.get("social_links", ())
        ),
        posts_per_page=value("posts_per_page"),
        search_language=value("search_language"),
        show_hero=stored.get("show_hero", True) is not False,
        stored=dict(stored),
    )


# Rules ------------------------------------------------------------------------------------


def safe_url(raw: str | None, *, on_this_site: bool = True) -> str | None:
    """``raw`` when it is an ``http(s)://`` address with a host or (``on_this_site``) a path of
    this site (``/about``); None when blank. Anything else (``javascript:``, ``data:``,
    ``//other.example``, ``/\\other.example``) is refused with the message of a ValueError."""
    url = (raw or "").strip()
    if not url:
        return None
    if len(url) > URL_MAX:
        raise ValueError(f"must be at most {URL_MAX} characters")
    if UNSAFE_IN_URL.search(url):
        raise ValueError("can't contain spaces, control characters or backslashes")
    if on_this_site and url.startswith("/") and not url.startswith("//"):
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (a malformed port raises)
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        where = " or a path on this site, starting with /" if on_this_site else ""
        raise ValueError(f"must be an http:// or https:// address{where}")
    return url


def accent_color(raw: str | None) -> str | None:
    """``#rrggbb`` in lower case (``#abc`` is spelled out); None when blank."""
    text = (raw or "").strip()
    if not text:
        return None
    if not COLOUR.fullmatch(text):
        raise ValueError("must be a colour like #2f52c4")
    text = text.lower()
    if len(text) == 4:
        text = "#" + "".join(digit * 2 for digit in text[1:])
    return text


def posts_per_page(raw: Any) -> int | None:
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    low, high = POSTS_PER_PAGE_RANGE
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"must be a whole number from {low} to {high}")
    return int(text)


def search_language_choice(raw: str | None) -> str | None:
    text = (raw or "").strip().lower()
    if not text:
        return None
    if text not in SEARCH_LANGUAGES:
        raise ValueError("must be one of the languages offered")
    return text


def _text(raw: str | None, limit: int) -> str | None:
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > limit:
        raise ValueError(f"must be at most {limit} characters")
    if CONTROL.search(text):
        raise ValueError("can't contain control characters")
    return text


def _rows(pairs: Iterable[tuple[str, str]]) -> list[tuple[int, str, str]]:
    """The rows a person filled in, numbered from 1 as the form shows them; blank ones dropped."""
    return [
        (number, (first or "").strip(), (url or "").strip())
        for number, (first, url) in enumerate(pairs, start=1)
        if (first or "").strip() or (url or "").strip()
    ]


def navigation_links(pairs: Iterable[tuple[str, str]]) -> tuple[list[dict], list[str]]:
    """``(label, url)`` rows as stored, in order, and a message per wrong row."""
    links, problems = [], []
    rows = _rows(pairs)
    if len(rows) > NAVIGATION_LINKS_MAX:
        return [], [f"At most {NAVIGATION_LINKS_MAX} links."]
    for number, label, url in rows:
        try:
            label = _text(label, LABEL_MAX)
            if label is None:
                raise ValueError("needs a label")
            if not url:
                raise ValueError("needs an address")
            links.append({"label": label, "url": safe_url(url)})
        except ValueError as problem:
            problems.append(f"Link {number}: {problem}.")
    return links, problems


def social_links(pairs: Iterable[tuple[str, str]]) -> tuple[list[dict], list[str]]:
    """``(service, url)`` rows as stored, in order, and a message per wrong row."""
    links, problems = [], []
    rows = _rows(pairs)
    if len(rows) > SOCIAL_LINKS_MAX:
        return [], [f"At most {SOCIAL_LINKS_MAX} profiles."]
    for number, service, url in rows:
        try:
            if service not in SOCIAL_SERVICES:
                raise ValueError("choose which service it is")
            if not url:
                raise ValueError("needs an address")
            links.append({"service": service, "url": safe_url(url, on_this_site=False)})
        except ValueError as problem:
            problems.append(f"Profile {number}: {problem}.")
    return links, problems


def validate(data: Mapping[str, Any]) -> dict[str, Any]:
    """The row's values for what a form or the command line sent, or a ValidationError with
    every field's messages. Blank means "the default" (the environment's setting, the theme's
    look, no links); ``navigation_links`` and ``social_links`` are lists of pairs."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    single = {
        "title": lambda raw: _text(raw, TITLE_MAX),
        "description": lambda raw: _text(raw, DESCRIPTION_MAX),
        "logo_url": safe_url,
        "accent_color": accent_color,
        "posts_per_page": posts_per_page,
        "search_language": search_language_choice,
    }
    for field, check in single.items():
        try:
            values[field] = check(data.get(field))
        except ValueError as problem:
            errors[field] = [f"{problem}".capitalize() + "."]
    for field, check in (("navigation_links", navigation_links), ("social_links", social_links)):
        values[field], problems = check(data.get(field) or [])
        if problems:
            errors[field] = problems
    values["show_hero"] = bool(data.get("show_hero", True))
    if errors:
        raise ValidationError(errors)
    return values


# Saving -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    settings: Settings
    reindexed: int | None
    """How many posts were indexed again for a new search language; None when it stayed."""


def save(data: Mapping[str, Any], admin: User) -> Saved:
    """Store the settings (admins only) in one transaction; a new search language indexes every
    published post again in it, so search never mixes the old stems with the new."""
    if not is_admin(admin):
        raise PermissionDenied("Only admins can change the site's settings.")
    values = validate(data)
    language_before = current().search_language
    row = db.session.get(SiteSettings, SITE_SETTINGS_ID) or SiteSettings(id=SITE_SETTINGS_ID)
    for column, value in values.items():
        setattr(row, column, value)
    row.updated_at = utcnow()
    db.session.add(row)
    language = _in_force(values, current_app.config).search_language
    reindexed = None
    if language != language_before:
        from blog.domain.search import index  # the index reads the language from here

        db.session.flush()
        reindexed = index.rebuild(db.session, language)
    db.session.commit()
    current_app.logger.info(
        "admin %s changed the site settings%s",
        admin.username,
        f"; search language now {language}, {reindexed} post(s) indexed again"
        if reindexed is not None
        else "",
    )
    return Saved(current(), reindexed)


def described(settings: Settings) -> list[tuple[str, str, str]]:
    """``(name, value, where it comes from)`` for each setting, for ``flask blog settings``."""
    rows = []
    for column in STORED_COLUMNS:
        value = getattr(settings, column)
        if isinstance(value, tuple):
            value = ", ".join(
                f"{getattr(link, 'label', None) or link.name} {link.url}" for link in value
            )
        stored = settings.stored.get(column) not in (None, [])
        source = "site settings" if stored else DEFAULTS.get(column, "the theme's default")
        rows.append((column, "" if value is None else str(value), source))
    return rows
