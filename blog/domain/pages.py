"""Pages (About, Contact, Colophon): who writes them, their addresses, and what readers see.

A page lives at the top of the site (``/about``), so its slug must never take an address the
site serves itself: :func:`reserved_slugs` reads the first path segment of every URL rule of
the app, whichever feature added it, on top of :data:`RESERVED_NAMES` kept for later use.
Pages are the site's, not an author's: only admins write them, and only admins see a draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

import sqlalchemy as sa
from flask import current_app, g
from slugify import slugify
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.routing import Map

from blog import caching
from blog.domain.errors import NotFound, PermissionDenied, ValidationError
from blog.domain.permissions import is_admin
from blog.domain.posts import clean_body
from blog.domain.rows import insert_retrying, take_turns, take_turns_on
from blog.domain.text import clean_text, collect
from blog.extensions import db
from blog.markdown import render_post
from blog.models import Page, User, utcnow
from blog.models.page import NAVIGATION_POSITION_MAX, PAGE_SLUG_MAX, PAGE_TITLE_MAX

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""What a page's slug may be: lower-case letters and digits in words joined by hyphens."""

RESERVED_NAMES = frozenset(
    {
        *("account", "accounts", "admin", "administrator", "api", "assets"),
        *("auth", "blog", "css", "dashboard", "edit", "favicon", "feeds", "files", "help"),
        *("images", "img", "js", "login", "logout", "media", "new", "pages", "posts", "root"),
        *("signin", "signout", "signup", "static", "system", "uploads", "user", "users"),
        *("well-known", "www"),
    }
)
"""Names no page may take although no route uses them (yet): addresses people expect to be
the site's own, or that a later feature may want."""

SLUG_TAKEN = "is already taken by another page"
SLUG_ATTEMPTS = 3

SUMMARY_MAX = 160
"""A page's meta description: the start of its first paragraph, at most this many characters."""


@dataclass(frozen=True)
class NavigationLink:
    """A page linked in the site's navigation: what the navigation prints, and nothing more (it
    is cached)."""

    title: str
    slug: str


def can_manage_pages(user: User | None) -> bool:
    """Admins write, edit and delete pages, and see drafts."""
    return is_admin(user)


def can_view_page(user: User | None, page: Page) -> bool:
    return page.is_published or can_manage_pages(user)


def require_page_manager(user: User | None) -> None:
    """A :class:`PermissionDenied` (a 403) for anyone but an admin."""
    if not can_manage_pages(user):
        raise PermissionDenied("Only admins can write pages.", "page")


def route_segments(url_map: Map) -> frozenset[str]:
    """The first path segment of every URL rule that starts with a fixed one (``/search``,
    ``/api/...``, ``/feed.atom``), with a name's part before a dot (``feed`` of ``feed.atom``)."""
    segments = set()
    for rule in url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            segments.add(first.lower())
            segments.add(first.split(".", 1)[0].lower())
    return frozenset(segments)


def reserved_slugs() -> frozenset[str]:
    """Every slug a page may not take in this app: its routes' first segments and
    :data:`RESERVED_NAMES`. Read from the app's URL map once per app."""
    app = current_app._get_current_object()
    reserved = app.extensions.get("blog.reserved_page_slugs")
    if reserved is None:
        reserved = route_segments(app.url_map) | RESERVED_NAMES
        app.extensions["blog.reserved_page_slugs"] = reserved
    return reserved


def is_page_slug(value: str) -> bool:
    """Whether a path segment could be a page's address (the page route's converter asks):
    the slug pattern, and not a name the site keeps for itself."""
    return (
        len(value) <= PAGE_SLUG_MAX
        and SLUG_PATTERN.fullmatch(value) is not None
        and value not in reserved_slugs()
    )


def clean_slug(value: Any) -> str:
    """An explicit slug, or a :class:`ValidationError` saying why it can't be one."""
    slug = clean_text(value, "slug", max_length=PAGE_SLUG_MAX).lower()
    if SLUG_PATTERN.fullmatch(slug) is None:
        raise ValidationError.single(
            "slug", "may only contain lower-case letters, digits and hyphens between words"
        )
    if slug in reserved_slugs():
        raise ValidationError.single(
            "slug", f"“{slug}” is an address the site uses itself: choose another"
        )
    return slug


def slug_from_title(title: str) -> str:
    """The slug a title asks for (``About us`` → ``about-us``, any script transliterated as for
    posts), ``-page`` added when the site keeps that name (a page titled "Search")."""
    slug = slugify(title, max_length=PAGE_SLUG_MAX - 12, word_boundary=True) or "page"
    return f"{slug}-page" if slug in reserved_slugs() else slug


