import sqlalchemy as sa

from blog.extensions import db

CONTENT_VERSION_ID = 1

content_version = sa.Table(
    "content_version",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)
"""One row (``id`` 1): a number every committed write raises. :mod:`blog.caching` keys cached
values by it, so a write made by any process shows everywhere on the next request."""
