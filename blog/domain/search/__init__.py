"""Full-text search over published posts: their title, description, body text and tags.

- :mod:`.terms`: what a text is made of (stemmed, accent-folded words; CJK characters);
- :mod:`.query`: what a reader typed, read like PostgreSQL's ``websearch_to_tsquery``;
- :mod:`.backends`: SQLite FTS5, PostgreSQL ``tsvector`` + GIN or MariaDB FULLTEXT
  (:mod:`.mariadb`), matching and ranking;
- :mod:`.index`: keeping the index true in the transaction of every change;
- :mod:`.snippets`: the marked passage shown with each hit.

Importing this package registers the index's session events.
"""

from __future__ import annotations

import sqlalchemy as sa
from markupsafe import Markup

from blog.domain import site_settings
from blog.domain.search import backends, index
from blog.domain.search.backends import backend_for
from blog.domain.search.query import SearchQuery, parse, printable
from blog.domain.search.snippets import highlight, snippet
from blog.extensions import db

__all__ = [
    "SearchQuery",
    "backends",
    "index",
    "marked_snippet",
    "marked_title",
    "narrow",
    "printable",
    "public_total",
    "read_query",
]


def _language() -> str:
    return site_settings.search_language()


def read_query(text: str) -> SearchQuery:
    return parse(text, _language())


def narrow(statement: sa.Select, query: SearchQuery) -> sa.Select:
    """Posts of ``statement`` that match ``query``, best first (then newest)."""
    return backend_for(db.session).narrow(statement, query)


def public_total(query: SearchQuery) -> sa.ScalarSelect:
    """How many public posts a search of ``query`` lists, as a column (at most the ranked
    :data:`~.backends.CANDIDATES`)."""
    return backends.public_total(backend_for(db.session), query)


def marked_title(post, query: SearchQuery) -> Markup:
    return highlight(post.title, query, _language())


def marked_snippet(post, query: SearchQuery) -> Markup:
    return snippet([post.description, index.plain_text(post.body_html)], query, _language())
