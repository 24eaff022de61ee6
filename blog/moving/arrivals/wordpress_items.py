"""One WordPress post or page (an ``<item>`` of a WXR file) read into an :class:`Entry`: its
status, dates, text, tags, author, cover, old addresses and comments.

Statuses map to what the blog has: ``publish`` is published, ``future`` scheduled, ``draft``
a draft; ``pending`` and ``private`` become drafts (only the author and admins see one), as do
password-protected posts (posts here have no passwords, and the text was not public). Items in
the bin or never saved are not carried.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from blog.moving.arrivals.markup import html_to_markdown
from blog.moving.arrivals.records import (
    Author,
    Comment,
    Entry,
    Export,
    Status,
    Term,
    UnreadableExport,
)
from blog.moving.arrivals.wordpress_text import Attachment, Shortcodes, wordpress_html

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from blog.moving.arrivals.wxr import Reader

STATUSES = {
    "publish": Status.PUBLISHED,
    "future": Status.SCHEDULED,
    "draft": Status.DRAFT,
    "pending": Status.DRAFT,
    "private": Status.DRAFT,
}
KEPT_AS_DRAFT = {
    "pending": "pending review on the old blog: kept as a draft",
    "private": "private on the old blog: kept as a draft, which only its author and admins see",
}
PROTECTED = "password-protected: kept as a draft, as posts here have no passwords"
UNAPPROVED = ("comment", "not carried: it was not approved on the old blog (held, or spam)")
PING = ("pingback or trackback", "not carried: a notice from another site, not a reader's comment")
ON_PAGE = ("comment on a page", "not carried: pages here take no comments")
DEFAULT_CATEGORY = "uncategorized"
"""WordPress's category for a post given none: not a tag worth carrying."""
_STRAY = re.compile(r"[^\w.@+ -]")


