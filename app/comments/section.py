"""The comment area under a post, as plain data for the post page's template."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.engine import Row

from app.comments.models import Comment, CommentStatus
from app.comments.sanitize import comment_html, safe_website
from app.config import current_settings
from app.content.post import Post
from app.extensions import db, utc

SHOWN = (CommentStatus.APPROVED, CommentStatus.DELETED)


@dataclass(frozen=True)
class FormState:
    """What the comment form shows: the reader's values and the errors, by field.

    Errors under ``"form"`` concern the whole form (an expired page).
    """

    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    errors: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def value(self, name: str) -> str:
        """Return the text to show in a field ('' when none)."""
        return self.values.get(name) or ""


@dataclass(frozen=True)
class ShownComment:
    """A comment as the post page shows it (plain data for the template).

    A value: the same comment with the same replies is equal (and hashes
    alike) at every render, so its HTML can be kept (app.templating).
    """

    id: int
    author: str
    website: str | None
    created: datetime
    body_html: Markup
    is_author: bool
    deleted: bool
    replies: tuple[ShownComment, ...] = ()


@dataclass(frozen=True)
class CommentSection:
    """Everything the comment area of one post shows."""

    comments: list[ShownComment]
    count: int  # approved comments, as the heading counts them
    form: FormState
    parent_id: int | None  # the approved comment the form answers, if any
    replying_to: str | None  # that comment's author
    as_moderator: bool
    # The form offers reply notifications (only when mail can be sent).
    offers_notify: bool = False
    # False when the database did not answer: the page says so instead.
    available: bool = True
    # Dates of the comments shown, for the page's Last-Modified.
    newest: datetime | None = None


def unavailable_section(form_state: FormState | None) -> CommentSection:
    """Return the comment area of a page rendered while the database is away."""
    return CommentSection(
        comments=[],
        count=0,
        form=form_state or FormState(),
        parent_id=None,
        replying_to=None,
        as_moderator=False,
        offers_notify=current_settings().sends_mail,
        available=False,
    )


def _shown(comment: Row) -> ShownComment:
    """Prepare one comment row for display."""
    deleted = comment.status == CommentStatus.DELETED
    return ShownComment(
        id=comment.id,
        author=comment.author,
        website=safe_website(comment.website),
        created=utc(comment.created),
        body_html=Markup("") if deleted else comment_html(comment.body),
        is_author=comment.is_author,
        deleted=deleted,
    )


def threads(rows: Iterable[Row]) -> list[ShownComment]:
    """Nest approved replies under their top-level comment, in date order.

    A deleted comment stays (as a placeholder) only when it has approved
    replies; a reply whose parent is not shown is promoted to the top level.
    """
    rows = list(rows)
    by_id = {row.id: row for row in rows}

    def root_of(row: Row) -> Row:
        """Return the top-level ancestor of ``row`` among the shown rows."""
        seen = {row.id}
        while row.parent_id in by_id and row.parent_id not in seen:
            row = by_id[row.parent_id]
            seen.add(row.id)
        return row

    tops: dict[int, ShownComment] = {}
    replies: dict[int, list[ShownComment]] = {}
    for row in rows:
        root = root_of(row)
        if root.id not in tops:
            tops[root.id] = _shown(root)
            replies[root.id] = []
        if row is not root and row.status == CommentStatus.APPROVED:
            replies[root.id].append(_shown(row))
    shown = [
        replace(top, replies=tuple(sorted(replies[key], key=_in_order)))
        for key, top in tops.items()
        if not top.deleted or replies[key]
    ]
    shown.sort(key=_in_order)
    return shown


def _in_order(comment: ShownComment) -> tuple[datetime, int]:
    """Sort comments as they were written."""
    return comment.created, comment.id


# What the page shows of a comment: plain rows, not ORM objects (a post may
# have hundreds of comments, and this is read at every render of its page).
_SHOWN_COLUMNS = (
    Comment.id,
    Comment.parent_id,
    Comment.author,
    Comment.website,
    Comment.created,
    Comment.body,
    Comment.status,
    Comment.is_author,
)


def _shown_rows(urls: Iterable[str]) -> list[Row]:
    """Return the approved and deleted comments on any of ``urls``."""
    query = (
        sa.select(*_SHOWN_COLUMNS)
        .where(Comment.post_url.in_(list(urls)), Comment.status.in_(SHOWN))
        .order_by(Comment.created, Comment.id)
    )
    return list(db.session.execute(query))


def comment_section(
    post: Post,
    form_state: FormState | None,
    reply_to: int | None,
    as_moderator: bool,
) -> CommentSection:
    """Return the comment area under ``post``.

    ``form_state`` is what a reader sent back with errors (None: a fresh
    form); ``reply_to`` the comment they answer, kept only when it is an
    approved comment of this post; a moderator's fresh form is signed with
    the author's name.
    """
    rows = _shown_rows(post.urls)
    approved = {r.id: r for r in rows if r.status == CommentStatus.APPROVED}
    parent = approved.get(reply_to) if reply_to is not None else None
    if form_state is None:
        author = current_settings().author.name if as_moderator else ""
        form_state = FormState(values=MappingProxyType({"author": author}))
    return CommentSection(
        comments=threads(rows),
        count=len(approved),
        form=form_state,
        parent_id=parent.id if parent else None,
        replying_to=parent.author if parent else None,
        as_moderator=as_moderator,
        offers_notify=current_settings().sends_mail,
        newest=max((utc(row.created) for row in rows), default=None),
    )
