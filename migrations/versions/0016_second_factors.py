"""second factors: TOTP on the account, recovery codes, the browsers an account signed in from
(devices), passkeys; and the browser each sign-in was made in

Revision ID: 0016
Revises: 0015

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


# Plain ALTER TABLE for users and sign_ins, not batch mode: SQLite's batch mode rebuilds the table
# and would lose the lower(username)/lower(email) unique indexes, which it cannot reflect.


def _owner(table):
    return sa.Column('user_id', sa.Integer(), sa.ForeignKey(
        'users.id', name=f'fk_{table}_user_id_users', ondelete='CASCADE'), nullable=False)


def upgrade():
    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    _owner('recovery_codes'),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_codes_code_hash'))
    )
    op.create_index(op.f('ix_recovery_codes_user_id'), 'recovery_codes', ['user_id'], unique=False)

    op.create_table('devices',
    sa.Column('id', sa.Integer(), nullable=False),
    _owner('devices'),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('browser', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('trusted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('trusted_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('user_id', 'key_hash', name='uq_devices_user_key')
    )
    op.create_index(op.f('ix_devices_user_id'), 'devices', ['user_id'], unique=False)

    op.create_table('passkeys',
    sa.Column('id', sa.Integer(), nullable=False),
    _owner('passkeys'),
    sa.Column('credential_hash', sa.String(length=64), nullable=False),
    sa.Column('credential_id', sa.LargeBinary(length=1023), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('sign_count', sa.BigInteger(), nullable=False),
    sa.Column('transports', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passkeys')),
    sa.UniqueConstraint('credential_hash', name=op.f('uq_passkeys_credential_hash'))
    )
    op.create_index(op.f('ix_passkeys_user_id'), 'passkeys', ['user_id'], unique=False)

    op.add_column('sign_ins', sa.Column('browser', sa.String(length=120), nullable=False,
                                        server_default=''))
    op.add_column('users', sa.Column('totp_secret', sa.String(length=64), nullable=True))
    op.add_column('users', sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('totp_last_step', sa.BigInteger(), nullable=True))


def downgrade():
    op.drop_column('users', 'totp_last_step')
    op.drop_column('users', 'totp_enabled_at')
    op.drop_column('users', 'totp_secret')
    op.drop_column('sign_ins', 'browser')
    op.drop_table('passkeys')
    op.drop_table('devices')
    op.drop_table('recovery_codes')