def plain_text(markup: str) -> str:
    """Text without its tags or entities: WordPress titles and excerpts may hold HTML."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", markup)).split())


def creator_author(export: Export, creator: str) -> str:
    """The key of the author a post's ``dc:creator`` names. A creator that matches no login
    as it is (``themereviewteam>``) is matched once its stray characters are removed; one that
    matches none even then becomes an author of its own, with no address."""
    if creator in export.authors:
        return creator
    cleaned = " ".join(_STRAY.sub(" ", creator).split()) or "wordpress-author"
    if cleaned in export.authors and cleaned != creator:
        export.changed.add(
            "post author (dc:creator)",
            f"{creator!r} matched the login {cleaned!r} once its stray characters were removed",
        )
        return cleaned
    if cleaned not in export.authors:
        export.authors[cleaned] = Author(key=cleaned, login=cleaned, name=cleaned)
        export.changed.add(
            "post author (dc:creator)", "named by a post but not among the file's authors: added"
        )
    return cleaned


def _status(reader: Reader, item: Element, export: Export, kind: str) -> Status | None:
    raw = reader.text(item, "wp:status")
    status = STATUSES.get(raw)
    if status is None:
        reason = f"not carried: its status on the old blog was {raw or 'none'!r} (bin, unsaved)"
        export.left_behind.add(kind, reason)
        return None
    if raw in KEPT_AS_DRAFT:
        export.changed.add(kind, KEPT_AS_DRAFT[raw])
    if reader.text(item, "wp:post_password") and status is not Status.DRAFT:
        export.changed.add(kind, PROTECTED)
        status = Status.DRAFT
    if kind == "page" and status is Status.SCHEDULED:
        export.changed.add(kind, "scheduled: kept as a draft, as pages here have no time")
        status = Status.DRAFT
    return status


def _tags(reader, item, export: Export, terms: dict[tuple[str, str], Term], base: str) -> list:
    """The names of the item's categories, then its tags, in the file's order."""
    found: dict[str, list[str]] = {"category": [], "post_tag": []}
    for element in item.findall("category"):
        domain, slug = element.get("domain", ""), element.get("nicename", "")
        if domain == "post_format":
            export.left_behind.add("post format", "not carried: posts here have no formats")
        elif domain not in found:
            export.left_behind.add(f"{domain or 'unnamed'} term", "not carried: not a tag")
        elif domain == "category" and slug == DEFAULT_CATEGORY:
            export.changed.add("category Uncategorized", "left off: WordPress's name for none")
        else:
            if (domain, slug) not in terms:
                prefix = "category" if domain == "category" else "tag"
                name = plain_text(element.text or "")
                terms[(domain, slug)] = Term(name, [f"{base}/{prefix}/{slug}/"])
            found[domain].append(terms[(domain, slug)].name)
    return found["category"] + found["post_tag"]


def _old_paths(reader, item, kind: str, post_id: str, slug: str, base: str) -> list[str]:
    link = urlsplit(reader.text(item, "link"))
    paths = [unquote(link.path) + (f"?{link.query}" if link.query else "")]
    paths.append(f"{base}/?{'page_id' if kind == 'page' else 'p'}={post_id}")
    if kind == "post" and slug:
        paths.append(f"{base}/{slug}/")
    return list(dict.fromkeys(paths))


def _cover_and_fields(reader, item, export: Export, attachments: dict) -> str | None:
    cover = None
    for meta in reader.all(item, "wp:postmeta"):
        key = reader.text(meta, "wp:meta_key")
        value = reader.text(meta, "wp:meta_value")
        if key == "_thumbnail_id" and value in attachments and cover is None:
            cover = attachments[value].url
        else:
            export.left_behind.add(
                "custom field (postmeta)", "not carried: the blog keeps no custom fields"
            )
    return cover


def _comments(reader, item, export: Export, is_page: bool) -> list[Comment]:
    rows = reader.all(item, "wp:comment")
    names = {
        reader.text(row, "wp:comment_id"): plain_text(reader.text(row, "wp:comment_author"))
        for row in rows
    }
    comments = []
    for row in rows:
        if reader.text(row, "wp:comment_type") in ("pingback", "trackback"):
            export.left_behind.add(*PING)
        elif reader.text(row, "wp:comment_approved") != "1":
            export.left_behind.add(*UNAPPROVED)
        elif is_page:
            export.left_behind.add(*ON_PAGE)
        else:
            comment_id = reader.text(row, "wp:comment_id")
            text = wordpress_html(reader.text(row, "wp:comment_content"), None, export.changed)
            created = reader.date(row, "wp:comment_date_gmt", "wp:comment_date")
            if created is None:
                raise UnreadableExport(f"comment {comment_id} has no date")
            comments.append(
                Comment(
                    key=comment_id,
                    author_name=names[comment_id] or "Anonymous",
                    author_email=reader.text(row, "wp:comment_author_email").lower() or None,
                    body=html_to_markdown(text, export.changed, for_comment=True),
                    created_at=created,
                    in_reply_to=names.get(reader.text(row, "wp:comment_parent")),
                    signed_in=reader.text(row, "wp:comment_user_id") not in ("", "0"),
                )
            )
    return sorted(comments, key=lambda comment: comment.created_at)


def read_item(
    reader: Reader,
    item: Element,
    export: Export,
    terms: dict[tuple[str, str], Term],
    attachments: dict[str, Attachment],
    base: str,
) -> Entry | None:
    """The item as an entry, or None when it is not carried (counted in the export)."""
    kind = reader.text(item, "wp:post_type")
    post_id = reader.text(item, "wp:post_id")
    status = _status(reader, item, export, kind)
    if status is None:
        return None
    created = reader.date(item, "wp:post_date_gmt", "wp:post_date")
    if created is None:
        raise UnreadableExport(f"{kind} {post_id} has no date")
    modified = reader.date(item, "wp:post_modified_gmt", "wp:post_modified") or created
    slug = unquote(reader.text(item, "wp:post_name"))
    title = plain_text(reader.text(item, "title"))
    if not title:
        export.changed.add(kind, "had no title: titled from its address")
        title = " ".join(slug.split("-")).capitalize() or "Untitled"
    shortcodes = Shortcodes(post_id, attachments, export.changed)
    body_html = wordpress_html(reader.text(item, "content:encoded"), shortcodes, export.changed)
    excerpt = plain_text(reader.text(item, "excerpt:encoded"))
    if kind == "page":
        if excerpt:
            export.left_behind.add("page excerpt", "not carried: pages here have no description")
        if reader.text(item, "wp:post_parent") not in ("", "0"):
            export.changed.add("page under another page", "made a page of its own (not nested)")
    if reader.text(item, "wp:is_sticky") == "1":
        export.left_behind.add("sticky flag", "not carried: the blog pins no posts")
    return Entry(
        key=post_id,
        is_page=kind == "page",
        title=title,
        slug=slug,
        body=html_to_markdown(body_html, export.changed),
        status=status,
        created_at=created,
        updated_at=max(modified, created),
        published_at=created if status is not Status.DRAFT else None,
        description="" if kind == "page" else excerpt,
        tags=_tags(reader, item, export, terms, base) if kind == "post" else [],
        author_key=creator_author(export, reader.text(item, "dc:creator")),
        cover_image=_cover_and_fields(reader, item, export, attachments),
        old_paths=_old_paths(reader, item, kind, post_id, slug, base),
        comments=_comments(reader, item, export, kind == "page"),
    )
