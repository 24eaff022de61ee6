"""What an importer reads from another blog's export, in neither blog's terms.

A reader (:mod:`blog.moving.arrivals.ghost`, :mod:`blog.moving.arrivals.wordpress`) turns a file
into an :class:`Export`, reading all of it before anything is written: a file it can't read is
refused whole (:class:`UnreadableExport`). :mod:`blog.moving.arrivals.writing` then writes it
through the domain.
What a reader can't carry (attachments, menus, pingbacks...) or carries changed (a
password-protected post kept as a draft) it counts in the export's tallies, for the summary.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime


class UnreadableExport(Exception):
    """The file is not an export this reader understands; the message says why, for the
    operator. Nothing has been written."""


class Tally(Counter):
    """How many of each ``(kind, reason)``: what was not carried over, or carried changed."""

    def add(self, kind: str, reason: str, count: int = 1) -> None:
        if count:
            self[(kind, reason)] += count


class Status(enum.StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"
    SCHEDULED = "scheduled"


@dataclass
class Author:
    """Someone who wrote on the old blog; ``key`` is the export's own name for them (Ghost's
    user id, WordPress's login)."""

    key: str
    login: str
    """The username they ask for (Ghost's slug, WordPress's login)."""
    name: str = ""
    email: str | None = None
    bio: str = ""
    image: str | None = None
    old_paths: list[str] = field(default_factory=list)


@dataclass
class Comment:
    key: str
    author_name: str
    author_email: str | None
    body: str
    """Markdown."""
    created_at: datetime
    in_reply_to: str | None = None
    """The name of the commenter this one answered (the old blog's comments were threaded)."""
    signed_in: bool = False
    """Whether the old blog says its writer was signed in to an account there (WordPress's
    ``comment_user_id``): only then may it be an author's own."""


@dataclass
class Entry:
    """A post or a page (``is_page``), its body in Markdown, ``author_key`` an :class:`Author`'s
    key (None: the export names none)."""

    key: str
    is_page: bool
    title: str
    slug: str
    body: str
    status: Status
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    description: str = ""
    tags: list[str] = field(default_factory=list)
    author_key: str | None = None
    cover_image: str | None = None
    old_paths: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "page" if self.is_page else "post"


@dataclass
class Term:
    """A tag or category of the old blog, by the name the export gives it."""

    name: str
    old_paths: list[str] = field(default_factory=list)


@dataclass
class Export:
    source: str
    """Which blog it came from, as the summary says it ("Ghost", "WordPress")."""
    origin: str
    """What tells this blog's items from another's in the import origin keys (the source and,
    when the export says it, the old blog's address)."""
    authors: dict[str, Author] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    left_behind: Tally = field(default_factory=Tally)
    changed: Tally = field(default_factory=Tally)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def storable(text: str | None) -> str:
    """``text`` without the control characters no field here takes (tabs and newlines stay)."""
    return _CONTROL.sub("", text or "").replace("\r\n", "\n").replace("\r", "\n")


def utc(moment: datetime) -> datetime:
    """An aware UTC time; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
