"""WebSub for scheduled posts: a post going live at its time is a change of its feeds that no
write makes, so no commit pings for it (:mod:`blog.feeds.websub`), and there is no worker to.

The first request after its time does instead. Reading the content version, it learns that a
post went live since the last write (:func:`blog.caching.gone_live_since_last_write`); after
answering, it claims the announcement on a thread of its own, as pings go out: one conditional
``UPDATE`` moves the version's time up to that publication (``changed_at < it``), which one
process alone can win, whatever number of workers and instances see the time pass at once. The
winner reads which posts went live in between and tells the hub about their feeds. The page is
never slowed and a failure is logged, like any ping. A blog whose only traffic after the time
is the hub's own subscribers polling still pings, on their first poll.
"""

from __future__ import annotations

import threading
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from blog import caching
from blog.extensions import db
from blog.feeds import websub
from blog.models import Post, Tag
from blog.models.post import PostTag
from blog.models.site import CONTENT_VERSION_ID, content_version
from blog.models.user import User
from blog.urls import public_url_for

_started: set[datetime] = set()
_started_lock = threading.Lock()
STARTED_KEPT = 64


def announce_after_request(response: Response) -> Response:
    """An ``after_app_request`` hook: start announcing posts gone live, once per process."""
    gone_live = caching.gone_live_since_last_write()
    hub = websub._hub()
    if gone_live is None or not hub or gone_live[0] is None:
        return response
    since, until = gone_live
    with _started_lock:
        if until in _started:
            return response
        if len(_started) >= STARTED_KEPT:
            _started.clear()
        _started.add(until)
    app = current_app._get_current_object()
    thread = threading.Thread(
        target=_announce, args=(app, hub, request.host_url, since, until), name=websub.THREAD_NAME
    )
    thread.start()
    return response


def _claim(since: datetime, until: datetime) -> list[tuple[str, tuple]]:
    """The feeds of the posts that went live in ``(since, until]`` if this process is the one
    to announce them (the version's time moved up to ``until`` here), else none."""
    claimed = db.session.execute(
        sa.update(content_version)
        .where(content_version.c.id == CONTENT_VERSION_ID, content_version.c.changed_at < until)
        .values(version=content_version.c.version + 1, changed_at=until)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return []
    live = sa.select(Post.id, Post.author_id).where(
        Post.is_public, Post.published_at > since, Post.published_at <= until
    )
    rows = db.session.execute(live).all()
    usernames = db.session.scalars(
        sa.select(User.username).where(User.id.in_({row.author_id for row in rows}))
    )
    tags = db.session.scalars(
        sa.select(Tag.name)
        .join(PostTag, PostTag.tag_id == Tag.id)
        .where(PostTag.post_id.in_([row.id for row in rows]))
        .distinct()
    )
    feeds = [("feeds.author", (("username", name),)) for name in usernames]
    feeds += [("feeds.tag", (("name", name),)) for name in tags]
    db.session.commit()
    return [("feeds.site", ()), *feeds] if rows else []


def _announce(app: Flask, hub: str, host_url: str, since: datetime, until: datetime) -> None:
    with app.app_context():
        try:
            feeds = _claim(since, until)
        except SQLAlchemyError as error:
            db.session.rollback()
            app.logger.error("WebSub announcement of scheduled posts failed: %s", error)
            return
        if not feeds:
            return
        with app.test_request_context(base_url=host_url):
            try:
                urls = [
                    public_url_for(endpoint, kind=kind, **dict(values))
                    for endpoint, values in sorted(feeds)
                    for kind in websub.KINDS
                ]
            except RuntimeError as error:
                app.logger.warning("WebSub ping not sent: %s", error)
                return
    websub._send(app, hub, urls)
