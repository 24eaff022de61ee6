"""Keeping the index true: every transaction that changes what a post is found by rewrites that
post's document before it commits, in the same transaction.

Session events, not calls from each writer, note what changed, so no path can forget (the site,
the API, the admin, the CLI, a test's factory): a post created, edited, published, unpublished or
deleted, a tag added or removed, a tag renamed, merged or deleted. Writers that bypass the ORM
(seeding, :func:`blog.domain.tags.merge_tags`) say which posts they touched with
:func:`refresh_later`. Whether a post is *shown* is not the index's business: searches apply
:attr:`Post.is_public` like every list, so drafts, and an author's posts the moment they stop
being public, are never found.

Only published posts are indexed (a draft's text is nowhere but in its row); a post deleted with
its author leaves the index with it (a cascading foreign key, or a trigger on SQLite).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from blog.domain import site_settings
from blog.domain.search.backends import FIELDS, Document, backend_for
from blog.domain.search.terms import terms
from blog.models import Post, PostTag, Tag

PENDING = "blog.search.pending"
"""The session's ``info`` key of the ids of posts whose document must be written again."""

BATCH = 500
_SEARCHED_COLUMNS = ("title", "description", "body_html", "status")


def plain_text(html: str) -> str:
    """The text a reader sees in a post's HTML: no markup, no link targets."""
    import lxml.html  # imported here: ~5 MB that only indexing and search snippets need

    if not html.strip():
        return ""
    return lxml.html.fragment_fromstring(html, create_parent="div").text_content()


def _documents(executor, post_ids: list[int], language: str) -> list[Document]:
    posts = executor.execute(
        sa.select(Post.id, Post.title, Post.description, Post.body_html).where(
            Post.id.in_(post_ids), Post.is_published
        )
    ).all()
    tags: dict[int, list[str]] = {}
    names = sa.select(PostTag.post_id, Tag.name).join(Tag, Tag.id == PostTag.tag_id)
    for post_id, name in executor.execute(names.where(PostTag.post_id.in_([p.id for p in posts]))):
        tags.setdefault(post_id, []).append(name)
    documents = []
    for post in posts:
        texts = {
            "title": post.title,
            "tags": " ".join(tags.get(post.id, ())),
            "description": post.description,
            "body": plain_text(post.body_html),
        }
        documents.append(Document(post.id, {name: terms(texts[name], language) for name in FIELDS}))
    return documents


def _batches(ids: Iterable[int]) -> Iterable[list[int]]:
    iterator = iter(ids)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def refresh(executor, post_ids: Iterable[int], language: str) -> None:
    """Write the documents of ``post_ids`` again from their rows (a Session or a Connection): a
    post no longer published, or gone, leaves the index."""
    backend = backend_for(executor)
    for batch in _batches(sorted(set(post_ids))):
        documents = _documents(executor, batch, language)
        backend.forget(executor, batch)
        backend.store(executor, documents)


def rebuild(executor, language: str) -> int:
    """Index every published post again (after a change of ``SEARCH_LANGUAGE``, or to build
    the index the first time); returns how many were indexed."""
    backend_for(executor).forget(executor, None)
    ids = (
        executor.execute(sa.select(Post.id).where(Post.is_published).order_by(Post.id))
        .scalars()
        .all()
    )
    indexed = 0
    for batch in _batches(ids):
        refresh(executor, batch, language)
        indexed += len(batch)
    return indexed


def refresh_later(session: Session, post_ids: Iterable[int]) -> None:
    """Have the documents of ``post_ids`` written again when ``session`` commits."""
    session.info.setdefault(PENDING, set()).update(post_ids)


def _columns_changed(post: Post) -> bool:
    state = sa.inspect(post)
    return any(state.attrs[name].history.has_changes() for name in _SEARCHED_COLUMNS)


@event.listens_for(Session, "before_flush")
def _note_tag_changes(session: Session, flush_context, instances) -> None:
    """A tag renamed or deleted changes the posts carrying it, found now: once deleted, its
    links to them are gone."""
    tag_ids = [
        tag.id
        for tag in (*session.dirty, *session.deleted)
        if isinstance(tag, Tag)
        and tag.id is not None
        and (tag in session.deleted or sa.inspect(tag).attrs.name.history.has_changes())
    ]
    if tag_ids:
        with session.no_autoflush:
            tagged = session.scalars(sa.select(PostTag.post_id).where(PostTag.tag_id.in_(tag_ids)))
            refresh_later(session, tagged)


@event.listens_for(Session, "after_flush")
def _note_post_changes(session: Session, flush_context) -> None:
    changed = set()
    for instance in (*session.new, *session.deleted):
        if isinstance(instance, Post):
            changed.add(instance.id)
        elif isinstance(instance, PostTag):
            changed.add(instance.post_id)
    for instance in session.dirty:
        if isinstance(instance, Post) and _columns_changed(instance):
            changed.add(instance.id)
    if changed:
        refresh_later(session, changed)


@event.listens_for(Session, "before_commit", insert=True)
def _write_documents(session: Session) -> None:
    """First of the commit's listeners: the content version must stay the last statement
    (:mod:`blog.caching`)."""
    if session.in_nested_transaction():
        return
    session.flush()
    pending = session.info.pop(PENDING, None)
    if pending:
        refresh(session, pending, site_settings.search_language())


@event.listens_for(Session, "after_rollback")
def _nothing_to_write(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(PENDING, None)
