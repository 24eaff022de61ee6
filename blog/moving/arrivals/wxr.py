"""A WordPress export's XML (WXR) parsed, and its elements found by their WordPress names.

The XML is parsed with defusedxml: a file that declares entities (a "billion laughs" bomb) or
reaches outside itself is refused before anything is expanded. WXR 1.0 to 1.2 are read, with
the ``wp`` namespace spelt ``http`` or ``https``.
"""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from blog.moving.arrivals.records import UnreadableExport, storable, utc

DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
_WP_NAMESPACE = re.compile(r"^\{(https?://wordpress\.org/export/1\.\d/)\}")


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
