"""uploaded images and post covers

Revision ID: 0008
Revises: 0007

"""

from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=24), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_uploads_owner_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
        sa.UniqueConstraint("key", name=op.f("uq_uploads_key")),
    )
    op.create_index(
        "ix_uploads_owner_id_content_hash", "uploads", ["owner_id", "content_hash"], unique=False
    )
    op.create_table(
        "upload_blobs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_upload_blobs")),
    )
    op.add_column("posts", sa.Column("cover_image", sa.String(length=500), nullable=True))


def downgrade():
    # Not batch mode: rebuilding posts would reflect users, whose lower() indexes SQLite can't
    # reflect. SQLite (3.35+) and PostgreSQL both drop a column in place.
    op.execute("ALTER TABLE posts DROP COLUMN cover_image")
    op.drop_table("upload_blobs")
    op.drop_table("uploads")
