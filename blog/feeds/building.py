"""The documents of a feed: Atom 1.0 and RSS 2.0 written by feedgen, JSON Feed 1.1 as a dict.

Everything an author typed passes :func:`xml_text` first: XML 1.0 cannot carry most control
characters or a lone surrogate at all (not even escaped), and a post saved before its text was
checked may hold either. Bodies are the post page's sanitised HTML with its links and image
addresses made absolute, because a feed reader shows them on another site.
"""

from __future__ import annotations

import html
import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from blog.models import Post

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

# feedgen and lxml (~6 MB) are imported by the functions that write a feed, when one is asked for.

NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def xml_text(value: str | None) -> str:
    """``value`` without the characters XML 1.0 forbids."""
    return NOT_IN_XML.sub("", value or "")


def absolute_html(html: str, base: str) -> str:
    """``html`` with every link and resource address resolved against ``base``."""
    import lxml.html

    if not html.strip():
        return ""
    wrapper = lxml.html.fragment_fromstring(xml_text(html), create_parent="div")
    wrapper.make_links_absolute(base, resolve_base_href=False)
    for image in wrapper.iter("img"):  # lxml leaves srcset alone
        if image.get("srcset"):
            candidates = (part.strip().split(" ", 1) for part in image.get("srcset").split(","))
            image.set(
                "srcset", ", ".join(" ".join([urljoin(base, c[0]), *c[1:]]) for c in candidates)
            )
    return lxml.html.tostring(wrapper, encoding="unicode")[len("<div>") : -len("</div>")]


@dataclass(frozen=True)
class Entry:
    """One post as a feed shows it, its URLs absolute."""

    id: str
    url: str
    title: str
    summary: str
    content_html: str
    author: str
    author_url: str
    published: datetime
    updated: datetime
    tags: list[str]
    image: str | None = None
    """The post's cover, absolute: an enclosure (Atom, RSS) or the item's ``image`` (JSON)."""

    @property
    def image_type(self) -> str:
        guessed, _ = mimetypes.guess_type(urlsplit(self.image or "").path)
        return guessed if guessed and guessed.startswith("image/") else "image/jpeg"

    @classmethod
    def of(cls, post: Post, url: str, author_url: str) -> Entry:
        return cls(
            id=url,
            url=url,
            title=xml_text(post.title),
            summary=xml_text(post.description),
            content_html=absolute_html(post.body_html, url),
            author=xml_text(post.author.username),
            author_url=author_url,
            published=post.published_at or post.created_at,
            updated=max(post.updated_at, post.published_at or post.updated_at),
            tags=[xml_text(name) for name in post.tag_names],
            image=_absolute_image(post.cover_image, url),
        )


def _absolute_image(src: str | None, base: str) -> str | None:
    if not src:
        return None
    url = urljoin(base, xml_text(src))
    return url if url.startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class Channel:
    """What a feed is about: its title, its page, its own URL and its entries, newest first."""

    title: str
    description: str
    home_url: str
    self_url: str
    updated: datetime
    entries: list[Entry]
    hub: str = ""


def _generator(channel: Channel, for_rss: bool = False) -> FeedGenerator:
    """The feed as feedgen holds it. RSS readers take an item's description as HTML (RSS has no
    types), so there the plain summary goes in escaped: ``<b>`` in a summary shows as written,
    and a ``<script>`` in one runs in no reader."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.load_extension("dc")
    feed.id(channel.home_url)
    feed.title(xml_text(channel.title) or "Feed")
    feed.subtitle(xml_text(channel.description) or xml_text(channel.title) or "Feed")
    feed.link(href=channel.self_url, rel="self")
    if channel.hub:
        feed.link(href=channel.hub, rel="hub")
    feed.link(href=channel.home_url, rel="alternate")  # last: RSS's <link> is the last one given
    feed.updated(channel.updated)
    feed.lastBuildDate(channel.updated)
    for item in reversed(channel.entries):  # feedgen puts each new entry first
        entry = feed.add_entry()
        entry.id(item.id)
        entry.guid(item.id, permalink=True)
        entry.title(item.title or "(untitled)")
        entry.link(href=item.url, rel="alternate")
        entry.author(name=item.author or "(unknown)", uri=item.author_url)
        entry.dc.dc_creator(item.author or "(unknown)")
        entry.published(item.published)
        entry.updated(item.updated)
        if item.summary:
            entry.summary(html.escape(item.summary, quote=False) if for_rss else item.summary)
        entry.content(item.content_html, type="html")
        for tag in item.tags:
            entry.category(term=tag)
        if item.image and for_rss:  # RSS only: feedgen's Atom links lose their rel
            entry.enclosure(item.image, 0, item.image_type)
    return feed


def atom(channel: Channel) -> bytes:
    """Atom 1.0; each cover goes in as a ``<link rel="enclosure">`` of its entry."""
    from lxml import etree

    document = _generator(channel).atom_str(pretty=False)
    images = {item.id: item for item in channel.entries if item.image}
    if not images:
        return document
    # Our own document, just written by feedgen: no entity in it to resolve.
    root = etree.fromstring(document)
    for entry in root.iterfind(f"{{{ATOM_NS}}}entry"):
        item = images.get(entry.findtext(f"{{{ATOM_NS}}}id"))
        if item is not None:
            attributes = {"rel": "enclosure", "href": item.image, "type": item.image_type}
            etree.SubElement(entry, f"{{{ATOM_NS}}}link", **attributes)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def rss(channel: Channel) -> bytes:
    """RSS 2.0; the hub goes in as an ``atom:link`` (feedgen writes only the RSS ``self`` one)."""
    from lxml import etree

    document = _generator(channel, for_rss=True).rss_str(pretty=False)
    if not channel.hub:
        return document
    # Our own document, just written by feedgen: no entity in it to resolve.
    root = etree.fromstring(document)
    channel_element = root.find("channel")
    etree.SubElement(channel_element, f"{{{ATOM_NS}}}link", href=channel.hub, rel="hub")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def json_feed(channel: Channel) -> dict:
    document = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.self_url,
        "description": channel.description,
        "items": [
            {
                "id": item.id,
                "url": item.url,
                "title": item.title,
                "summary": item.summary,
                "content_html": item.content_html,
                "date_published": item.published.isoformat(),
                "date_modified": item.updated.isoformat(),
                "authors": [{"name": item.author, "url": item.author_url}],
                "tags": item.tags,
                **({"image": item.image} if item.image else {}),
            }
            for item in channel.entries
        ],
    }
    if channel.hub:
        document["hubs"] = [{"type": "WebSub", "url": channel.hub}]
    return document
