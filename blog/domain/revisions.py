"""Revisions: the earlier versions of a post and what changed since.

Every save that changes a post's title, description, body or tags keeps the version it replaces
(:func:`keep`, which :func:`blog.domain.posts.update_post` calls in the save's own transaction),
with who saved and when; only the newest ``REVISIONS_KEPT`` of each post stay (:func:`prune`, in
the same transaction). A save that changes nothing, or only publishes or unpublishes, keeps
none.

The editor autosaves every few seconds while its author types: each of those keeping a version
would push every real one out. An autosave keeps a revision only when the post's newest one is
older than :data:`AUTOSAVE_INTERVAL`, or was kept by a deliberate save (so what the author last
saved on purpose is never overwritten unrecorded).

Restoring a revision is a save like any other (:func:`blog.domain.posts.restore_revision`):
the version it replaces becomes a revision in turn, so a restore can be undone; the slug and the
publication state stay, and the tags go through the usual tag rules. Only those who may edit
the post (its author, admins) see its revisions, and only through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from blog.domain.diffs import BodyHunk, body_diff, line_changes
from blog.domain.errors import NotFound, PermissionDenied
from blog.domain.permissions import can_edit_post
from blog.domain.text import parse_id
from blog.extensions import db
from blog.models import Post, PostRevision, User, utcnow

VERSIONED = ("title", "description", "body", "tags")
"""The fields a revision keeps; the slug, publication and dates are the post's alone."""

AUTOSAVE_INTERVAL = timedelta(minutes=5)
"""At most one revision this often from autosaves (see the module's docstring)."""

DEFAULT_KEPT = 25


class Version(Protocol):
    """A post or a revision: what a version of a post has."""

    title: str
    description: str
    body: str

    @property
    def tag_names(self) -> list[str]: ...


def fields_of(revision: PostRevision) -> dict[str, Any]:
    """The revision's :data:`VERSIONED` fields, as :func:`blog.domain.posts.update_post` takes
    them."""
    return {name: getattr(revision, "tag_names" if name == "tags" else name) for name in VERSIONED}


def kept_per_post() -> int:
    """How many revisions each post keeps (the ``REVISIONS_KEPT`` setting; 0 keeps none)."""
    return current_app.config.get("REVISIONS_KEPT", DEFAULT_KEPT)


def keep(
    post: Post, editor: User, saved: dict[str, Any], changed: set[str], *, autosave: bool = False
) -> PostRevision | None:
    """Keep ``saved`` (the post's title, description, body and tag names before this save) as a
    revision, when the save ``changed`` one of them; prune the post's older revisions. Called
    by :func:`blog.domain.posts.update_post` before it changes the post; the save commits."""
    if not changed.intersection(VERSIONED):
        return None
    if kept_per_post() <= 0:
        prune(post, 0)
        return None
    if autosave and _autosaved_lately(post):
        return None
    revision = PostRevision(
        post_id=post.id,
        editor_id=editor.id,
        created_at=utcnow(),
        autosave=autosave,
        title=saved["title"],
        description=saved["description"],
        body=saved["body"],
    )
    revision.tag_names = list(saved["tags"])
    db.session.add(revision)
    db.session.flush()
    prune(post)
    return revision


def _autosaved_lately(post: Post) -> bool:
    newest = db.session.execute(
        sa.select(PostRevision.created_at, PostRevision.autosave)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.id.desc())
        .limit(1)
    ).first()
    return (
        newest is not None and newest.autosave and newest.created_at > utcnow() - AUTOSAVE_INTERVAL
    )


