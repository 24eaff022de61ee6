"""The feed URLs: ``/feed.<kind>``, ``/tags/<name>/feed.<kind>`` and ``/@<username>/feed.<kind>``
for kind ``atom``, ``rss`` or ``json``. (``/feed`` is the signed-in reader's page, not a feed.)

Readers poll feeds every few minutes, so each answer carries an ETag made of the content version
(:func:`blog.caching.current_content_version`, raised by every committed write) and the feed's
identity: a poll with it costs one small read and a 304, before any post is loaded. The built
document is also cached at that version, so the first poller after a write pays for everyone.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, request, url_for

from blog import caching, page_cache
from blog.domain import queries, site_settings
from blog.feeds import building, going_live, websub  # noqa: F401 (websub listens to post changes)
from blog.urls import public_url_for

bp = Blueprint("feeds", __name__)
bp.after_app_request(going_live.announce_after_request)

KINDS = "<any(atom, rss, json):kind>"
MIMETYPES = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}
MAX_AGE = 300
NO_POSTS_YET = datetime(2000, 1, 1, tzinfo=UTC)
FEED_SETTINGS = ("FEED_POSTS", "WEBSUB_HUB", "SITE_URL", "BLOG_TITLE", "BLOG_DESCRIPTION")
"""The settings a feed's document depends on: changing one (and restarting) changes its ETag.
The title and description an admin stores (:mod:`blog.domain.site_settings`) need not be here:
saving them raises the content version, which the ETag holds."""


@bp.get(f"/feed.{KINDS}")
def site(kind: str):
    config = current_app.config
    return _serve(
        kind,
        "site",
        lambda: _channel(
            kind,
            site_settings.current().title,
            site_settings.current().description,
            public_url_for("main.home"),
            public_url_for("feeds.site", kind=kind),
            queries.newest_public_posts(config["FEED_POSTS"]),
        ),
    )


@bp.get(f"/tags/<name>/feed.{KINDS}")
def tag(name: str, kind: str):
    def load():
        tag = queries.get_tag(name)
        return _channel(
            kind,
            f"#{tag.name} · {site_settings.current().title}",
            f"Posts tagged {tag.name}",
            public_url_for("main.tag", name=tag.name),
            public_url_for("feeds.tag", name=tag.name, kind=kind),
            queries.newest_public_posts(current_app.config["FEED_POSTS"], tag=tag.name),
        )

    return _serve(kind, f"tag:{name}", load)


@bp.get(f"/@<username>/feed.{KINDS}")
def author(username: str, kind: str):
    def load():
        author = queries.get_author(username)
        return _channel(
            kind,
            f"{author.username} · {site_settings.current().title}",
            author.bio or f"Posts by {author.username}",
            public_url_for("users.profile", username=author.username),
            public_url_for("feeds.author", username=author.username, kind=kind),
            queries.newest_public_posts(current_app.config["FEED_POSTS"], author=author.username),
        )

    return _serve(kind, f"author:{username}", load)


TITLES = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
OFFERED = {"main.home": ("feeds.site", ()), "main.tag": ("feeds.tag", ("name",))}
OFFERED["users.profile"] = ("feeds.author", ("username",))


@bp.app_template_global()
def feed_links() -> list[dict[str, str]]:
    """The feeds of the page being shown, for its autodiscovery links: the site's on the home
    page, a tag's on its page, an author's on their profile; none elsewhere."""
    endpoint, names = OFFERED.get(request.endpoint or "", (None, ()))
    if endpoint is None:
        return []
    values = {name: (request.view_args or {})[name] for name in names}
    return [
        {
            "type": MIMETYPES[kind],
            "title": TITLES[kind],
            "href": url_for(endpoint, kind=kind, **values),
        }
        for kind in MIMETYPES
    ]


def _channel(kind, title, description, home_url, self_url, posts) -> building.Channel:
    entries = [
        building.Entry.of(
            post,
            public_url_for("posts.show", slug=post.slug),
            public_url_for("users.profile", username=post.author.username),
        )
        for post in posts
    ]
    return building.Channel(
        title=title,
        description=description,
        home_url=home_url,
        self_url=self_url,
        updated=max((entry.updated for entry in entries), default=NO_POSTS_YET),
        entries=entries,
        hub=current_app.config["WEBSUB_HUB"],
    )


def _render(kind: str, channel: building.Channel) -> bytes:
    if kind == "atom":
        return building.atom(channel)
    if kind == "rss":
        return building.rss(channel)
    return current_app.json.dumps(building.json_feed(channel)).encode()


def _serve(kind: str, identity: str, load) -> Response:
    version = caching.current_content_version()
    config = current_app.config
    settings = [config[name] for name in FEED_SETTINGS]
    facts = [version, kind, identity, request.host_url, *settings]
    etag = hashlib.sha256(repr(facts).encode()).hexdigest()[:32]
    if version is not None and page_cache.client_has(etag):
        return _answer(Response(status=304), etag, None)

    def build():
        channel = load()
        return _render(kind, channel), channel.updated

    body, updated = caching.remember(f"feed:{etag}", build, timeout=MAX_AGE * 12, near=False)
    response = Response(body, content_type=f"{MIMETYPES[kind]}; charset=utf-8")
    if version is None:  # nothing to key on: the document itself is the version
        etag = hashlib.sha256(body).hexdigest()[:32]
    return _answer(response, etag, caching.last_modified(updated)).make_conditional(request)


def _answer(response: Response, etag: str, updated: datetime | None) -> Response:
    response.set_etag(etag)
    if updated is not None:
        response.last_modified = updated
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response
