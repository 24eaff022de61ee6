"""A WordPress export (WXR, the XML of Tools → Export) read into an :class:`Export`.

The XML is parsed safely (:mod:`blog.moving.arrivals.wxr`). Posts and pages are carried, with
their categories and tags (both tags here), authors (``wp:author``, matched to each post's
``dc:creator``), approved comments, dates (GMT), statuses and slugs; a post's featured image
becomes its cover (the attachment's address). Attachments, menus and everything else are
counted as not carried, each with its reason.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from blog.moving.arrivals import wordpress_items
from blog.moving.arrivals.records import Author, Export, Term
from blog.moving.arrivals.wordpress_items import plain_text
from blog.moving.arrivals.wordpress_text import Attachment
from blog.moving.arrivals.wxr import Reader, parse

MENU = ("menu", "not carried: the site's navigation lists the pages an admin picks (Admin → Pages)")
ATTACHMENT = (
    "attachment",
    "not copied: media files stay where they are, and the posts keep linking to them there",
)


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
