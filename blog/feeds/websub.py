"""WebSub publishing: with ``WEBSUB_HUB`` set, the hub is told which feeds changed.

The changes are noted on the database session itself (SQLAlchemy's flush and commit events), so
every way a post changes (site, API, admin, command line) pings alike, and only once the change
is committed: a rolled-back edit pings nothing. The ping goes out on a thread of its own, as
mail does (:mod:`blog.mail`), so a slow or unreachable hub never slows or fails the request; a
failure is logged for the operator.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from blog.models import Post
from blog.models.post import is_public_state
from blog.urls import public_url_for

CHANGED = "websub_changed_feeds"
THREAD_NAME = "blog-websub"
TIMEOUT = 10
KINDS = ("atom", "rss", "json")


def _hub() -> str:
    return current_app.config.get("WEBSUB_HUB", "") if has_app_context() else ""


def _was_public(post: Post) -> bool:
    """Public now or before this change; a post scheduled for later is neither, so scheduling,
    rescheduling or cancelling it tells the hub nothing (its feeds haven't changed)."""
    if post.is_public:
        return True
    attrs = inspect(post).attrs
    status, published_at = attrs.status.history, attrs.published_at.history
    old_status = status.deleted[0] if status.deleted else post.status
    old_time = published_at.deleted[0] if published_at.deleted else post.published_at
    return is_public_state(old_status, old_time)


@event.listens_for(Session, "before_flush")
def _note_changed_posts(session: Session, flush_context, instances) -> None:
    if not _hub():
        return
    changed = session.info.setdefault(CHANGED, set())
    posts = [o for o in (*session.new, *session.dirty, *session.deleted) if isinstance(o, Post)]
    for post in posts:
        if post in session.dirty and not session.is_modified(post):
            continue
        if not _was_public(post) or post.author is None:
            continue
        changed.add(("feeds.site", ()))
        changed.add(("feeds.author", (("username", post.author.username),)))
        removed = inspect(post).attrs.post_tags.history.deleted or ()
        for name in {*post.tag_names, *(post_tag.tag.name for post_tag in removed)}:
            changed.add(("feeds.tag", (("name", name),)))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(CHANGED, None)


@event.listens_for(Session, "after_commit")
def _ping_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    changed = session.info.pop(CHANGED, None)
    hub = _hub()
    if not changed or not hub:
        return
    try:
        urls = [
            public_url_for(endpoint, kind=kind, **dict(values))
            for endpoint, values in sorted(changed)
            for kind in KINDS
        ]
    except RuntimeError as error:  # no request and no SITE_URL: no address to tell the hub
        current_app.logger.warning("WebSub ping not sent: %s", error)
        return
    ping(hub, urls)


def ping(hub: str, urls: list[str]) -> threading.Thread:
    """Tell ``hub`` that ``urls`` changed, in the background; the thread is returned for tests."""
    app = current_app._get_current_object()
    thread = threading.Thread(target=_send, args=(app, hub, urls), name=THREAD_NAME)
    thread.start()
    return thread


def _send(app: Flask, hub: str, urls: list[str]) -> None:
    for url in urls:
        data = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": url}).encode()
        request = urllib.request.Request(hub, data=data, method="POST")
        try:
            # The hub is the operator's WEBSUB_HUB, checked to be an http(s) URL at start.
            with urllib.request.urlopen(request, timeout=TIMEOUT):  # nosec B310
                pass
        except (OSError, ValueError) as error:  # URLError and HTTPError are OSErrors
            app.logger.error("WebSub ping of %s for %s failed: %s", hub, url, error)
