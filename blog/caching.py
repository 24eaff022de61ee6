"""A cache for results that are costly to compute (tag counts, later whole pages), never stale.

Flask-Caching, in Redis when ``REDIS_URL`` is set (one cache for every worker and instance),
else in each process's memory; ``CACHE_TYPE`` overrides (tests use ``NullCache``). The cache is a
help, never a need: when Redis is away, :func:`remember` computes the value and the page is
served as usual; the outage is logged once when it begins and once when it ends, per process
(:class:`CacheHealth`), not on every request.

No key is ever deleted or cleared (old entries are simply not read again), so no request can
find "its" key re-set by another one and take that for a failure: every line logged is Redis
failing.

Freshness comes from the database, not from clearing keys: every transaction that writes content
(any table but :data:`UNVERSIONED_TABLES`) raises the content version (one row,
:data:`blog.models.content_version`) as its last statement, and cached values are stored under
their key and the version they were computed at. A request reads the version once, so a write
committed by any process (another worker, another instance with its own memory cache, the CLI)
shows on the next page load everywhere; old entries are never read again and expire after
``CACHE_DEFAULT_TIMEOUT``.

Why it is safe: the version is raised inside the writing transaction, so a reader that sees the
new version also sees the new rows. A reader that read the old version just before the commit
may store newer rows under the old version, which no one reads after the commit.

Time changes the content too, with no write: a post scheduled for later
(:mod:`blog.domain.scheduling`) becomes public when its time passes. So the version is read with
the publication time of the newest public post; when that is later than the last write, a
scheduled post has gone live since, and the version a request keys by is the number together
with that time (:func:`current_content_version`). Each post going live so changes every key and
ETag once, at its time, and moves ``Last-Modified`` to it, and a value computed while it waited
is never read after. Until then the key is the plain number, as it was before scheduling.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from blog.extensions import cache, db
from blog.models.post import Post
from blog.models.site import CONTENT_VERSION_ID, content_version, turns
from blog.models.types import UTCDateTime, utcnow
from blog.sql import insert_ignoring_conflicts

WROTE = "blog.wrote"
"""The session's ``info`` key that says its transaction has written something."""

UNVERSIONED_TABLES = frozenset(
    {
        content_version.name,
        turns.name,
        "sign_ins",
        "devices",
        "passkeys",
        "recovery_codes",
        "post_search",
    }
)
"""Tables no cached value is computed from: writing only these raises no version (a sign-in,
with the browser it notes, or a sign-out would otherwise make every cached value be computed
again). The search index is written only with the posts it is made from, which raise the
version themselves; the turns are locks."""

HEALTH = "blog.cache_health"
"""The app's ``extensions`` key of its :class:`CacheHealth`."""

NEAR = "blog.near_cache"
"""The app's ``extensions`` key of its :class:`NearCache` (None when caching is off)."""
NEAR_ENTRIES = 256
EACH = "blog.kept_per_post"
"""The app's ``extensions`` key of the :class:`NearCache` of :func:`remember_each`."""
EACH_ENTRIES = 4_000
"""Some two hundred pages of posts, in a few megabytes a process."""