def prune(post: Post, kept: int | None = None) -> None:
    """Delete the post's revisions but the newest ``kept`` (the setting by default). Doesn't
    commit: it is part of the save that calls it."""
    kept = kept_per_post() if kept is None else kept
    # The newest of those to go, and every older one: no LIMIT inside an IN, which MariaDB and
    # MySQL refuse.
    newest_dropped = db.session.scalar(
        sa.select(PostRevision.id)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.id.desc())
        .offset(kept)
        .limit(1)
    )
    if newest_dropped is None:
        return
    db.session.execute(
        sa.delete(PostRevision).where(
            PostRevision.post_id == post.id, PostRevision.id <= newest_dropped
        ),
        execution_options={"synchronize_session": False},
    )


def _check_may_see(user: User | None, post: Post) -> None:
    if not can_edit_post(user, post):
        raise PermissionDenied("Only the author or an admin can see this post's history.", "post")


@dataclass(frozen=True)
class Summary:
    """What one save changed: the fields, in order, and for the body its lines added and
    removed."""

    fields: tuple[str, ...]
    lines_added: int = 0
    lines_removed: int = 0


@dataclass(frozen=True)
class HistoryEntry:
    revision: PostRevision
    summary: Summary


def summarise(before: Version, after: Version) -> Summary:
    """Which of the versioned fields differ from ``before`` to ``after``."""
    fields = tuple(name for name in VERSIONED if _value(before, name) != _value(after, name))
    if "body" not in fields:
        return Summary(fields)
    added, removed = line_changes(before.body, after.body)
    return Summary(fields, added, removed)


def _value(version: Version, name: str) -> Any:
    return version.tag_names if name == "tags" else getattr(version, name)


def history(post: Post, user: User | None) -> list[HistoryEntry]:
    """The post's revisions, newest first, each with what the save that replaced it changed:
    one statement whatever their number (editors loaded with them)."""
    _check_may_see(user, post)
    revisions = db.session.scalars(
        sa.select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.id.desc())
        .limit(kept_per_post())
        .options(so.joinedload(PostRevision.editor))
    ).all()
    successors: list[Version] = [post, *revisions]
    return [
        HistoryEntry(revision, summarise(revision, successor))
        for revision, successor in zip(revisions, successors, strict=False)
    ]


def get_revision(post: Post, revision_id: Any, user: User | None) -> PostRevision:
    """Revision ``revision_id`` of ``post``: :class:`NotFound` for an id that isn't one of its
    revisions, :class:`PermissionDenied` for someone who may not edit the post."""
    _check_may_see(user, post)
    number = parse_id(revision_id)
    revision = db.session.get(PostRevision, number) if number else None
    if revision is None or revision.post_id != post.id:
        raise NotFound("No such revision of this post.", "revision")
    return revision


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: str
    after: str


@dataclass(frozen=True)
class TagChange:
    before: list[str]
    after: list[str]

    @property
    def removed(self) -> list[str]:
        return [name for name in self.before if name not in self.after]

    @property
    def added(self) -> list[str]:
        return [name for name in self.after if name not in self.before]


@dataclass(frozen=True)
class RevisionDiff:
    """From a revision (before) to the post as it is (after). Plain text throughout: the page
    escapes it all, so nothing an author typed is ever HTML."""

    fields: list[FieldChange]
    tags: TagChange | None
    body: list[BodyHunk]

    @property
    def is_empty(self) -> bool:
        return not (self.fields or self.tags or self.body)


def diff(before: Version, after: Version) -> RevisionDiff:
    """What changed from ``before`` to ``after``: title and description whole, tags as lists,
    the body line by line with the changed words marked (see :mod:`blog.domain.diffs`)."""
    fields = [
        FieldChange(name, getattr(before, name), getattr(after, name))
        for name in ("title", "description")
        if getattr(before, name) != getattr(after, name)
    ]
    tags = None
    if before.tag_names != after.tag_names:
        tags = TagChange(before.tag_names, after.tag_names)
    return RevisionDiff(fields, tags, body_diff(before.body, after.body))


def is_current(revision: PostRevision, post: Post) -> bool:
    """Whether the post reads as ``revision`` does already (restoring it would change nothing)."""
    return not summarise(revision, post).fields
