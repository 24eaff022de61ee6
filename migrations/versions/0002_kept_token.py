"""the API token that changed the password stays valid

Revision ID: 0002
Revises: 0001

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: SQLite's batch mode rebuilds the table and would lose the
# lower(username)/lower(email) unique indexes, which it cannot reflect.


def upgrade():
    op.add_column('users', sa.Column('kept_token_id', sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column('users', 'kept_token_id')
