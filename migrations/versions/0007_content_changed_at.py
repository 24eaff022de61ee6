"""when the content version was last raised: the Last-Modified of feeds and sitemaps

Revision ID: 0007
Revises: 0006

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'content_version', sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True)
    )


def downgrade():
    with op.batch_alter_table('content_version') as batch_op:
        batch_op.drop_column('changed_at')
