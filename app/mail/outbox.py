"""Writing to the outbox, in the transaction of the comment a message announces.

:class:`OutboxAnnouncer` is what app.comments.notify calls (the app factory
registers it): it adds rows to the session the comment is in, and the
comment's commit commits them. After that commit, this process's sender is
woken so that the message leaves at once, not at its next round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.comments.models import Comment, CommentStatus
from app.config import current_settings
from app.extensions import db
from app.mail import tokens
from app.mail.models import MailKind, Outbox, OutboxState

if TYPE_CHECKING:
    from app.content.post import Post

_QUEUED_FLAG = "carnet_mail_queued"


def _add(session: Session, **values: Any) -> None:
    """Add one queued row, due now, to the session's transaction."""
    moment = tokens.now()
    session.add(
        Outbox(
            state=OutboxState.QUEUED, created=moment, due=moment, attempts=0, **values
        )
    )
    session.info[_QUEUED_FLAG] = True


def thread_root(session: Session, comment: Comment) -> Comment:
    """Return the top comment of ``comment``'s thread."""
    seen = {comment.id}
    while comment.parent_id is not None and comment.parent_id not in seen:
        parent = session.get(Comment, comment.parent_id)
        if parent is None:
            break
        seen.add(parent.id)
        comment = parent
    return comment


def subscribers(session: Session, reply: Comment) -> dict[str, Comment]:
    """Return ``{recipient key: comment}`` of those to tell about ``reply``.

    Everyone in the reply's thread (its top comment and the other replies)
    who left an address, asked for replies and is published; one comment per
    address (the newest), never the reply's own author.
    """
    root = thread_root(session, reply)
    query = (
        sa.select(Comment)
        .where(
            sa.or_(Comment.id == root.id, Comment.parent_id == root.id),
            Comment.id != reply.id,
            Comment.notify.is_(True),
            Comment.email.is_not(None),
            Comment.status == CommentStatus.APPROVED,
        )
        .order_by(Comment.created, Comment.id)
    )
    found = {tokens.recipient_key(c.email): c for c in session.scalars(query)}
    if reply.email:
        found.pop(tokens.recipient_key(reply.email), None)
    return found


class OutboxAnnouncer:
    """Queue messages about comments (registered with app.comments.notify)."""

    def waiting(self, comment: Comment, post: Post) -> bool:
        """Queue the moderator's message; False without mail (the log says it)."""
        if not current_settings().sends_mail:
            return False
        _add(db.session, kind=MailKind.MODERATION, comment_id=comment.id)
        return True

    def published(self, ids: list[int]) -> None:
        """Queue a message to each subscriber of the threads these replies join."""
        if not current_settings().sends_mail:
            return
        session = db.session
        replies = session.scalars(
            sa.select(Comment).where(
                Comment.id.in_(ids), Comment.parent_id.is_not(None)
            )
        )
        for reply in replies:
            root = thread_root(session, reply)
            for key, subscriber in subscribers(session, reply).items():
                _add(
                    session,
                    kind=MailKind.REPLY,
                    comment_id=reply.id,
                    subscriber_id=subscriber.id,
                    thread_id=root.id,
                    recipient_key=key,
                )


def unsubscribe(key: str) -> int:
    """Stop every reply notification to the address of ``key``; count comments.

    Every comment with that address stops asking for replies, and what was
    queued for it is dropped. Commits.
    """
    session = db.session
    rows = session.execute(
        sa.select(Comment.id, Comment.email).where(
            Comment.notify.is_(True), Comment.email.is_not(None)
        )
    )
    ids = [row_id for row_id, email in rows if tokens.recipient_key(email) == key]
    if ids:
        session.execute(
            sa.update(Comment)
            .where(Comment.id.in_(ids))
            .values(notify=False)
            .execution_options(synchronize_session=False)
        )
    session.execute(
        sa.update(Outbox)
        .where(
            Outbox.kind == MailKind.REPLY,
            Outbox.recipient_key == key,
            Outbox.state == OutboxState.QUEUED,
        )
        .values(state=OutboxState.DROPPED, error="unsubscribed")
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return len(ids)


def failed_messages(limit: int = 50) -> list[Outbox]:
    """Return the messages the sender gave up on, newest first."""
    query = (
        sa.select(Outbox)
        .where(Outbox.state == OutboxState.FAILED)
        .order_by(Outbox.due.desc(), Outbox.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def retry_failed(ids: list[int]) -> int:
    """Queue these failed messages again, due now, with fresh tries; commit."""
    result = db.session.execute(
        sa.update(Outbox)
        .where(Outbox.id.in_(ids), Outbox.state == OutboxState.FAILED)
        .values(state=OutboxState.QUEUED, due=tokens.now(), attempts=0)
        .execution_options(synchronize_session=False)
    )
    db.session.info[_QUEUED_FLAG] = True
    db.session.commit()
    return result.rowcount


def _wake_sender() -> None:
    """Wake this process's sender, if it runs."""
    sender = current_app.extensions.get("carnet_mail_thread")
    if sender is not None:
        sender.wake()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """A committed outbox row is due now: tell this process's sender."""
    if session.info.pop(_QUEUED_FLAG, None) and has_app_context():
        _wake_sender()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    """Rows rolled back were never queued."""
    session.info.pop(_QUEUED_FLAG, None)
