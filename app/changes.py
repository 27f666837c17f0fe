"""What readers see changed: a log of the posts whose visible comments changed.

Page caches live in each worker process, on every host. When a comment that
readers see (published, or deleted with replies) appears, changes or goes,
a row naming its post is written in the same transaction; every worker reads
the new rows at most every half second and forgets only the pages of that
post. A pending or spam comment is seen by no reader: it writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.comments.models import Comment, CommentStatus
from app.extensions import db

# States a reader can see (a deleted comment shows as a placeholder).
SEEN = frozenset({CommentStatus.APPROVED, CommentStatus.DELETED})
KEEP = timedelta(days=7)

# Sent (sender: the app) after a commit that changed what readers see, with
# ``urls``: this process forgets those pages at once, not at its next poll.
committed = Namespace().signal("carnet-page-changes-committed")


class PageChange(db.Model):
    """One change that readers of a post's pages can see."""

    __tablename__ = "page_change"
    __table_args__ = (sa.PrimaryKeyConstraint("id", name="pk_page_change"),)

    # BIGINT on PostgreSQL; SQLite's rowid alias must be INTEGER.
    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True
    )
    post_url: Mapped[str] = mapped_column(sa.String(300))
    created: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)


def record(session: Session, urls: Iterable[str]) -> None:
    """Log that readers of these post URLs see something new (in this transaction)."""
    urls = {url for url in urls if url}
    if not urls:
        return
    now = datetime.now(UTC)
    session.execute(
        sa.insert(PageChange), [{"post_url": url, "created": now} for url in urls]
    )
    # The log is read within a second; a week of it is plenty.
    session.execute(sa.delete(PageChange).where(PageChange.created < now - KEEP))
    session.info.setdefault("carnet_changed_urls", set()).update(urls)


def since(after_id: int, limit: int = 1000) -> list[tuple[int, str]]:
    """Return ``(id, post_url)`` of the changes logged after ``after_id``."""
    query = (
        sa.select(PageChange.id, PageChange.post_url)
        .where(PageChange.id > after_id)
        .order_by(PageChange.id)
        .limit(limit)
    )
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def latest_id() -> int:
    """Return the id of the newest change (0 when none)."""
    with db.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.max(PageChange.id))).scalar() or 0


def _seen_change(session: Session, comment: Comment) -> bool:
    """Tell whether a pending ORM change of a comment is visible to readers."""
    if comment in session.new or comment in session.deleted:
        return comment.status in SEEN
    history = sa.inspect(comment).attrs.status.history
    if history.has_changes():
        return bool(SEEN & {*history.added, *history.deleted})
    return comment.status in SEEN and session.is_modified(comment)


@event.listens_for(Session, "before_flush")
def _log_comment_changes(session: Session, flush_context: Any, instances: Any) -> None:
    """Log the posts whose visible comments this flush adds, changes or removes."""
    touched = (*session.new, *session.dirty, *session.deleted)
    urls = {
        obj.post_url
        for obj in touched
        if isinstance(obj, Comment) and _seen_change(session, obj)
    }
    record(session, urls)


@event.listens_for(Session, "after_commit")
def _announce(session: Session) -> None:
    """Tell this process's caches what the commit changed."""
    urls = session.info.pop("carnet_changed_urls", None)
    if urls and has_app_context():
        committed.send(current_app._get_current_object(), urls=urls)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    """A rolled-back change changed nothing."""
    session.info.pop("carnet_changed_urls", None)
