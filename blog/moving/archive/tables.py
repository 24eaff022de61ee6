"""Which tables the archive carries, and in which order: read from the models' metadata, so a
table a later release adds travels without a change here.

Left out, each for a reason (and :data:`NOT_CARRIED` is the one list of them):

- ``post_counts``: totals the database's triggers keep from the posts (:mod:`blog.domain.counts`),
  set again from the posts after an import;
- ``content_version``: the number the caches are keyed by (:mod:`blog.caching`). It must only
  ever go up on a database, or a cache would serve the pages of the blog that was there before;
  an import's commit raises it;
- ``sign_ins``: browsers signed in to the old server. A move signs everyone out (they sign in
  again with the same password, second factor and passkeys);
- ``turns``: rows that writers lock to take turns on MariaDB (:mod:`blog.domain.rows`), made as
  they are first needed;
- ``upload_blobs``: the image files themselves when the database is their storage. The archive
  holds every image as a file instead, whatever the storage, and the import writes them to the
  storage the new blog is configured with.

The search index (``post_search``) is no model's table, so it is never read: it is built again
from the posts after an import.
"""

from __future__ import annotations

import sqlalchemy as sa

from blog.extensions import db
from blog.models import SignIn, UploadBlob, content_version, post_counts

NOT_CARRIED = {
    post_counts.name: "derived: set again from the posts",
    content_version.name: "derived: raised by the import's commit",
    SignIn.__tablename__: "ephemeral: everyone signs in again after a move",
    "turns": "locks: made again as writers need them",
    UploadBlob.__tablename__: "image files: carried as files, not rows",
}
"""The tables the archive leaves out, and why (the documentation's list, and the report's)."""


def carried_tables() -> list[sa.Table]:
    """The tables the archive holds, parents before children (the order rows can be inserted
    in without breaking a foreign key)."""
    return [table for table in db.metadata.sorted_tables if table.name not in NOT_CARRIED]


def emptied_tables() -> list[sa.Table]:
    """What ``--replace`` deletes, children first: every table but the content version, which
    must keep rising (the import's commit raises it)."""
    kept = {content_version.name}
    return [table for table in reversed(db.metadata.sorted_tables) if table.name not in kept]


def key_order(table: sa.Table) -> list[sa.Column]:
    """The columns a table is read in order of: its primary key, so that an archive of the same
    blog is the same archive, and reading follows an index."""
    return list(table.primary_key.columns) or list(table.columns)
