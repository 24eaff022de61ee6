"""Tags: normalised names and the rows behind them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from blog.domain import search
from blog.domain.errors import ValidationError
from blog.extensions import db
from blog.models import PostTag, Tag
from blog.models.post import TAG_MAX, TAGS_PER_POST_MAX
from blog.sql import insert_ignoring_conflicts, insert_skipping_conflicts


def normalize_tag(name: str) -> str:
    """Lower-case, single-spaced: ``"  Flask  Tips "`` → ``"flask tips"``."""
    return " ".join(name.split()).lower()


TAG_ENTRIES_MAX = 5 * TAGS_PER_POST_MAX
"""How many names a tag list may hold before it is read at all. Repeats and blanks are dropped,
so a few more than :data:`TAGS_PER_POST_MAX` can still make a valid list; a longer one is refused
without looking at its names (a list of 100,000 used to keep a worker busy for a minute)."""
TAG_FIELD_MAX = TAG_ENTRIES_MAX * (TAG_MAX + 2)
"""The longest comma-separated tag field read: room for every entry, its comma and a space."""


def clean_tag_list(value: Any, field: str = "tags") -> list[str]:
    """Distinct normalised names in the order given. A string is read as comma-separated.

    Sizes are checked before any name is: the work done is bounded by the limits, whatever the
    size of what was sent.
    """
    too_many = ValidationError.single(field, f"at most {TAGS_PER_POST_MAX} tags")
    if isinstance(value, str):
        if len(value) > TAG_FIELD_MAX:
            raise ValidationError.single(
                field, f"is too long (maximum is {TAG_FIELD_MAX} characters)"
            )
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise ValidationError.single(field, "must be a list of strings")
    if len(value) > TAG_ENTRIES_MAX:
        raise too_many
    if not all(isinstance(v, str) for v in value):
        raise ValidationError.single(field, "must be a list of strings")
    names: dict[str, None] = {}  # ordered, and a constant-time membership test
    for raw in value:
        name = normalize_tag(raw)
        if not name:
            continue
        if len(name) > TAG_MAX:
            raise ValidationError.single(field, f"tags are at most {TAG_MAX} characters")
        if not name.isprintable() or "/" in name or not name.strip("."):  # "..": a path
            raise ValidationError.single(field, "contains characters that are not allowed")
        names[name] = None
    if len(names) > TAGS_PER_POST_MAX:
        raise too_many
    return list(names)


def get_or_create_tags(names: list[str]) -> dict[str, Tag]:
    """The Tag rows for ``names``, creating the missing ones without racing other writers.

    Rows go in sorted: two writers adding the same new tags in different orders would otherwise
    each wait for a row the other holds (a deadlock on PostgreSQL).
    """
    if not names:
        return {}
    insert_ignoring_conflicts(Tag, [{"name": name} for name in sorted(names)])
    tags = db.session.scalars(sa.select(Tag).where(Tag.name.in_(names)))
    return {tag.name: tag for tag in tags}


def rename_tag(tag: Tag, new_name: Any) -> Tag:
    """Rename ``tag``; renaming to an existing tag's name merges the two (posts keep one copy)."""
    names = clean_tag_list([new_name] if isinstance(new_name, str) else new_name, "name")
    if len(names) != 1:
        raise ValidationError.single("name", "can't be blank")
    target = db.session.scalar(sa.select(Tag).where(Tag.name == names[0]))
    if target is None or target.id == tag.id:
        tag.name = names[0]
        db.session.commit()
        return tag
    return merge_tags([tag], target)


def merge_tags(sources: list[Tag], target: Tag) -> Tag:
    """Move every post from ``sources`` to ``target`` and delete the sources.

    A post carrying several of the merged tags ends up with ``target`` once, where the first of
    them stood.
    """
    source_ids = [tag.id for tag in sources if tag.id != target.id]
    if not source_ids:
        return target
    tagged = sa.select(PostTag.post_id).where(PostTag.tag_id.in_(source_ids))
    search.index.refresh_later(db.session, db.session.scalars(tagged))
    moved = (
        sa.select(PostTag.post_id, sa.literal(target.id), sa.func.min(PostTag.position))
        .where(PostTag.tag_id.in_(source_ids))
        .group_by(PostTag.post_id)
    )
    db.session.execute(
        insert_skipping_conflicts(PostTag).from_select(["post_id", "tag_id", "position"], moved)
    )
    db.session.execute(sa.delete(PostTag).where(PostTag.tag_id.in_(source_ids)))
    db.session.execute(sa.delete(Tag).where(Tag.id.in_(source_ids)))
    db.session.commit()
    db.session.expire_all()
    return target
