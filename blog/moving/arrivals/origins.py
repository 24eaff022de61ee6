"""What an import wrote, by what it was on the old blog: a second run of an import finds each
post, page and comment it wrote already and writes it again never (and a newer export of the
same blog writes only what is new in it).

The old blog's name for an item is its export's (``origin``, the kind, the id there): Ghost's
posts by their UUID, WordPress's by the blog's address and the post's or comment's id.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from blog.extensions import db
from blog.models import ImportOrigin


def _key(origin: str, kind: str, key: str) -> str:
    return hashlib.sha256(f"{origin}|{kind}|{key}".encode("utf-8", "surrogatepass")).hexdigest()


def written(origin: str, kind: str, key: str) -> int | None:
    """The id of the row an import wrote for this item, if one did."""
    statement = sa.select(ImportOrigin.target_id).where(
        ImportOrigin.origin_key == _key(origin, kind, key)
    )
    return db.session.scalar(statement)


def record(origin: str, kind: str, key: str, target_id: int) -> None:
    """Note that the item was written as the row ``target_id``. Not committed."""
    db.session.add(ImportOrigin(origin_key=_key(origin, kind, key), kind=kind, target_id=target_id))
