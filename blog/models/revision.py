from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from blog.extensions import db
from blog.models.post import DESCRIPTION_MAX, TITLE_MAX, Post
from blog.models.types import UTCDateTime, utcnow
from blog.models.user import User

TAG_SEPARATOR = "\n"
"""Tags are kept as their names, one a line: a tag name never holds a line break (see
:func:`blog.domain.tags.clean_tag_list`), and a name stays readable after its tag is renamed,
merged or deleted."""


class PostRevision(db.Model):
    """A post as it was before one of its saves: title, description, body and tags.

    ``editor`` made the save that replaced this version, at ``created_at``; ``autosave`` says
    whether that save was the editor's automatic one. Rules (how many are kept, when an autosave
    keeps one) are in :mod:`blog.domain.revisions`.
    """

    __tablename__ = "post_revisions"
    __table_args__ = (
        sa.Index("ix_post_revisions_post_id_id", "post_id", "id"),
        # An account's edits: found without a scan when the account is deleted (SET NULL).
        sa.Index("ix_post_revisions_editor_id", "editor_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    post_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    editor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    autosave: so.Mapped[bool] = so.mapped_column(default=False)
    title: so.Mapped[str] = so.mapped_column(sa.String(TITLE_MAX))
    description: so.Mapped[str] = so.mapped_column(sa.String(DESCRIPTION_MAX), default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    tags: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    post: so.Mapped[Post] = so.relationship()
    editor: so.Mapped[User | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<PostRevision {self.id} of post {self.post_id}>"

    @property
    def tag_names(self) -> list[str]:
        return self.tags.split(TAG_SEPARATOR) if self.tags else []

    @tag_names.setter
    def tag_names(self, names: list[str]) -> None:
        self.tags = TAG_SEPARATOR.join(names)