def _free_slug(base: str, page: Page | None) -> str:
    """``base``, or ``base-2``, ``base-3``... when another page has it."""
    others = sa.select(Page.slug).where(
        sa.or_(Page.slug == base, Page.slug.like(f"{base}-%")),
        *((Page.id != page.id,) if page is not None and page.id is not None else ()),
    )
    taken = set(db.session.scalars(others))
    number = 1
    candidate = base
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def clean_position(value: Any) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError.single("navigation_position", "must be a whole number")
    try:
        number = int(value)
    except ValueError:
        raise ValidationError.single("navigation_position", "must be a whole number") from None
    if not 0 <= number <= NAVIGATION_POSITION_MAX:
        raise ValidationError.single(
            "navigation_position", f"must be between 0 and {NAVIGATION_POSITION_MAX}"
        )
    return number


def _clean(fields: dict[str, Any], page: Page | None) -> dict[str, Any]:
    cleaners = {
        "title": lambda v: clean_text(v, "title", max_length=PAGE_TITLE_MAX),
        "body": lambda v: clean_body(v, page.body if page else None),
        "slug": lambda v: clean_slug(v) if (v or "").strip() else "",
        "navigation_position": clean_position,
    }
    names = [name for name in cleaners if name in fields]
    values = collect(*(lambda n=n: cleaners[n](fields[n]) for n in names))
    return dict(zip(names, values, strict=True))


def _save(page: Page) -> Page:
    """Flush and commit, turning a slug another page took meanwhile into a field's message."""
    try:
        with db.session.begin_nested():
            db.session.add(page)
            db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ValidationError.single("slug", SLUG_TAKEN) from None
    db.session.commit()
    return page


def _check_slug_free(slug: str, page: Page | None) -> None:
    query = sa.select(Page.id).where(Page.slug == slug)
    if page is not None and page.id is not None:
        query = query.where(Page.id != page.id)
    if db.session.scalar(query) is not None:
        raise ValidationError.single("slug", SLUG_TAKEN)


