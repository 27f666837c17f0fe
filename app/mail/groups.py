"""Which outbox rows travel in one message, when it may leave, and what it says.

- A reply notification groups the replies of one thread for one reader
  (``thread_id``, ``recipient_key``): at most one message an hour.
- The moderator's messages: one per comment, or with ``digest = "daily"``
  every comment waiting in one message, at most one a day.

A message is built when it leaves: a comment moderated meanwhile, a reply
no longer published or a reader who no longer asks drops its row instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa

from app.comments.models import Comment, CommentStatus
from app.extensions import db, utc
from app.mail import messages, tokens
from app.mail.models import MailKind, Outbox, OutboxState

REPLY_SPACING = timedelta(hours=1)
DIGEST_SPACING = timedelta(days=1)

# A group's message, or None when nothing is left to say; and the rows dropped.
Built = tuple[EmailMessage | None, list[Outbox]]


def group_key(row: Outbox, daily: bool) -> tuple:
    """Return the key of the message a row travels in."""
    if row.kind is MailKind.REPLY:
        return (MailKind.REPLY, row.thread_id, row.recipient_key)
    return (MailKind.MODERATION,) if daily else (MailKind.MODERATION, row.id)


def next_turn(key: tuple, daily: bool) -> datetime | None:
    """Return when the group may send again, from its last message; None: now."""
    if key[0] is MailKind.REPLY:
        where = [Outbox.thread_id == key[1], Outbox.recipient_key == key[2]]
        spacing = REPLY_SPACING
    elif daily:
        where, spacing = [], DIGEST_SPACING
    else:
        return None
    query = sa.select(sa.func.max(Outbox.sent)).where(
        Outbox.kind == key[0], Outbox.state == OutboxState.SENT, *where
    )
    last = db.session.execute(query).scalar()
    return utc(last) + spacing if last is not None else None


def _comments(ids: set[int | None]) -> dict[int, Comment]:
    """Return the comments with these ids, by id."""
    query = sa.select(Comment).where(Comment.id.in_([i for i in ids if i]))
    return {comment.id: comment for comment in db.session.scalars(query)}


def _status(comments: dict[int, Comment], comment_id: int) -> CommentStatus | None:
    """Return a comment's state, None when it is gone."""
    comment = comments.get(comment_id)
    return comment.status if comment else None


def message_id(rows: list[Outbox]) -> str:
    """Return the local part of a message's Message-ID, the same at every try."""
    first = min(rows, key=lambda r: r.id)
    return f"{first.id}.{int(utc(first.created).timestamp())}"


def moderation(rows: list[Outbox]) -> Built:
    """Build the moderator's message; rows whose comment left the queue drop."""
    comments = _comments({r.comment_id for r in rows})
    live = [r for r in rows if _status(comments, r.comment_id) is CommentStatus.PENDING]
    dropped = [r for r in rows if r not in live]
    if not live:
        return None, dropped
    shown = [comments[r.comment_id] for r in live]
    return messages.moderation_message(shown, message_id(live)), dropped


def reply(rows: list[Outbox]) -> Built:
    """Build a reader's message about replies; rows with nothing to say drop."""
    comments = _comments({r.comment_id for r in rows} | {r.subscriber_id for r in rows})
    key = rows[0].recipient_key

    def still_wanted(row: Outbox) -> bool:
        """Tell whether the reply is still published and its reader still asks."""
        subscriber = comments.get(row.subscriber_id)
        return (
            _status(comments, row.comment_id) is CommentStatus.APPROVED
            and subscriber is not None
            and subscriber.notify
            and bool(subscriber.email)
            and tokens.recipient_key(subscriber.email) == key
        )

    live = [r for r in rows if still_wanted(r)]
    dropped = [r for r in rows if r not in live]
    if not live:
        return None, dropped
    replies = sorted(
        {comments[r.comment_id] for r in live}, key=lambda c: (c.created, c.id)
    )
    subscriber = comments[live[-1].subscriber_id]
    built = messages.reply_message(replies, subscriber, key, message_id(live))
    return built, dropped


BUILDERS: dict[MailKind, Callable[[list[Outbox]], Built]] = {
    MailKind.MODERATION: moderation,
    MailKind.REPLY: reply,
}
