"""full-text search: the post_search index, filled with every published post

Revision ID: 0006
Revises: 0005

"""
from alembic import op
from flask import current_app

from blog.domain.search.backends import backend_for
from blog.domain.search.index import rebuild

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


# The index is an FTS5 table on SQLite and a tsvector table on PostgreSQL, which the models
# don't describe (autogenerate leaves it alone: blog.domain.search.backends.not_an_index_table).


def upgrade():
    bind = op.get_bind()
    backend_for(bind).create(bind)
    rebuild(bind, current_app.config["SEARCH_LANGUAGE"])


def downgrade():
    bind = op.get_bind()
    backend_for(bind).drop(bind)
