"""The comment model and its states."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db, utc


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


class CommentStatus(enum.StrEnum):
    """Where a comment stands in moderation."""

    PENDING = "pending"
    APPROVED = "approved"
    SPAM = "spam"
    DELETED = "deleted"


class Comment(db.Model):
    """A reader's comment on a post, or a reply to another comment."""

    __tablename__ = "comment"

    __table_args__ = (
        sa.PrimaryKeyConstraint("id", name="pk_comment"),
        sa.UniqueConstraint("blogger_id", name="uq_comment_blogger_id"),
        sa.UniqueConstraint("submission", name="uq_comment_submission"),
    )

    id: Mapped[int] = mapped_column()
    # The post's URL path when the comment was written; aliases keep it found.
    post_url: Mapped[str] = mapped_column(sa.String(300), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comment.id", name="fk_comment_parent_id_comment"), index=True
    )
    author: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    # Raw text as typed; sanitised when shown so the sanitiser can improve.
    body: Mapped[str] = mapped_column(sa.Text)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))
    created: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    status: Mapped[CommentStatus] = mapped_column(
        sa.Enum(
            CommentStatus,
            native_enum=False,
            create_constraint=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=CommentStatus.PENDING,
        index=True,
    )
    is_author: Mapped[bool] = mapped_column(default=False)
    # The commenter asked to be told by e-mail of replies (never without email).
    notify: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    blogger_id: Mapped[str | None] = mapped_column(sa.String(200))
    # One form sent twice (two clicks, two workers) is one comment: a hash of
    # the post, the author, the text and the form token's issue time, unique.
    # None for comments that came another way (import, before 0005).
    submission: Mapped[str | None] = mapped_column(sa.String(64))

    @property
    def created_utc(self) -> datetime:
        """Return ``created`` as an aware UTC datetime, whatever the driver gave."""
        return utc(self.created)

    def __repr__(self) -> str:
        """Return a debugging representation."""
        return f"<Comment {self.id} {self.status} on {self.post_url}>"
