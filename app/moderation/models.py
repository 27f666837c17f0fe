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

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (Werkzeug's default: scrypt)."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        """Return a debugging representation."""
        return f"<Moderator {self.username}>"
