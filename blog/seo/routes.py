"""``/sitemap.xml`` (a sitemap index), its child sitemaps and ``/robots.txt``.

The XML is built with ElementTree, which escapes every name an author chose. Crawlers are told
to keep each answer a few minutes and may ask again with ``If-None-Match`` for a 304.
"""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET  # nosec B405

from flask import Blueprint, Response, current_app, request

from blog import caching
from blog.domain import sitemaps
from blog.urls import public_url_for

bp = Blueprint("seo", __name__)

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_AGE = 300
ENTRY_ENDPOINTS = {
    "posts": ("posts.show", "slug"),
    "tags": ("main.tag", "name"),
    "authors": ("users.profile", "username"),
    "pages": ("pages.show", "slug"),
}
DISALLOWED = (
    "/admin/",
    "/settings",
    "/write",
    "/posts/*/edit",
    "/search",
    "/login",
    "/register",
    "/reset-password",
    "/email/",
    "/api/",
    "/pages/",
)
"""Pages of an account, of the editor, of search results and of the API: nothing to index. The
signed-in reader's ``/feed`` is not named: robots rules match by prefix, so it would keep
crawlers and feed services from ``/feed.atom`` and the other feeds too (crawlers are sent to
``/login`` from it anyway)."""


def _w3c(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _per_file() -> int:
    return current_app.config["SITEMAP_URLS_PER_FILE"]


def _xml(root: ET.Element, lastmod: datetime | None) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    response = Response(body, mimetype="application/xml")
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    modified = caching.last_modified(lastmod)
    if modified is not None:
        response.last_modified = modified
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/sitemap.xml")
def sitemap_index():
    root = ET.Element("sitemapindex", xmlns=NAMESPACE)
    newest = None
    for kind in sitemaps.KINDS:
        for chunk in sitemaps.chunks(kind, _per_file()):
            entry = ET.SubElement(root, "sitemap")
            ET.SubElement(entry, "loc").text = public_url_for(
                "seo.sitemap", kind=kind, first=chunk.first, last=chunk.last
            )
            ET.SubElement(entry, "lastmod").text = _w3c(chunk.lastmod)
            newest = chunk.lastmod if newest is None else max(newest, chunk.lastmod)
    return _xml(root, newest)


@bp.get("/sitemaps/<any(posts, tags, authors, pages):kind>-<int:first>-<int:last>.xml")
def sitemap(kind: str, first: int, last: int):
    endpoint, argument = ENTRY_ENDPOINTS[kind]
    root = ET.Element("urlset", xmlns=NAMESPACE)
    entries = sitemaps.entries(kind, first, last, _per_file())
    for name, lastmod in entries:
        entry = ET.SubElement(root, "url")
        ET.SubElement(entry, "loc").text = public_url_for(endpoint, **{argument: name})
        ET.SubElement(entry, "lastmod").text = _w3c(lastmod)
    return _xml(root, max(lastmod for _, lastmod in entries))


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    lines.append(f"Sitemap: {public_url_for('seo.sitemap_index')}")
    response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
