"""A WordPress export (WXR, the XML of Tools → Export) read into an :class:`Export`.

The XML is parsed with defusedxml: a file that declares entities (a "billion laughs" bomb) or
reaches outside itself is refused before anything is expanded. WXR 1.0 to 1.2 are read, with
the ``wp`` namespace spelt ``http`` or ``https``.

Posts and pages are carried, with their categories and tags (both tags here), authors
(``wp:author``, matched to each post's ``dc:creator``), approved comments, dates (GMT), statuses
and slugs; a post's featured image becomes its cover (the attachment's address). Attachments,
menus and everything else are counted as not carried, each with its reason.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from blog.moving.arrivals import wordpress_items
from blog.moving.arrivals.records import Author, Export, Term, UnreadableExport, storable, utc
from blog.moving.arrivals.wordpress_items import plain_text
from blog.moving.arrivals.wordpress_text import Attachment

DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
_WP_NAMESPACE = re.compile(r"^\{(https?://wordpress\.org/export/1\.\d/)\}")

MENU = ("menu", "not carried: the site's navigation lists the pages an admin picks (Admin → Pages)")
ATTACHMENT = (
    "attachment",
    "not copied: media files stay where they are, and the posts keep linking to them there",
)


class Reader:
    """Finds a WXR file's elements by their WordPress name (``wp:post_id``), whichever
    namespace spelling it uses."""

    def __init__(self, channel: Element, wp: str) -> None:
        self.channel = channel
        self.names = {"wp": wp, "excerpt": wp + "excerpt/", "dc": DC, "content": CONTENT}

    def _path(self, name: str) -> str:
        prefix, _, local = name.rpartition(":")
        return f"{{{self.names[prefix]}}}{local}" if prefix else local

    def text(self, element: Element, name: str) -> str:
        return storable(element.findtext(self._path(name)) or "").strip()

    def all(self, element: Element, name: str) -> list[Element]:
        return element.findall(self._path(name))

    def date(self, element: Element, name: str, fallback: str | None = None) -> datetime | None:
        """A WordPress time (``2013-01-11 03:22:19``, GMT), or the ``fallback`` element's
        (the local time) when it is WordPress's "none" (all zeros)."""
        value = self.text(element, name)
        if (not value or value.startswith("0000")) and fallback:
            return self.date(element, fallback)
        if not value or value.startswith("0000"):
            return None
        try:
            return utc(datetime.fromisoformat(value))
        except ValueError:
            raise UnreadableExport(f"{name} {value!r} is not a date") from None


def parse(data: bytes) -> Reader:
    try:
        root = SafeElementTree.fromstring(data)
    except DefusedXmlException:
        raise UnreadableExport(
            "the XML declares entities or reaches outside itself, which an export never does "
            "(refused without expanding them)"
        ) from None
    except (ParseError, ValueError) as error:
        raise UnreadableExport(f"not readable XML ({error})") from None
    channel = root.find("channel") if root.tag == "rss" else None
    if channel is None:
        raise UnreadableExport("not a WordPress export: no <rss><channel>")
    for element in channel:
        found = _WP_NAMESPACE.match(element.tag)
        if found and element.tag.endswith("}wxr_version"):
            return Reader(channel, found.group(1))
    raise UnreadableExport("not a WordPress export (WXR): it has no wp:wxr_version")


def _authors(reader: Reader, base: str) -> dict[str, Author]:
    authors = {}
    for element in reader.all(reader.channel, "wp:author"):
        login = reader.text(element, "wp:author_login")
        if login:
            authors[login] = Author(
                key=login,
                login=login,
                name=reader.text(element, "wp:author_display_name") or login,
                email=reader.text(element, "wp:author_email") or None,
                old_paths=[f"{base}/author/{login}/"],
            )
    return authors


def _terms(reader: Reader, export: Export, base: str) -> dict[tuple[str, str], Term]:
    """The file's categories and tags, by (taxonomy, slug); menus are counted, not kept."""
    categories: dict[str, tuple[str, str]] = {}
    for element in reader.all(reader.channel, "wp:category"):
        slug = reader.text(element, "wp:category_nicename")
        name = reader.text(element, "wp:cat_name")
        categories[slug] = (name, reader.text(element, "wp:category_parent"))
    terms: dict[tuple[str, str], Term] = {}
    for slug, (name, _parent) in categories.items():
        chain, parent, seen = [slug], categories[slug][1], {slug}
        while parent in categories and parent not in seen:
            chain.insert(0, parent)
            seen.add(parent)
            parent = categories[parent][1]
        terms[("category", slug)] = Term(plain_text(name), [f"{base}/category/{'/'.join(chain)}/"])
    for element in reader.all(reader.channel, "wp:tag"):
        slug = reader.text(element, "wp:tag_slug")
        name = plain_text(reader.text(element, "wp:tag_name"))
        terms[("post_tag", slug)] = Term(name, [f"{base}/tag/{slug}/"])
    for element in reader.all(reader.channel, "wp:term"):
        taxonomy = reader.text(element, "wp:term_taxonomy")
        slug = reader.text(element, "wp:term_slug")
        if taxonomy == "nav_menu":
            export.left_behind.add(*MENU)
        elif taxonomy in ("category", "post_tag") and (taxonomy, slug) not in terms:
            prefix = "category" if taxonomy == "category" else "tag"
            name = plain_text(reader.text(element, "wp:term_name"))
            terms[(taxonomy, slug)] = Term(name, [f"{base}/{prefix}/{slug}/"])
        elif taxonomy not in ("category", "post_tag"):
            export.left_behind.add(f"{taxonomy or 'unnamed'} term", "not carried: not a tag")
    return terms


def _attachments(reader: Reader, items: list[Element]) -> dict[str, Attachment]:
    attachments = {}
    for item in items:
        if reader.text(item, "wp:post_type") == "attachment":
            post_id = reader.text(item, "wp:post_id")
            attachments[post_id] = Attachment(
                id=post_id,
                url=reader.text(item, "wp:attachment_url"),
                title=plain_text(reader.text(item, "title")),
                parent=reader.text(item, "wp:post_parent"),
            )
    return attachments


def read_wordpress(data: bytes) -> Export:
    """The export in ``data`` (the file's bytes), or :class:`UnreadableExport` saying why not."""
    reader = parse(data)
    site = reader.text(reader.channel, "wp:base_blog_url") or reader.text(reader.channel, "link")
    base = unquote(urlsplit(site).path).rstrip("/")
    export = Export(source="WordPress", origin=f"wordpress|{site.rstrip('/')}")
    export.authors = _authors(reader, base)
    terms = _terms(reader, export, base)
    items = reader.all(reader.channel, "item")
    attachments = _attachments(reader, items)
    for item in items:
        post_type = reader.text(item, "wp:post_type")
        if post_type == "attachment":
            export.left_behind.add(*ATTACHMENT)
        elif post_type == "nav_menu_item":
            export.left_behind.add("menu item", MENU[1])
        elif post_type not in ("post", "page"):
            kind = f"{post_type or 'untyped'} item"
            export.left_behind.add(kind, "not carried: not a post or a page")
        else:
            entry = wordpress_items.read_item(reader, item, export, terms, attachments, base)
            if entry is not None:
                export.entries.append(entry)
    export.terms = list(terms.values())
    return export
