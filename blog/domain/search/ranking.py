"""The order every backend gives its matches: best first, then newest."""

from __future__ import annotations

import sqlalchemy as sa

from blog.models import Post


def ranked(statement: sa.Select, matches: sa.Subquery, best_first) -> sa.Select:
    """``statement`` narrowed to the posts in ``matches`` (``post_id``, ``rank``), best first,
    then newest."""
    return (
        statement.join(matches, matches.c.post_id == Post.id)
        .order_by(None)
        .order_by(best_first, Post.published_at.desc(), Post.id.desc())
    )
