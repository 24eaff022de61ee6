"""A cache for results that are costly to compute and fine to serve a little late (tag counts).

Flask-Caching, in Redis when ``REDIS_URL`` is set (one cache for every worker and instance),
else in each process's memory; ``CACHE_TYPE`` overrides (tests use ``NullCache``). The cache is a
help, never a need: when Redis is away, :func:`remember` computes the value and the page is
served as usual (and the trouble is logged).

Writes that change what a cached value says clear it at commit (:func:`forget_on_commit`), whether
the session flushed changed rows or ran an INSERT/UPDATE/DELETE on their tables. A request that
read the old value just before such a commit may still store it: such a value lives at most
``CACHE_DEFAULT_TIMEOUT`` seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from blog.extensions import cache

TAG_COUNTS = ("popular-tags:20", "popular-tags:all")
"""The keys of the tag counts; a change to any post, tag or post's tags clears them."""


def remember(key: str, compute: Callable[[], Any], timeout: int | None = None) -> Any:
    """The cached value for ``key``, computing and storing it when missing (None is never kept)."""
    try:
        value = cache.get(key)
    except Exception as error:  # whatever the backend raises: compute instead
        _trouble("read", key, error)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=timeout)
        except Exception as error:
            _trouble("write", key, error)
    return value


def forget(*keys: str) -> None:
    try:
        cache.delete_many(*keys)
    except Exception as error:
        _trouble("clear", ",".join(keys), error)


def _trouble(action: str, key: str, error: Exception) -> None:
    current_app.logger.warning("cache %s of %s failed: %s", action, key, type(error).__name__)


def _touches_tag_counts(session: Session) -> bool:
    from blog.models import Post, PostTag, Tag

    changed = (*session.new, *session.dirty, *session.deleted)
    return any(isinstance(row, Post | PostTag | Tag) for row in changed)


TAG_TABLES = frozenset({"posts", "post_tags", "tags"})


@event.listens_for(Session, "before_flush")
def _note_tag_changes(session: Session, flush_context, instances) -> None:
    if _touches_tag_counts(session):
        session.info["forget"] = TAG_COUNTS


@event.listens_for(Session, "do_orm_execute")
def _note_tag_statements(state) -> None:
    """INSERT, UPDATE and DELETE statements the session runs directly (merging tags does)."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in TAG_TABLES:
            state.session.info["forget"] = TAG_COUNTS


@event.listens_for(Session, "after_commit")
def forget_on_commit(session: Session) -> None:
    """Clear what the transaction changed, once it is committed: a savepoint released inside it
    commits nothing yet (a reader in between would cache the old counts again)."""
    if session.in_nested_transaction():
        return
    keys = session.info.pop("forget", None)
    if keys:
        forget(*keys)


@event.listens_for(Session, "after_rollback")
def _nothing_to_forget(session: Session) -> None:
    """A rolled-back transaction changed nothing; a rolled-back savepoint leaves what the
    transaction did before it to be cleared at commit."""
    if not session.in_nested_transaction():
        session.info.pop("forget", None)


def init_app(app: Flask) -> None:
    config = app.config
    if not config.get("CACHE_TYPE"):
        config["CACHE_TYPE"] = "RedisCache" if config.get("REDIS_URL") else "SimpleCache"
    if config["CACHE_TYPE"] == "RedisCache":
        config.setdefault("CACHE_REDIS_URL", config["REDIS_URL"])
        # A Redis that hangs must not hang the page: give up after a second and compute.
        config.setdefault("CACHE_OPTIONS", {"socket_timeout": 1, "socket_connect_timeout": 1})
    cache.init_app(app)