class CacheHealth:
    """Whether the cache answered, for one app in one process: the first failure of an outage
    is logged (a busy site logged 438 identical warnings in 18 s, one per request) and so is the
    first answer after it, with the number of failures in between."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures = 0

    def failed(self, action: str, key: str, error: Exception) -> None:
        with self._lock:
            self._failures += 1
            first = self._failures == 1
        if first:
            current_app.logger.warning(
                "cache %s of %s failed: %s; pages are computed without the cache until it "
                "answers again (logged once)",
                action,
                key,
                type(error).__name__,
            )

    def answered(self) -> None:
        if not self._failures:  # the usual case, without taking the lock
            return
        with self._lock:
            failures, self._failures = self._failures, 0
        if failures:
            current_app.logger.info(
                "cache answers again (%d cache operation(s) failed meanwhile)", failures
            )


class NearCache:
    """The values used last, at most ``entries`` of them, in this process: in front of the
    shared cache for :func:`remember` (the navigation, the tag counts and the site settings cost
    a dictionary lookup instead of a Redis round trip and an unpickling), and alone for
    :func:`remember_each`. Keys carry the content version like the shared cache's, so it is
    never stale on any instance; the oldest entries make room (old versions are never read
    again)."""

    def __init__(self, entries: int = NEAR_ENTRIES) -> None:
        self._entries = entries
        self._values: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._entries:
                self._values.popitem(last=False)


def current_content_version() -> int | str | None:
    """The content version as this request (or app context) first read it, to key by and
    compare for equality only: the number, or the number and the time of the last scheduled post
    gone live since (a string); None when it can't be read (a database behind its
    migrations), and nothing should be cached."""
    if "content_version" not in g:
        _read_version()
    return g.content_version


def content_changed_at() -> datetime | None:
    """When the content last changed, as this request first read it: the last write's commit,
    or a scheduled post's time if one went live since; None when no write has been recorded yet
    (or the version can't be read)."""
    if "content_version" not in g:
        _read_version()
    return g.content_changed_at


def last_modified(fallback: datetime | None) -> datetime | None:
    """The ``Last-Modified`` of a document built from the content: the last write's time, which a
    deletion moves forward too (the newest post's time would go back, and a reader asking
    ``If-Modified-Since`` would be told nothing changed); ``fallback`` until a write is recorded."""
    return content_changed_at() or fallback


@functools.cache
def version_columns() -> tuple[sa.Label, ...]:
    """The version, its time, the newest public post's publication time and the next scheduled
    one, as columns of one statement (each read through the index on status and publication
    time: one row, not a scan). A caller that reads them with its own columns (the site
    settings, which every page reads) hands the row to :func:`version_read_along`.

    Built once: "now" is a parameter whose value is taken as each statement runs (building the
    four subqueries cost more than running them). Public is :attr:`Post.is_public`'s rule,
    published and its time come, spelt with that parameter."""
    this_row = content_version.c.id == CONTENT_VERSION_ID
    now = sa.bindparam("content_version_now", callable_=utcnow, type_=UTCDateTime())
    return (
        sa.select(content_version.c.version).where(this_row).scalar_subquery().label("version"),
        sa.select(content_version.c.changed_at)
        .where(this_row)
        .scalar_subquery()
        .label("changed_at"),
        sa.select(Post.published_at)
        .where(Post.is_published, Post.published_at <= now)
        .order_by(Post.published_at.desc())
        .limit(1)
        .scalar_subquery()
        .label("live_since"),
        sa.select(Post.published_at)
        .where(Post.is_published, Post.published_at > now)
        .order_by(Post.published_at)
        .limit(1)
        .scalar_subquery()
        .label("next_publication"),
    )


@functools.cache
def _version_statement() -> sa.Select:
    return sa.select(*version_columns())


def version_read_along(row: sa.Row) -> None:
    """Take the :func:`version_columns` a caller read in a statement of its own as this
    request's read of the version, so that it costs no statement of its own."""
    version, changed_at = row.version or 0, row.changed_at
    g.content_next_publication = row.next_publication
    went_live = row.live_since
    if went_live is not None and (changed_at is None or went_live > changed_at):
        g.content_version = f"{version}+{went_live.isoformat()}"
        g.content_changed_at = went_live
        g.content_went_live = (changed_at, went_live)
    else:
        g.content_version, g.content_changed_at = version, changed_at
        g.content_went_live = None  # a read again after a commit forgets an earlier one


def version_unreadable() -> None:
    """Record that this request can't read the version (a caller's statement reading
    :func:`version_columns` failed, and said so): nothing is cached, and it isn't tried again."""
    g.content_version, g.content_changed_at = None, None


def _read_version() -> None:
    try:
        row = db.session.execute(_version_statement()).one()
    except SQLAlchemyError as error:
        db.session.rollback()
        _trouble("version read", "content_version", error)
        version_unreadable()
        return
    version_read_along(row)


class _Dropped(Exception):
    """The version's connection failed as it read, and was given up."""


class VersionKey:
    """The content version, as an opaque key, read with the fewest layers: a bare DB-API cursor
    of the app's pool running :func:`version_columns`, compiled once, in autocommit on a server.
    What the page cache keys pages by before Flask sees the request; SQLAlchemy's own execution
    took twice as long as the statement, and a transaction around it two round trips more.

    The key is the first three columns (the number, its time, the newest public post's time) as
    the driver returns them: equal rows, equal keys, on every instance, and it changes whenever
    :func:`current_content_version` does (a write, a scheduled post going live), and also when
    the newest post changes, which always comes with a write. The fourth, the next scheduled
    publication, is decoded only when asked (:meth:`next_publication`: a page built past it
    must not be kept under this key). :meth:`read` gives None when the database can't answer:
    the request is then left to the app, which says why."""

    def __init__(self, engine: sa.Engine) -> None:
        dialect = engine.dialect
        compiled = sa.select(*version_columns()).compile(dialect=dialect)
        self.engine = engine
        self.sql = str(compiled)
        self.compiled = compiled
        self.names = compiled.positiontup if compiled.positional else None
        self.processors = {
            name: compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in compiled.construct_params()
        }
        self._decode = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)
        # psycopg's connection reads in autocommit: one round trip, not three. Not SQLite's, in
        # the process, whose autocommit means something else from Python 3.12, nor PyMySQL's,
        # where autocommit is a method (its pool's rollback on return is the one extra trip).
        self.autocommit = dialect.name == "postgresql"

    def _parameters(self):
        given = self.compiled.construct_params()  # "now" is taken here
        values = {
            name: process(given[name]) if process else given[name]
            for name, process in self.processors.items()
        }
        return values if self.names is None else tuple(values[name] for name in self.names)

    def read(self) -> tuple[str, Any] | None:
        """``(key, next publication as the driver gave it)``, or None. A pooled connection the
        server ended (a restart) is replaced and the read tried once more: the pool tries only
        connections that rested (:data:`blog.extensions.PING_AFTER_IDLE`)."""
        for _ in range(2):
            try:
                return self._read()
            except _Dropped:
                continue
        return None

    def _read(self) -> tuple[str, Any] | None:
        try:
            parameters = self._parameters()
            connection = self.engine.raw_connection()
        except Exception:  # whatever the driver raises: the app will read it and say why
            return None
        driver = connection.driver_connection
        try:
            if self.autocommit:
                driver.autocommit = True  # no BEGIN before it, no ROLLBACK after it
            cursor = connection.cursor()
            try:
                cursor.execute(self.sql, parameters)
                row = cursor.fetchone()
            finally:
                cursor.close()
            if self.autocommit:
                driver.autocommit = False
        except Exception as error:
            connection.invalidate()  # perhaps dropped by the server: the next read connects anew
            raise _Dropped() from error
        finally:
            connection.close()
        if row is None:
            return None
        return repr(tuple(row[:3])), row[3]

    def next_publication(self, raw: Any) -> datetime | None:
        return self._decode(raw) if self._decode is not None else raw


