"""The outbox (one row per announcement) and the leases that elect who sends.

An outbox row holds no e-mail address. It names the comment it announces
and, for a reply notification, the comment whose author asked for replies:
the address is read from that comment when the message is built, so that
erasing an address (a deleted comment, an unsubscribe) also stops what was
queued for it. ``recipient_key`` is a keyed hash of the address, enough to
group a thread's replies for one reader and to honour the hourly cap.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


def _enum_column(cls: type[enum.Enum]) -> sa.Enum:
    """Return a VARCHAR column type holding the enum's values."""
    return sa.Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


class MailKind(enum.StrEnum):
    """What a message announces."""

    MODERATION = "moderation"  # to the moderator: a comment awaits
    REPLY = "reply"  # to a commenter: a reply was published in their thread


class OutboxState(enum.StrEnum):
    """Where an outbox row stands."""

    QUEUED = "queued"  # to send when due
    SENT = "sent"
    FAILED = "failed"  # every retry failed, or the server refused for good
    DROPPED = "dropped"  # nothing left to say (comment moderated, unsubscribed)


class Outbox(db.Model):
    """One announcement waiting for, or done with, the sender."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.Index("ix_outbox_state_due", "state", "due"),
    )

    id: Mapped[int] = mapped_column()
    kind: Mapped[MailKind] = mapped_column(_enum_column(MailKind))
    # The comment announced: the one to moderate, or the published reply.
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comment.id", name="fk_outbox_comment_id_comment"), index=True
    )
    # Replies: the comment whose author asked for them (their address).
    subscriber_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comment.id", name="fk_outbox_subscriber_id_comment")
    )
    thread_id: Mapped[int | None] = mapped_column()
    recipient_key: Mapped[str | None] = mapped_column(sa.String(64))
    state: Mapped[OutboxState] = mapped_column(
        _enum_column(OutboxState), default=OutboxState.QUEUED
    )
    created: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    due: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.String(300))
    sent: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Set while a sender is delivering the row, so that no other picks it up.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class MailLease(db.Model):
    """A named lease: who holds it, and until when.

    ``sender``: the one process (of every worker on every host) delivering
    the outbox now. ``daily``: when the daily chores (IP addresses, old
    outbox rows) are next due, whoever runs them.
    """

    __tablename__ = "mail_lease"
    __table_args__ = (sa.PrimaryKeyConstraint("name", name="pk_mail_lease"),)

    name: Mapped[str] = mapped_column(sa.String(20))
    holder: Mapped[str | None] = mapped_column(sa.String(100))
    until: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
