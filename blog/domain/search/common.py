"""What every backend shares: the order of its matches, and how documents are forgotten."""

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


def forget(executor, post_id: sa.ColumnClause, post_ids: list[int] | None) -> None:
    """Delete the documents whose ``post_id`` column is among ``post_ids`` (None: all)."""
    delete = sa.delete(post_id.table)
    if post_ids is not None:
        delete = delete.where(post_id.in_(post_ids))
    executor.execute(delete)
