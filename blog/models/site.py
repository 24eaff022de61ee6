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
