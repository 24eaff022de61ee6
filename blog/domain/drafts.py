"""Autosaving from the editor: a draft kept as it is written, a few seconds after each pause.

The editor sends the whole form on its own, so the rules are stricter than for a save by hand:

- A new post is created once: the same autosave sent twice (a retry, two requests crossing) is
  the post already saved (:func:`blog.domain.posts.create_post`'s resubmission window), and the
  editor sends the next ones to the draft's own address.
- Only drafts are autosaved. A published post (a scheduled one included) changes when its author
  presses Update, never half-way through an edit.
- An autosave never overwrites a newer save: the editor sends the ``updated_at`` it last saw, and
  when the post has changed since (another tab, another device, a save by hand) it is refused
  with :class:`EditConflict`; the editor keeps the text and says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from blog.domain import posts
from blog.domain.errors import DomainError, PermissionDenied, ValidationError
from blog.domain.permissions import can_edit_post
from blog.domain.rows import take_turns
from blog.extensions import db
from blog.models import Post, User


class NotAutosaved(DomainError):
    """A save the editor may not make on its own (the post is published); the message says why."""


class EditConflict(DomainError):
    """The post changed after the version the editor started from."""


def create_draft(author: User, fields: dict[str, Any]) -> Post:
    """The first autosave of a new post: a draft (sent again, the same draft)."""
    return posts.create_post(author, **fields, publish=False)


def version(post: Post) -> str:
    """What the editor sends back as the version it saw (``updated_at``, ISO 8601 with offset)."""
    return post.updated_at.isoformat()


def _parse_version(value: Any) -> datetime:
    try:
        seen = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        seen = None
    if seen is None or seen.tzinfo is None:
        raise ValidationError.single("updated_at", "must be the time the post was last saved")
    return seen


def autosave(post: Post, editor: User, fields: dict[str, Any], seen_version: Any) -> Post:
    """Save ``fields`` into the draft ``post`` if it is still the version ``seen_version``.

    The check and the write take turns with every other save of the author's posts, so two
    tabs autosaving at once can't both pass the check: the second one sees the first one's
    ``updated_at`` and is refused.
    """
    if not can_edit_post(editor, post):
        raise PermissionDenied("Only the author or an admin can edit this post.", "post")
    seen = _parse_version(seen_version)
    take_turns(post.author_id)
    try:
        db.session.refresh(post)
        if post.is_published:
            raise NotAutosaved(
                "This post is published: its changes are saved when you press Update."
            )
        if post.updated_at != seen:
            raise EditConflict(
                "This post was saved elsewhere (another tab or device) after you opened it, so "
                "it wasn't overwritten. Your text is kept in this browser: reload the page to "
                "choose between the two."
            )
        return posts.update_post(post, editor, fields, autosave=True)
    except DomainError:
        db.session.rollback()  # let the other saves of the author's posts go on
        raise
