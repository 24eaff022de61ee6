"""an index on an author's posts by creation time: a new post's check for the same one sent
twice reads the author's last seconds, not every post they wrote

Revision ID: 0013
Revises: 0012

"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_posts_author_id_created_at', 'posts', ['author_id', 'created_at'], unique=False
    )


def downgrade():
    op.drop_index('ix_posts_author_id_created_at', table_name='posts')
