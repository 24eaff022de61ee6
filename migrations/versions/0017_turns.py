"""turns: rows that writers who must take turns (choosing a slug) lock until they commit, on
MariaDB and MySQL

Revision ID: 0017
Revises: 0016

"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('turns',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_turns'))
    )


def downgrade():
    op.drop_table('turns')
