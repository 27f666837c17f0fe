"""The moderator account model."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.comments.models import utcnow
from app.extensions import db


class Moderator(UserMixin, db.Model):
    """An account allowed into the moderation queue."""

    __tablename__ = "moderator"
    __table_args__ = (
        sa.PrimaryKeyConstraint("id", name="pk_moderator"),
        sa.UniqueConstraint("username", name="uq_moderator_username"),
    )

    id: Mapped[int] = mapped_column()
    username: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    created: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    # Part of the id every session cookie carries (get_id): bumping it ends
    # every session opened before (logout, ``moderator passwd``).
    session_generation: Mapped[int] = mapped_column(
        default=0, server_default=sa.text("0")
    )

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (Werkzeug's default: scrypt)."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Return the session's user id: the account and its session generation.

        Flask-Login's "alternative token": a cookie made before the
        generation moved no longer loads the moderator.
        """
        return f"{self.id}:{self.session_generation}"

    def end_sessions(self) -> None:
        """End every session opened so far (the caller commits)."""
        self.session_generation = (self.session_generation or 0) + 1

    def __repr__(self) -> str:
        """Return a debugging representation."""
        return f"<Moderator {self.username}>"