def gone_live_since_last_write() -> tuple[datetime | None, datetime] | None:
    """``(last write, newest publication)`` when this request's version read found a scheduled
    post gone live since the last write (:mod:`blog.feeds.going_live` tells the hub), else None."""
    return g.get("content_went_live")


def remember(
    key: str, compute: Callable[[], Any], timeout: int | None = None, *, near: bool = True
) -> Any:
    """The value of ``key`` at the current content version, computing and storing it when
    missing (None is never kept).

    With ``near`` (small values every page reads) it is also kept in this process
    (:class:`NearCache`), and the same object is handed to every request: callers must not
    change what they are given. Large values (a feed's body) pass ``near=False``."""
    version = current_content_version()
    if version is None:
        return compute()
    versioned = f"{key}@{version}"
    nearby: NearCache | None = current_app.extensions[NEAR] if near else None
    if nearby is not None:
        value = nearby.get(versioned)
        if value is not None:
            return value
    health: CacheHealth = current_app.extensions[HEALTH]
    try:
        value = cache.get(versioned)
        shared = True
    except Exception as error:  # whatever the backend raises: compute instead
        health.failed("read", key, error)
        # Still kept in this process meanwhile: a deep page's keys or the sitemap's index cost a
        # fraction of a second, which no request should pay in turn while Redis is out.
        value, shared = None, False
    else:
        health.answered()
    if value is None:
        value = compute()
        if not _still_keepable():
            return value
        if shared:
            try:
                cache.set(versioned, value, timeout=timeout)
            except Exception as error:
                health.failed("write", key, error)
    if nearby is not None and value is not None:
        nearby.set(versioned, value)
    return value


