"""A site-wide revision number that changes whenever a comment changes.

Page caches live in each worker process; this counter, kept in the database,
is how every worker (and every host sharing PostgreSQL) learns that what
readers see has changed. Any ORM flush that adds, changes or removes a
comment bumps it in the same transaction; bulk updates call :func:`bump`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db


class SiteRevision(db.Model):
    """The single row holding the revision number."""

    __tablename__ = "site_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


ROW_ID = 1


def current() -> int:
    """Return the revision number (0 before the first comment).

    Read on every cached page view, so it bypasses the ORM session: one
    pooled connection, one primary-key lookup, no transaction left open.
    """
    with db.engine.connect() as connection:
        value = connection.exec_driver_sql(
            f"SELECT value FROM site_revision WHERE id = {ROW_ID}"
        ).scalar()
    return value or 0


def bump(session: Session) -> None:
    """Bump the revision in the session's transaction (bulk changes call this)."""
    session.execute(
        sa.update(SiteRevision)
        .where(SiteRevision.id == ROW_ID)
        .values(value=SiteRevision.value + 1)
    )


@event.listens_for(Session, "before_flush")
def _bump_on_comment_change(
    session: Session, flush_context: Any, instances: Any
) -> None:
    """Bump the revision when this flush touches a comment."""
    from app.comments.models import Comment

    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, Comment) for obj in touched):
        bump(session)
