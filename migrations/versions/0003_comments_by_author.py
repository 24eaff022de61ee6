"""an index on comments by author

Revision ID: 0003
Revises: 0002

"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_comments_author_id', 'comments', ['author_id'], unique=False)


def downgrade():
    # MariaDB keeps the index while the foreign key on author_id needs it: the key goes first
    # and comes back after, with an index of its own as before this revision.
    on_mariadb = op.get_bind().dialect.name == 'mysql'
    foreign_key = 'fk_comments_author_id_users'
    if on_mariadb:
        op.drop_constraint(foreign_key, 'comments', type_='foreignkey')
    op.drop_index('ix_comments_author_id', table_name='comments')
    if on_mariadb:
        op.create_foreign_key(
            foreign_key, 'comments', 'users', ['author_id'], ['id'], ondelete='CASCADE'
        )
