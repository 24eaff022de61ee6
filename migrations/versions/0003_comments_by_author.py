"""an index on comments by author

Revision ID: 0003
Revises: 0002

"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_comments_author_id', 'comments', ['author_id'], unique=False)


def downgrade():
    op.drop_index('ix_comments_author_id', table_name='comments')
