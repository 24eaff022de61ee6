"""Stored HTML made again: bodies are rendered when they are saved, so a change of the renderer
(code highlighting, say) reaches older posts, comments and pages only through
:func:`render_again`."""

from __future__ import annotations

import sqlalchemy as sa

from blog.domain import search
from blog.extensions import db
from blog.markdown import render_comment, render_post
from blog.models import Comment, Page, Post

RENDER_BATCH = 500


def render_again(*, in_one_transaction: bool = False) -> tuple[int, int, int]:
    """Render every post's, comment's and page's body again with today's renderer, and return
    how many of each changed. Nobody edited them: their times stay; the search index reads the
    new text. Rows are read in id order, a batch at a time; each batch is committed, as a live
    blog wants, unless ``in_one_transaction`` (an import, which commits all or nothing)."""
    changed = []
    for model, render in ((Post, render_post), (Comment, render_comment), (Page, render_post)):
        count, last_id = 0, 0
        while rows := db.session.execute(
            sa.select(model.id, model.body, model.body_html)
            .where(model.id > last_id)
            .order_by(model.id)
            .limit(RENDER_BATCH)
        ).all():
            last_id = rows[-1].id
            updates = [
                {"id": row.id, "body_html": html}
                for row in rows
                if (html := render(row.body)) != row.body_html
            ]
            if updates:
                db.session.execute(sa.update(model), updates)  # by primary key
                if model is Post:
                    search.index.refresh_later(db.session, [u["id"] for u in updates])
            if not in_one_transaction:
                db.session.commit()
            count += len(updates)
        changed.append(count)
    return changed[0], changed[1], changed[2]
