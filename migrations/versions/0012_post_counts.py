"""post counts kept by triggers; tag rows carry their post's publication time; list indexes
that hold the id of a page's posts

Revision ID: 0012
Revises: 0011

"""
from alembic import op
import sqlalchemy as sa

from blog.domain import count_triggers, counts
from blog.sql import refresh_statistics

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('post_counts',
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('published', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_post_counts'))
    )
    op.add_column('post_tags', sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    counts.recount(bind)
    op.create_index('ix_post_tags_tag_id_published_at', 'post_tags', ['tag_id', 'published_at', 'post_id'], unique=False)
    op.create_index('ix_posts_author_id_status_published_at', 'posts', ['author_id', 'status', 'published_at', 'id'], unique=False)
    op.create_index('ix_posts_status_published_at_id', 'posts', ['status', 'published_at', 'id'], unique=False)
    # The old indexes go once the new ones are there: MariaDB drops no index a foreign key
    # needs (post_tags.tag_id, posts.author_id) until another one serves it.
    op.drop_index('ix_post_tags_tag_id_post_id', table_name='post_tags')
    op.drop_index('ix_posts_author_id_published_at', table_name='posts')
    op.drop_index('ix_posts_status_published_at', table_name='posts')
    count_triggers.install_triggers(bind)
    refresh_statistics(bind)


def downgrade():
    bind = op.get_bind()
    count_triggers.remove_triggers(bind)
    op.create_index('ix_posts_status_published_at', 'posts', ['status', 'published_at'], unique=False)
    op.create_index('ix_posts_author_id_published_at', 'posts', ['author_id', 'published_at'], unique=False)
    op.create_index('ix_post_tags_tag_id_post_id', 'post_tags', ['tag_id', 'post_id'], unique=False)
    op.drop_index('ix_posts_status_published_at_id', table_name='posts')
    op.drop_index('ix_posts_author_id_status_published_at', table_name='posts')
    op.drop_index('ix_post_tags_tag_id_published_at', table_name='post_tags')
    op.execute("ALTER TABLE post_tags DROP COLUMN published_at")
    op.drop_table('post_counts')
