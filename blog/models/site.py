import sqlalchemy as sa

from blog.extensions import db
from blog.models.types import UTCDateTime

CONTENT_VERSION_ID = 1

content_version = sa.Table(
    "content_version",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("changed_at", UTCDateTime()),
)
"""One row (``id`` 1): a number every committed write raises, and when it last did.
:mod:`blog.caching` keys cached values by it, so a write made by any process shows everywhere on
the next request; ``changed_at`` is the ``Last-Modified`` of what is built from it (feeds,
sitemaps), which a removed post moves forward too."""

turns = sa.Table(
    "turns",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
)
"""Rows that writers who must take turns lock until they commit, on MariaDB and MySQL, which
have no lock that ends with a transaction but a row's (:func:`blog.domain.rows.take_turns_on`).
Made as they are first needed: at most :data:`TURNS` of them."""

TURNS = 1 << 16