def remember_each(kind: str, ids: list[int], build: Callable[[list[int]], dict[int, Any]]):
    """``{id: value}`` of ``kind`` (a post's card, its API preview) for each of ``ids`` at the
    current content version: those kept in this process, and the others built in one call of
    ``build(missing ids)`` and kept. The values are shared by every request: never change one.

    Kept in the process only: a list page's values are many and small, and reading them from
    Redis would cost what building them does. The version in the key makes them as fresh as the
    shared cache's on every instance."""
    kept: NearCache | None = current_app.extensions[EACH]
    version = current_content_version() if kept is not None else None
    if version is None:
        kept = None
    found = {}
    if kept is not None:
        for key in ids:
            value = kept.get(f"{kind}:{key}@{version}")
            if value is not None:
                found[key] = value
    missing = [key for key in ids if key not in found]
    if missing:
        built = build(missing)
        keep = kept is not None and _still_keepable()
        for key, value in built.items():
            found[key] = value
            if keep:
                kept.set(f"{kind}:{key}@{version}", value)
    return found


def _still_keepable() -> bool:
    """Whether a value computed just now may be kept under this request's version: not when a
    scheduled post went live while it was computed (the value may show it, and must not be kept
    under the version from before its time)."""
    due = g.get("content_next_publication")
    return due is None or utcnow() < due


def _trouble(action: str, key: str, error: Exception) -> None:
    current_app.logger.warning("cache %s of %s failed: %s", action, key, type(error).__name__)


def raise_content_version(session: Session) -> None:
    """Raise the version in the session's transaction (a missing row starts again at 1)."""
    now = utcnow()
    raised = session.execute(
        sa.update(content_version)
        .where(content_version.c.id == CONTENT_VERSION_ID)
        .values(version=content_version.c.version + 1, changed_at=now)
    )
    if raised.rowcount == 0:
        insert_ignoring_conflicts(
            content_version, [{"id": CONTENT_VERSION_ID, "version": 1, "changed_at": now}]
        )


def _is_content(instance) -> bool:
    return sa.inspect(instance).mapper.persist_selectable.name not in UNVERSIONED_TABLES


@event.listens_for(Session, "before_flush")
def _note_flushed_changes(session: Session, flush_context, instances) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(_is_content(instance) for instance in changed):
        session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state) -> None:
    """INSERT, UPDATE and DELETE statements the session runs directly (seeding, merging tags)."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in UNVERSIONED_TABLES:
            state.session.info[WROTE] = True


@event.listens_for(Session, "before_commit")
def _raise_version_last(session: Session) -> None:
    """The version goes up as the transaction's last statement: after it, the transaction waits
    for no other lock, so writers that queue for the version row cannot deadlock. A savepoint
    released inside the transaction commits nothing yet and raises nothing."""
    if session.in_nested_transaction():
        return
    session.flush()
    if session.info.pop(WROTE, False):
        raise_content_version(session)


@event.listens_for(Session, "after_commit")
def _read_version_again(session: Session) -> None:
    if has_app_context() and not session.in_nested_transaction():
        g.pop("content_version", None)


@event.listens_for(Session, "after_rollback")
def _nothing_written(session: Session) -> None:
    """A rolled-back transaction wrote nothing; a rolled-back savepoint leaves what the
    transaction wrote before it to count at commit."""
    if not session.in_nested_transaction():
        session.info.pop(WROTE, None)


def init_app(app: Flask) -> None:
    config = app.config
    if not config.get("CACHE_TYPE"):
        config["CACHE_TYPE"] = "RedisCache" if config.get("REDIS_URL") else "SimpleCache"
    if config["CACHE_TYPE"] == "RedisCache":
        config.setdefault("CACHE_REDIS_URL", config["REDIS_URL"])
        # A Redis that hangs must not hang the page: give up after a second and compute.
        config.setdefault("CACHE_OPTIONS", {"socket_timeout": 1, "socket_connect_timeout": 1})
    cache.init_app(app)
    app.extensions[HEALTH] = CacheHealth()
    # No cache (the tests' NullCache) means none in the process either.
    off = config["CACHE_TYPE"] == "NullCache"
    app.extensions[NEAR] = None if off else NearCache()
    app.extensions[EACH] = None if off else NearCache(EACH_ENTRIES)
