"""Post slugs: readable, unique, and stable once published.

A draft has a private slug until it is first published (:func:`private_slug`): unguessable and
unrelated to its title, so neither its address nor the ``-2`` another post would get tells
anyone that a draft holds a title's slug. It gets its slug from its title when it is published,
and keeps that one from then on, unpublished again or not: it was public.
"""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from slugify import slugify

from blog.domain.rows import take_turns_on
from blog.extensions import db
from blog.models import Post
from blog.models.post import SLUG_MAX

SUFFIX_ROOM = 12
RESERVED = frozenset({"feed"})  # /api/articles/feed is the reader's feed, not a post
PRIVATE_PREFIX = "draft-"
PRIVATE_SLUG = re.compile(rf"{PRIVATE_PREFIX}[0-9a-f]{{20}}")


def private_slug() -> str:
    """A draft's slug until it is published: 80 random bits, nothing of the title."""
    return PRIVATE_PREFIX + secrets.token_hex(10)


def is_private_slug(slug: str) -> bool:
    return PRIVATE_SLUG.fullmatch(slug) is not None


def base_slug(title: str) -> str:
    """The slug a title asks for; non-Latin scripts are transliterated (``Привет`` → ``privet``)."""
    slug = slugify(title, max_length=SLUG_MAX - SUFFIX_ROOM, word_boundary=True) or "post"
    return f"{slug}-post" if slug in RESERVED else slug


SLUGS_PER_READ = 50


def unique_slug(title: str) -> str:
    """``base_slug(title)``, with ``-2``, ``-3``... when it is taken.

    The candidates are read by name, :data:`SLUGS_PER_READ` at a time, through the slugs' unique
    index (a ``LIKE 'base-%'`` read every post on SQLite, and on PostgreSQL outside the C
    collation). Writers of one family take turns until they commit, so two posts with one title
    at once get ``-2`` and ``-3`` rather than a clash; what remains (``Foo 2`` and a second
    ``Foo`` both wanting ``foo-2``) is settled by the unique constraint and a retry (see
    :func:`blog.domain.posts.create_post`).
    """
    base = base_slug(title)
    take_turns_on(f"slug:{base}")
    first = 1
    while True:
        candidates = [
            base if n == 1 else f"{base}-{n}" for n in range(first, first + SLUGS_PER_READ)
        ]
        taken = set(db.session.scalars(sa.select(Post.slug).where(Post.slug.in_(candidates))))
        for candidate in candidates:
            if candidate not in taken:
                return candidate
        first += SLUGS_PER_READ
