"""an author's total of published posts kept by the count triggers, so a profile's pager and
the API's ``author=`` and feed totals read rows, not an author's every post

Revision ID: 0014
Revises: 0013

"""
from alembic import op

from blog.domain import count_triggers, counts


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    count_triggers.remove_triggers(bind)
    count_triggers.install_triggers(bind)
    counts.count_authors(bind)


def downgrade():
    # The triggers stay as they are (what 0013 reads, they keep as before); the authors' rows,
    # which 0013 doesn't read, go, and an upgrade counts them again.
    op.execute("DELETE FROM post_counts WHERE scope LIKE 'author:%'")
