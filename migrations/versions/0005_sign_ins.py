"""sign-ins kept on the server, and "sign out everywhere"

Revision ID: 0005
Revises: 0004

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


# Plain ALTER TABLE for users, not batch mode: SQLite's batch mode rebuilds the table and would
# lose the lower(username)/lower(email) unique indexes, which it cannot reflect.


def upgrade():
    op.create_table('sign_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('remembered', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_ins_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_ins')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_sign_ins_key_hash'))
    )
    op.create_index(op.f('ix_sign_ins_user_id'), 'sign_ins', ['user_id'], unique=False)
    op.add_column('users', sa.Column('signed_out_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column('users', 'signed_out_at')
    op.drop_table('sign_ins')
