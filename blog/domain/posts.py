"""Writing posts: validation, slugs, tags, publishing, and who may change what."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from blog.domain import revisions, scheduling
from blog.domain.errors import NotFound, PermissionDenied, ValidationError
from blog.domain.permissions import can_edit_post
from blog.domain.rows import insert_retrying, take_turns
from blog.domain.slugs import is_private_slug, private_slug, unique_slug
from blog.domain.tags import clean_tag_list, get_or_create_tags
from blog.domain.text import clean_text, collect
from blog.domain.uploads import clean_cover_image
from blog.extensions import db
from blog.markdown import MARKUP_MAX, markup_weight, render_post
from blog.models import Post, PostRevision, PostStatus, PostTag, User, utcnow
from blog.models.post import BODY_MAX, DESCRIPTION_MAX, TITLE_MAX

SLUG_ATTEMPTS = 3
RESUBMIT_WINDOW = timedelta(seconds=10)
"""How long a second, identical submission counts as the same one (a double click, a retry)."""


def clean_body(value: Any, saved: str | None = None) -> str:
    """A body within :data:`BODY_MAX` characters and :data:`MARKUP_MAX` of markup, checked
    before it is rendered. A body saved before the markup bound existed may be saved again as it
    is (editing the title of an old post must not fail on its body)."""
    body = clean_text(value, "body", max_length=BODY_MAX, multiline=True)
    if body != saved and markup_weight(body) > MARKUP_MAX:
        raise ValidationError.single(
            "body",
            f"has too much formatting (at most {MARKUP_MAX} markup characters such as "
            "[ ] * _ ` < > |, each line break counting as three)",
        )
    return body


_CLEANERS = {
    "title": lambda v, post: clean_text(v, "title", max_length=TITLE_MAX),
    "description": lambda v, post: clean_text(
        v, "description", max_length=DESCRIPTION_MAX, multiline=True
    ),
    "body": lambda v, post: clean_body(v, post.body if post else None),
    "tags": lambda v, post: clean_tag_list(v),
    "cover_image": lambda v, post: clean_cover_image(v),
}


def _clean(fields: dict[str, Any], post: Post | None = None) -> dict[str, Any]:
    names = [name for name in _CLEANERS if name in fields]
    cleaned = collect(*(lambda n=n: _CLEANERS[n](fields[n], post) for n in names))
    return dict(zip(names, cleaned, strict=True))


def preview(body: Any) -> str:
    """The HTML a body would be saved as, under the same rules as saving it."""
    return render_post(clean_body(body))


def _set_tags(post: Post, names: list[str]) -> None:
    existing = {pt.tag.name: pt for pt in post.post_tags}
    tags = get_or_create_tags([name for name in names if name not in existing])
    post_tags = []
    for position, name in enumerate(names):
        post_tag = existing.get(name) or PostTag(tag=tags[name])
        post_tag.position = position
        post_tags.append(post_tag)
    post.post_tags = post_tags


def _set_status(post: Post, publish: bool, now: datetime) -> None:
    """Publishing keeps the date of the first publication: unpublishing and publishing again
    doesn't make an old post look new."""
    if publish and not post.is_published:
        post.status = PostStatus.PUBLISHED
        post.published_at = post.published_at or now
    elif not publish and post.is_scheduled:
        scheduling.cancel(post)
    elif not publish:
        post.status = PostStatus.DRAFT


def create_post(
    author: User,
    *,
    title: Any,
    body: Any,
    description: Any,
    tags: Any = (),
    publish: bool = False,
    publish_at: Any = None,
    cover_image: Any = None,
) -> Post:
    """A new post by ``author``. Published, its slug comes from the title and never changes; a
    draft's slug is private until it is published (see :mod:`blog.domain.slugs`).

    The same post sent again by the same author within :data:`RESUBMIT_WINDOW` is the post
    already saved, not a copy: a double click or a client's retry makes one post.

    ``publish_at`` (a time with its offset) publishes it then, whatever ``publish`` says: see
    :mod:`blog.domain.scheduling`.
    """
    fields = _clean(
        {
            "title": title,
            "description": description,
            "body": body,
            "tags": tags,
            "cover_image": cover_image,
        }
    )
    timing = {"publish": publish} if publish_at is None else {"publish_at": publish_at}
    publish, moment = scheduling.read_changes(None, timing, utcnow())
    publish = bool(publish)
    body_html = render_post(fields["body"])  # before taking turns: long bodies take a while
    if author.id is not None:
        take_turns(author.id)
        resent = _just_saved(author, fields, publish, moment)
        if resent is not None:
            db.session.commit()
            return resent
    now = utcnow()

    def make() -> Post:
        post = Post(
            author=author,
            title=fields["title"],
            description=fields["description"],
            body=fields["body"],
            body_html=body_html,
            cover_image=fields["cover_image"],
            slug=unique_slug(fields["title"]) if publish else private_slug(),
            created_at=now,
            updated_at=now,
        )
        if moment is not None:
            scheduling.schedule(post, moment)
        else:
            _set_status(post, publish, now)
        db.session.add(post)
        _set_tags(post, fields["tags"])
        db.session.flush()
        return post

    post = insert_retrying(make, SLUG_ATTEMPTS)
    db.session.commit()
    return post


def _just_saved(
    author: User, fields: dict[str, Any], publish: bool, moment: datetime | None = None
) -> Post | None:
    statement = (
        sa.select(Post)
        .where(
            Post.author_id == author.id,
            Post.created_at >= utcnow() - RESUBMIT_WINDOW,
            Post.title == fields["title"],
            Post.description == fields["description"],
            Post.body == fields["body"],
        )
        .order_by(Post.id.desc())
        .limit(1)
    )
    post = db.session.scalar(statement)
    if post is None or post.tag_names != fields["tags"] or post.is_published != publish:
        return None
    if moment is not None and post.published_at != moment:
        return None
    return post


