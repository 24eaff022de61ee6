"""an index the sitemap's index of post files reads alone, in id order: the public posts' ids
and last changes, without reading their rows

Revision ID: 0015
Revises: 0014

"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_posts_status_id_sitemap',
        'posts',
        ['status', 'id', 'published_at', 'updated_at'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_posts_status_id_sitemap', table_name='posts')