def create_page(
    author: User,
    *,
    title: Any,
    body: Any,
    slug: Any = "",
    publish: bool = False,
    in_navigation: bool = False,
    navigation_position: Any = 0,
) -> Page:
    """A new page by an admin. Without a slug it gets one from its title (``-2`` when taken);
    a slug given is taken as it is, or refused with a message (reserved, malformed, taken)."""
    require_page_manager(author)
    fields = _clean(
        {"title": title, "body": body, "slug": slug, "navigation_position": navigation_position},
        None,
    )
    body_html = render_post(fields["body"])  # before taking turns: long bodies take a while
    base = fields["slug"] or slug_from_title(fields["title"])
    take_turns(author.id)  # SQLite: the write lock before reading the slugs taken
    take_turns_on(f"page-slug:{base}")  # PostgreSQL: one writer of a slug family at a time
    now = utcnow()
    for attempt in range(SLUG_ATTEMPTS):
        if fields["slug"]:
            _check_slug_free(fields["slug"], None)
        page = Page(
            title=fields["title"],
            slug=fields["slug"] or _free_slug(base, None),
            body=fields["body"],
            body_html=body_html,
            is_published=bool(publish),
            in_navigation=bool(in_navigation),
            navigation_position=fields["navigation_position"],
            author=author,
            created_at=now,
            updated_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(page)
                db.session.flush()
        except IntegrityError:
            # Another admin took the slug meanwhile: a slug from the title is chosen again.
            if fields["slug"] or attempt == SLUG_ATTEMPTS - 1:
                db.session.rollback()
                raise ValidationError.single("slug", SLUG_TAKEN) from None
            continue
        db.session.commit()
        return page
    raise AssertionError("unreachable")


def import_page(
    author: User | None,
    *,
    title: Any,
    body: Any,
    slug: str,
    publish: bool,
    created_at: datetime,
    updated_at: datetime,
) -> Page:
    """A page moved in from another blog (:mod:`blog.moving.arrivals.writing`), cleaned as
    :func:`create_page` cleans one, with its dates there, and its slug as this site would make
    it from that one (transliterated, ``-page`` after a name the site keeps, ``-2`` when
    another page has it). The operator's import writes it, so no admin is asked for; ``author``
    only says who wrote it. Nothing is committed: the importer commits it with its redirects.
    """
    fields = _clean({"title": title, "body": body}, None)
    base = slug_from_title(slug or fields["title"])
    body_html = render_post(fields["body"])
    take_turns_on(f"page-slug:{base}")

    def make() -> Page:
        page = Page(
            title=fields["title"],
            slug=_free_slug(base, None),
            body=fields["body"],
            body_html=body_html,
            is_published=bool(publish),
            author=author,
            created_at=created_at,
            updated_at=max(updated_at, created_at),
        )
        db.session.add(page)
        db.session.flush()
        return page

    return insert_retrying(make, SLUG_ATTEMPTS)


def update_page(page: Page, editor: User, changes: dict[str, Any]) -> Page:
    """Change the given fields (title, body, slug, publish, in_navigation, navigation_position).
    The slug changes only when a new one is given: editing the title keeps the address."""
    require_page_manager(editor)
    fields = _clean(changes, page)
    changed = False
    if fields.get("slug") and fields["slug"] != page.slug:
        _check_slug_free(fields["slug"], page)
        page.slug = fields["slug"]
        changed = True
    for name in ("title", "body", "navigation_position"):
        if name in fields and fields[name] != getattr(page, name):
            setattr(page, name, fields[name])
            changed = True
            if name == "body":
                page.body_html = render_post(page.body)
    for name, attribute in (("publish", "is_published"), ("in_navigation", "in_navigation")):
        if name in changes and bool(changes[name]) != getattr(page, attribute):
            setattr(page, attribute, bool(changes[name]))
            changed = True
    if changed:
        page.updated_at = utcnow()
    return _save(page)


def delete_page(page: Page, user: User) -> None:
    require_page_manager(user)
    db.session.delete(page)
    db.session.commit()


def get_page(slug: str, viewer: User | None) -> Page:
    """The page at ``slug`` if ``viewer`` may see it; a draft looks absent to all but admins."""
    page = None
    if len(slug) <= PAGE_SLUG_MAX and SLUG_PATTERN.fullmatch(slug):
        page = db.session.scalar(sa.select(Page).where(Page.slug == slug))
    if page is None or not can_view_page(viewer, page):
        raise NotFound("No such page.", "page")
    return page


def get_editable_page(slug: str, editor: User | None) -> Page:
    """The page at ``slug`` for an admin to change: 403 for anyone else, 404 if there is none."""
    require_page_manager(editor)
    return get_page(slug, editor)


def all_pages(viewer: User | None) -> list[Page]:
    """Every page, drafts too, for the admins' list: linked ones first, in navigation order."""
    require_page_manager(viewer)
    return list(
        db.session.scalars(
            sa.select(Page).order_by(
                Page.in_navigation.desc(), Page.navigation_position, Page.title, Page.id
            )
        )
    )


def _navigation_links() -> tuple[NavigationLink, ...]:
    rows = db.session.execute(
        sa.select(Page.title, Page.slug)
        .where(Page.is_published, Page.in_navigation)
        .order_by(Page.navigation_position, Page.id)
    )
    return tuple(NavigationLink(title, slug) for title, slug in rows)


def navigation_links() -> tuple[NavigationLink, ...]:
    """The published pages linked in the navigation, in their order: at most one statement a
    request, kept in ``g``.

    When this request has read the content version already (the home page has, for its tag
    counts), the links come from the cache at that version (:mod:`blog.caching`): never stale,
    often no statement at all. Otherwise reading the version only to look in the cache would
    cost as much as the query, so the query runs. A database that doesn't answer (an outage,
    a schema behind its migrations) leaves the navigation without pages, not the page broken.
    """
    if "navigation_links" not in g:
        try:
            if "content_version" in g:
                g.navigation_links = caching.remember("navigation-pages", _navigation_links)
            else:
                g.navigation_links = _navigation_links()
        except SQLAlchemyError:
            db.session.rollback()
            g.navigation_links = ()
    return g.navigation_links


class _FirstParagraph(HTMLParser):
    """The text of the first ``<p>`` of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.done = False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "p" and not self.done:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self.depth:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data: str) -> None:
        if self.depth and not self.done:
            self.parts.append(data)


def summary(page: Page) -> str:
    """A page's description for search engines and link previews: its first paragraph's text,
    cut at a word within :data:`SUMMARY_MAX` characters; the title when it has no paragraph."""
    parser = _FirstParagraph()
    parser.feed(page.body_html)
    text = " ".join("".join(parser.parts).split())
    if not text:
        return page.title
    if len(text) <= SUMMARY_MAX:
        return text
    cut = text[: SUMMARY_MAX - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"
