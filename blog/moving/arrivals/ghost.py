"""A Ghost export (the JSON of Settings → Labs → Export, Ghost 1 to 5) read into an
:class:`Export`.

Both shapes are read: ``{"db": [{"meta": ..., "data": {...}}]}`` and the bare
``{"meta": ..., "data": {...}}``. Posts and pages carry their HTML when the export has it, else
their Mobiledoc or Lexical document made Markdown (:mod:`blog.moving.arrivals.ghost_cards`); their
tags (``posts_tags``), authors (``posts_authors``, or the older ``author_id``), status, dates,
feature image (the post's cover), custom excerpt (its description) and slug.

Ghost writes links to its own pages as ``__GHOST_URL__/slug/``: they become addresses on this
site (``/slug/``), which the redirects made for the posts lead on to where each post is now.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from blog.moving.arrivals.ghost_cards import lexical_to_markdown, mobiledoc_to_markdown
from blog.moving.arrivals.markup import html_to_markdown
from blog.moving.arrivals.records import (
    Author,
    Entry,
    Export,
    Status,
    Term,
    UnreadableExport,
    storable,
    utc,
)

GHOST_URL = "__GHOST_URL__"
_OWN_IMAGES = re.compile(r"""(?:src|href)=["']?/content/images/""")
READ_TABLES = frozenset({"posts", "tags", "users", "posts_tags", "posts_authors", "posts_meta"})
TABLE_REASONS = {
    "settings": "not carried: set the site's title, logo and the rest in Admin → Settings",
    "roles": "not carried: accounts made here are authors, never admins",
    "roles_users": "not carried: accounts made here are authors, never admins",
    "members": "not carried: the blog has no members or subscribers",
    "newsletters": "not carried: the blog sends no newsletters",
}
TABLE_REASON = "not carried: the blog has nothing like it (or it is Ghost's own bookkeeping)"
NOT_PUBLIC = "members-only on Ghost: kept as a draft, as the blog has no members' posts"
INTERNAL_TAG = ("internal tag (#name)", "not carried: Ghost's tags for themes, not readers'")
OWN_IMAGE = (
    "image",
    "still points at /content/images/ on the old blog's address, which this blog doesn't "
    "serve: upload it here and change the link",
)


def _rows(data: dict, table: str) -> list[dict]:
    rows = data.get(table) or []
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise UnreadableExport(f"the table {table!r} is not a list of rows")
    return rows