def update_post(
    post: Post, editor: User, changes: dict[str, Any], *, autosave: bool = False
) -> Post:
    """Change the given fields (title, description, body, tags, publish, publish_at: see
    :mod:`blog.domain.scheduling`). The slug stays, but for a draft published (or scheduled)
    for the first time: it leaves its private slug for one from its title.

    ``updated_at`` moves only when something really changed: saving as it is isn't an edit.
    Publishing a draft stamps both times alike, so a post is "edited since published"
    (:attr:`Post.edited_since_published`) only when it changed after that.

    The version a change replaces is kept as a revision (:func:`blog.domain.revisions.keep`);
    ``autosave`` (the editor's own saves while typing) keeps fewer.
    """
    if not can_edit_post(editor, post):
        raise PermissionDenied("Only the author or an admin can edit this post.", "post")
    fields = _clean(changes, post)
    publish, moment = scheduling.read_changes(post, changes, utcnow())
    saved = {name: getattr(post, name) for name in ("title", "description", "body", "cover_image")}
    saved["tags"] = post.tag_names
    changed = {name for name in fields if fields[name] != saved[name]}
    revisions.keep(post, editor, saved, changed, autosave=autosave)
    for name in changed - {"tags"}:
        setattr(post, name, fields[name])
    if "body" in changed:
        post.body_html = render_post(post.body)
    if "tags" in changed:
        _set_tags(post, fields["tags"])
    now = utcnow()
    if scheduling.apply(post, publish, moment, now):
        changed.add("publish_at")
        if is_private_slug(post.slug):
            _give_public_slug(post)
    if publish is not None and publish != post.is_published:
        first_publication = post.published_at is None
        _set_status(post, publish, now)
        changed.add("publish")
        if first_publication and post.is_published and is_private_slug(post.slug):
            _give_public_slug(post)
    if changed:
        post.updated_at = now
    db.session.commit()
    return post


def _give_public_slug(post: Post) -> None:
    """The slug of the post's title, chosen again if another writer took it meanwhile (as in
    :func:`create_post`). Drafts made before drafts had private slugs keep theirs."""
    for attempt in range(SLUG_ATTEMPTS):
        try:
            with db.session.begin_nested():
                post.slug = unique_slug(post.title)
                db.session.flush()
        except IntegrityError:
            if attempt == SLUG_ATTEMPTS - 1:
                raise
            continue
        return


def delete_post(post: Post, user: User) -> None:
    if not can_edit_post(user, post):
        raise PermissionDenied("Only the author or an admin can delete this post.", "post")
    db.session.delete(post)
    db.session.commit()


def publish_post(post: Post, user: User) -> None:
    update_post(post, user, {"publish": True})


def unpublish_post(post: Post, user: User) -> None:
    update_post(post, user, {"publish": False})


def restore_revision(post: Post, revision: PostRevision, user: User | None) -> bool:
    """Make ``revision`` the post's title, description, body and tags again, as a save by
    ``user`` (so the version it replaces is kept as a revision). Slug and publication stay.
    False when there was nothing to change. Raises the save's own errors: a tag or a body that
    today's rules refuse is a :class:`~blog.domain.errors.ValidationError`."""
    if revision.post_id != post.id:
        raise NotFound("No such revision of this post.", "revision")
    if revisions.is_current(revision, post):
        return False
    update_post(post, user, revisions.fields_of(revision))
    return True


def import_post(
    author: User,
    *,
    title: Any,
    body: Any,
    description: Any,
    tags: Any = (),
    cover_image: Any = None,
    slug: str,
    published_at: datetime | None,
    created_at: datetime,
    updated_at: datetime,
) -> Post:
    """A post moved in from another blog (:mod:`blog.moving.arrivals.writing`), cleaned as
    :func:`create_post` cleans one, with what it had there: its dates, and ``slug`` if no post
    here has it (else the next free one, ``slug-2``...). Without ``published_at`` it is a draft,
    with a private slug as every draft has; a time to come schedules it (within
    :data:`scheduling.SCHEDULE_AHEAD_MAX`), a time past publishes it then.

    Nothing is committed: the importer commits the post with its comments and redirects.
    """
    fields = _clean(
        {
            "title": title,
            "description": description,
            "body": body,
            "tags": tags,
            "cover_image": cover_image,
        }
    )
    if published_at is not None and published_at > utcnow() + scheduling.SCHEDULE_AHEAD_MAX:
        raise ValidationError.single(
            scheduling.FIELD,
            f"can be at most {scheduling.SCHEDULE_AHEAD_MAX.days // 366} years ahead",
        )
    body_html = render_post(fields["body"])
    title = fields["title"]

    def make() -> Post:
        post = Post(
            author=author,
            title=title,
            description=fields["description"],
            body=fields["body"],
            body_html=body_html,
            cover_image=fields["cover_image"],
            slug=(private_slug() if published_at is None else unique_slug(slug or title)),
            status=PostStatus.DRAFT if published_at is None else PostStatus.PUBLISHED,
            published_at=published_at,
            created_at=created_at,
            updated_at=max(updated_at, created_at),
        )
        db.session.add(post)
        _set_tags(post, fields["tags"])
        db.session.flush()
        return post

    return insert_retrying(make, SLUG_ATTEMPTS)
