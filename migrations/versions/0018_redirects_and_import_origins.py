"""redirects from a moved-in blog's old addresses, and the origins of what an import wrote (so
a second run writes nothing twice)

Revision ID: 0018
Revises: 0017

"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


# The unique keys are SHA-256 digests (64 characters), not the paths themselves: a unique
# utf8mb4 VARCHAR may be at most 191 characters long on older MariaDB.


def upgrade():
    op.create_table('redirects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('old_path_key', sa.String(length=64), nullable=False),
    sa.Column('old_path', sa.String(length=1000), nullable=False),
    sa.Column('target_path', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redirects')),
    sa.UniqueConstraint('old_path_key', name=op.f('uq_redirects_old_path_key'))
    )
    op.create_table('import_origins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('origin_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_origins')),
    sa.UniqueConstraint('origin_key', name=op.f('uq_import_origins_origin_key'))
    )


def downgrade():
    op.drop_table('import_origins')
    op.drop_table('redirects')
