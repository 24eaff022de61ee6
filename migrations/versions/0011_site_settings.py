"""site settings

Revision ID: 0011
Revises: 0010

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_settings',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('title', sa.String(length=80), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=True),
    sa.Column('logo_url', sa.String(length=2000), nullable=True),
    sa.Column('accent_color', sa.String(length=7), nullable=True),
    sa.Column('navigation_links', sa.JSON(), nullable=False),
    sa.Column('social_links', sa.JSON(), nullable=False),
    sa.Column('posts_per_page', sa.Integer(), nullable=True),
    sa.Column('search_language', sa.String(length=32), nullable=True),
    sa.Column('show_hero', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_settings'))
    )


def downgrade():
    op.drop_table('site_settings')
