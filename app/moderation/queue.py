"""The moderation queue: comments by state, as plain data for the page and the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app import problems
from app.comments.models import Comment, CommentStatus
from app.comments.sanitize import comment_html, safe_website
from app.content.drafts import unpublished
from app.extensions import db, post_index, utc
from app.mail.models import MailKind
from app.mail.outbox import failed_messages
from app.moderation.actions import Action
from app.moderation.forms import ActionForm, LogoutForm, RetryMailForm
from app.params import whole_number

PER_PAGE = 50

TABS = (
    (CommentStatus.PENDING, _l("En attente")),
    (CommentStatus.APPROVED, _l("Publiés")),
    (CommentStatus.SPAM, _l("Spam")),
    (CommentStatus.DELETED, _l("Supprimés")),
)


@dataclass(frozen=True)
class Row:
    """One comment in the queue, with the post it belongs to."""

    comment: Comment
    post_title: str | None
    post_url: str
    website: str | None
    body_html: Markup


MAIL_KINDS = {
    MailKind.MODERATION: _l("avis au modérateur"),
    MailKind.REPLY: _l("avis de réponse"),
}


@dataclass(frozen=True)
class Unsent:
    """A message the sender gave up on, as the queue lists it."""

    id: int
    kind: str
    comment_id: int
    attempts: int
    when: datetime
    error: str


@dataclass(frozen=True)
class Problem:
    """A post file that failed to load, as the queue lists it."""

    where: str  # posts/x.md:3, relative to the posts folder's parent
    reason: str


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


def tab_status(value: str | None) -> CommentStatus:
    """Return the state a tab shows (pending when unknown)."""
    try:
        return CommentStatus(value or "pending")
    except ValueError:
        return CommentStatus.PENDING


def _row(comment: Comment) -> Row:
    """Attach the post's title to a comment, following aliases."""
    index = post_index()
    post = index.by_url(comment.post_url) or index.by_alias(comment.post_url)
    return Row(
        comment=comment,
        post_title=post.title if post else None,
        post_url=post.url if post else comment.post_url,
        website=safe_website(comment.website),
        body_html=comment_html(comment.body),
    )


def context(args: Mapping[str, str]) -> dict[str, Any]:
    """Return the template context of one page of one tab of the queue."""
    status = tab_status(args.get("tab"))
    page = whole_number(args.get("page"), 1, low=1, high=10**6)
    total = counts()
    rows = listing(status, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    return {
        "tabs": [(s, label, total[s]) for s, label in TABS],
        "status": status,
        "rows": [_row(c) for c in rows],
        "page": page,
        "has_next": total[status] > page * PER_PAGE,
        # A comment is never offered the state it is already in.
        "actions": [action for action in Action if action.target != status],
        "action_form": ActionForm(),
        "logout_form": LogoutForm(),
        "problems": [
            Problem(p.where, problems.reason(p)) for p in post_index().problems
        ],
        # Drafts and scheduled posts, each a link to its preview.
        "unpublished": unpublished(post_index()),
        "unsent": unsent(),
        "retry_form": RetryMailForm(),
    }


def unsent() -> list[Unsent]:
    """Return the messages that failed for good, newest first."""
    return [
        Unsent(
            id=row.id,
            kind=str(MAIL_KINDS[row.kind]),
            comment_id=row.comment_id,
            attempts=row.attempts,
            when=utc(row.due),
            error=row.error or "",
        )
        for row in failed_messages()
    ]