def _text(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise UnreadableExport(f"{name} {value!r} is not text")
    return storable(str(value)).strip()


def _date(row: dict, name: str) -> datetime | None:
    value = row.get(name)
    if value in (None, ""):
        return None
    try:
        if isinstance(value, int | float):  # Ghost 0.x: milliseconds since 1970
            return datetime.fromtimestamp(value / 1000, UTC)
        return utc(datetime.fromisoformat(str(value)))
    except (ValueError, OverflowError, OSError):
        raise UnreadableExport(f"{name} {value!r} is not a date") from None


def database(document: Any) -> tuple[dict, str]:
    """The ``data`` tables of an export in either shape, and its Ghost version."""
    db = document
    if isinstance(document, dict) and isinstance(document.get("db"), list) and document["db"]:
        db = document["db"][0]
    if not isinstance(db, dict) or not isinstance(db.get("data"), dict):
        raise UnreadableExport("not a Ghost export: it has no db[0].data (nor data) object")
    meta = db.get("meta") if isinstance(db.get("meta"), dict) else {}
    return db["data"], str(meta.get("version") or "unknown")


def _authors(data: dict) -> dict[str, Author]:
    authors = {}
    for row in _rows(data, "users"):
        slug = _text(row, "slug") or _text(row, "name") or _text(row, "id")
        image = _text(row, "profile_image").replace(GHOST_URL, "")
        authors[_text(row, "id")] = Author(
            key=_text(row, "id"),
            login=slug,
            name=_text(row, "name") or slug,
            email=_text(row, "email") or None,
            bio=_text(row, "bio"),
            image=f"https:{image}" if image.startswith("//") else image or None,
            old_paths=[f"/author/{slug}/"],
        )
    return authors


def _tags(data: dict, export: Export) -> dict[str, Term]:
    tags = {}
    for row in _rows(data, "tags"):
        name = _text(row, "name")
        if name.startswith("#") or _text(row, "visibility") == "internal":
            export.left_behind.add(*INTERNAL_TAG)
            continue
        slug = _text(row, "slug")
        tags[_text(row, "id")] = Term(name, [f"/tag/{slug}/"] if slug else [])
    return tags


def _links(data: dict, table: str, column: str) -> dict[str, list[str]]:
    """Each post's ``column`` ids from a link table, in its ``sort_order``."""
    rows = sorted(_rows(data, table), key=lambda row: row.get("sort_order") or 0)
    linked: dict[str, list[str]] = {}
    for row in rows:
        linked.setdefault(_text(row, "post_id"), []).append(_text(row, column))
    return linked


def _body(row: dict, export: Export) -> str:
    html = _text(row, "html")
    if html:
        html = html.replace(GHOST_URL, "")
        export.changed.add(*OWN_IMAGE, count=len(_OWN_IMAGES.findall(html)))
        return html_to_markdown(html, export.changed)
    for name, convert in (("lexical", lexical_to_markdown), ("mobiledoc", mobiledoc_to_markdown)):
        document = row.get(name)
        if document:
            own = document.replace(GHOST_URL, "") if isinstance(document, str) else document
            return convert(own, export.changed, export.left_behind)
    return _text(row, "markdown")  # Ghost 0.x kept its Markdown


def _status(row: dict, export: Export, kind: str) -> Status | None:
    raw = _text(row, "status")
    status = {"published": Status.PUBLISHED, "draft": Status.DRAFT}.get(raw)
    if raw == "scheduled":
        status = Status.SCHEDULED
        if kind == "page":
            export.changed.add(kind, "scheduled: kept as a draft, as pages here have no time")
            status = Status.DRAFT
    elif raw == "sent":
        export.changed.add(kind, "sent by e-mail only: kept as a draft, as it never was online")
        status = Status.DRAFT
    elif status is None:
        export.left_behind.add(kind, f"not carried: its status on Ghost was {raw or 'none'!r}")
        return None
    if _text(row, "visibility") not in ("", "public") and status is not Status.DRAFT:
        export.changed.add(kind, NOT_PUBLIC)
        status = Status.DRAFT
    return status


def _cover(row: dict, export: Export, kind: str) -> str | None:
    image = (_text(row, "feature_image") or _text(row, "image")).replace(GHOST_URL, "")
    if image and kind == "page":
        export.left_behind.add("page's feature image", "not carried: pages here have no cover")
        return None
    if image.startswith("/"):
        export.left_behind.add("feature image", OWN_IMAGE[1])
        return None
    return image or None


def _entry(row, export: Export, tags, post_tags, post_authors, meta) -> Entry | None:
    kind = "page" if _text(row, "type") == "page" or row.get("page") in (1, True) else "post"
    status = _status(row, export, kind)
    if status is None:
        return None
    post_id = _text(row, "id")
    created = _date(row, "created_at") or _date(row, "published_at")
    if created is None:
        raise UnreadableExport(f"post {post_id} has no created_at")
    authors = post_authors.get(post_id) or [_text(row, "author_id")]
    if len(authors) > 1:
        export.changed.add(kind, "had several authors: the first one Ghost lists is its author")
    description = (
        _text(row, "custom_excerpt")
        or _text(meta.get(post_id, {}), "meta_description")
        or _text(row, "meta_description")  # Ghost 0.x and 1.x
    )
    if description and kind == "page":
        export.left_behind.add("page's excerpt", "not carried: pages here have no description")
    slug = _text(row, "slug")
    return Entry(
        key=_text(row, "uuid") or post_id,
        is_page=kind == "page",
        title=_text(row, "title") or "Untitled",
        slug=slug,
        body=_body(row, export),
        status=status,
        created_at=created,
        updated_at=max(_date(row, "updated_at") or created, created),
        published_at=None if status is Status.DRAFT else _date(row, "published_at") or created,
        description="" if kind == "page" else description,
        tags=[tags[t].name for t in post_tags.get(post_id, []) if t in tags],
        author_key=authors[0] or None,
        cover_image=_cover(row, export, kind),
        old_paths=[f"/{slug}/"] if slug else [],
    )


def read_ghost(data: bytes) -> Export:
    """The export in ``data`` (the file's bytes), or :class:`UnreadableExport` saying why not."""
    try:
        document = json.loads(data)
    except UnicodeDecodeError:
        raise UnreadableExport("not UTF-8 text") from None
    except ValueError as error:
        raise UnreadableExport(f"not valid JSON ({error})") from None
    tables, version = database(document)
    export = Export(source=f"Ghost {version}", origin="ghost")
    export.authors = _authors(tables)
    tags = _tags(tables, export)
    post_tags = _links(tables, "posts_tags", "tag_id")
    post_authors = _links(tables, "posts_authors", "author_id")
    meta = {_text(row, "post_id"): row for row in _rows(tables, "posts_meta")}
    for row in _rows(tables, "posts"):
        entry = _entry(row, export, tags, post_tags, post_authors, meta)
        if entry is not None:
            export.entries.append(entry)
    export.terms = list(tags.values())
    for table, rows in tables.items():
        if table not in READ_TABLES and isinstance(rows, list) and rows:
            reason = TABLE_REASONS.get(table, TABLE_REASON)
            export.left_behind.add(f"Ghost {table}", reason, len(rows))
    return export
