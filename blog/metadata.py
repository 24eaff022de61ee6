"""What search engines and link previews read: canonical links, robots rules, OpenGraph, JSON-LD.

Built here once, for the templates to print: a page template says what it shows (a post, an
author, a list) and never spells out a property name itself.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

from flask import Flask, current_app, request, url_for

from blog.domain import site_settings
from blog.templating import iso_datetime

# Lists past this page are left out of search indexes: their posts are reached from the first
# pages, the post pages and the sitemap, and page 40 of the archive is nobody's answer.
INDEXED_PAGES = 5


def absolute_url(endpoint: str, **values) -> str | None:
    """``endpoint``'s URL on ``SITE_URL``, else on the request's host (never so in production).

    Production without ``SITE_URL`` prints no absolute link rather than one a forged Host header
    chose (a cache could keep that page for everyone).
    """
    site_url = current_app.config["SITE_URL"].rstrip("/")
    if site_url:
        return site_url + url_for(endpoint, **values)
    if current_app.config["ENV_NAME"] == "production":
        return None
    return url_for(endpoint, _external=True, **values)


def _page() -> int:
    page = request.args.get("page", "")
    return int(page) if page.isdigit() else 1


def canonical_url() -> str | None:
    """This page's address with only what chooses its content: the route and a page past the first.

    Tracking arguments and the like are dropped, so that every way of linking to a page names
    one URL; ``?page=1`` is the page without one.
    """
    if request.endpoint is None or request.view_args is None:
        return None
    page = _page()
    return absolute_url(
        request.endpoint, **request.view_args, **({"page": page} if page > 1 else {})
    )


def page_label() -> str:
    """A title's ``" · Page 3"``, so that the pages of one list don't share a title."""
    page = _page()
    return f" · Page {page}" if page > 1 else ""


def list_robots(posts) -> str:
    """``noindex`` for a list with nothing on it or one deeper than :data:`INDEXED_PAGES`."""
    return "noindex" if not posts.ids or posts.page > INDEXED_PAGES else ""


class _FirstImage(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.src: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.src is None and tag == "img":
            self.src = dict(attrs).get("src") or None


def first_image(html: str, base: str) -> str | None:
    """The first image of a post's sanitised body, absolute: posts have no image of their own."""
    parser = _FirstImage()
    parser.feed(html)
    if parser.src is None:
        return None
    url = urljoin(base, parser.src)
    return url if url.startswith(("https://", "http://")) else None


def post_metadata(post) -> dict:
    """A post page's OpenGraph, Twitter and ``BlogPosting`` values, from what it shows already."""
    url = absolute_url("posts.show", slug=post.slug)
    author_url = absolute_url("users.profile", username=post.author.username)
    # Without a trusted base a relative image stays relative, so it is left out.
    image = first_image(post.body_html, absolute_url("main.home") or "")
    if post.cover_image:  # the cover, when there is one, is what a preview shows
        cover = urljoin(absolute_url("main.home") or "", post.cover_image)
        image = cover if cover.startswith(("https://", "http://")) else image
    description = post.description or post.title
    site_name = site_settings.current().title
    published = iso_datetime(post.published_at)
    modified = iso_datetime(post.updated_at if post.edited_since_published else post.published_at)
    properties = [
        ("og:type", "article"),
        ("og:site_name", site_name),
        ("og:title", post.title),
        ("og:description", description),
        ("og:url", url),
        ("og:image", image),
        ("article:published_time", published),
        ("article:modified_time", modified),
        ("article:author", author_url),
        *(("article:tag", name) for name in post.tag_names),
    ]
    names = [
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", post.title),
        ("twitter:description", description),
        ("twitter:image", image),
    ]
    author = {"@type": "Person", "name": post.author.username, "url": author_url}
    json_ld = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": description,
        "author": _present(author),
        "datePublished": published,
        "dateModified": modified,
        "image": image,
        "keywords": list(post.tag_names),
        "publisher": {"@type": "Organization", "name": site_name},
        "mainEntityOfPage": url,
        "url": url,
    }
    return {
        "properties": [(key, value) for key, value in properties if value],
        "names": [(key, value) for key, value in names if value],
        "json_ld": _present(json_ld),
    }


def profile_metadata(author) -> dict:
    """The ``ProfilePage`` of an author, the ``Person`` it is about as its main entity."""
    url = absolute_url("users.profile", username=author.username)
    image = author.image_url or absolute_url("users.avatar", username=author.username)
    person = {
        "@type": "Person",
        "name": author.username,
        "url": url,
        "description": author.bio,
        "image": image,
    }
    return {
        "json_ld": _present(
            {
                "@context": "https://schema.org",
                "@type": "ProfilePage",
                "url": url,
                "mainEntity": _present(person),
            }
        )
    }


def _present(values: dict) -> dict:
    """Without the empty values: JSON-LD says nothing rather than an empty string."""
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def init_app(app: Flask) -> None:
    app.add_template_global(canonical_url)
    app.add_template_global(page_label)
    app.add_template_global(list_robots)
    app.add_template_global(post_metadata)
    app.add_template_global(profile_metadata)
