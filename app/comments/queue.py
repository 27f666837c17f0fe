"""Moderation queries and transitions, shared by the web queue and the CLI."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from app.comments.models import Comment, CommentStatus
from app.extensions import db

#: Moderation actions by name, each a transition method of Comment.
ACTIONS = {
    "approve": Comment.approve,
    "delete": Comment.delete,
    "spam": Comment.mark_spam,
}


def counts() -> dict[CommentStatus, int]:
    """Return how many comments are in each state."""
    found = dict(
        db.session.execute(
            sa.select(Comment.status, sa.func.count(Comment.id)).group_by(
                Comment.status
            )
        ).all()
    )
    return {status: found.get(status, 0) for status in CommentStatus}


def listing(
    status: CommentStatus | None = None, offset: int = 0, limit: int | None = None
) -> list[Comment]:
    """Return comments newest first, optionally in one state."""
    query = sa.select(Comment).order_by(Comment.created.desc(), Comment.id.desc())
    if status is not None:
        query = query.where(Comment.status == status)
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def apply(action: str, ids: Iterable[int]) -> list[int]:
    """Apply a moderation action to the comments ``ids``; return those changed."""
    transition = ACTIONS[action]
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return []
    rows = db.session.scalars(sa.select(Comment).where(Comment.id.in_(wanted))).all()
    for row in rows:
        transition(row)
    db.session.commit()
    return sorted(row.id for row in rows)
