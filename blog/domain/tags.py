"""Tags: normalised names and the rows behind them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from blog.domain.errors import ValidationError
from blog.extensions import db
from blog.models import Tag
from blog.models.post import TAG_MAX, TAGS_PER_POST_MAX


def normalize_tag(name: str) -> str:
    """Lower-case, single-spaced: ``"  Flask  Tips "`` → ``"flask tips"``."""
    return " ".join(name.split()).lower()


def clean_tag_list(value: Any, field: str = "tagList") -> list[str]:
    """Distinct normalised names in the order given. A string is read as comma-separated."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError.single(field, "must be a list of strings")
    names: list[str] = []
    for raw in value:
        name = normalize_tag(raw)
        if not name:
            continue
        if len(name) > TAG_MAX:
            raise ValidationError.single(field, f"tags are at most {TAG_MAX} characters")
        if not name.isprintable():
            raise ValidationError.single(field, "contains characters that are not allowed")
        if name not in names:
            names.append(name)
    if len(names) > TAGS_PER_POST_MAX:
        raise ValidationError.single(field, f"at most {TAGS_PER_POST_MAX} tags")
    return names


def get_or_create_tags(names: list[str]) -> dict[str, Tag]:
    """The Tag rows for ``names``, creating the missing ones without racing other writers."""
    if not names:
        return {}
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(Tag)
        .values([{"name": n} for n in names])
        .on_conflict_do_nothing(index_elements=["name"])
    )
    tags = db.session.scalars(sa.select(Tag).where(Tag.name.in_(names)))
    return {tag.name: tag for tag in tags}
