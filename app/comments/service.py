"""Comment queries and the submit pipeline: form → guard → Comment row."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import request, url_for
from flask_login import current_user
from markupsafe import Markup

from app.comments import guard
from app.comments.forms import CommentForm
from app.comments.models import Comment, CommentStatus
from app.comments.sanitize import comment_html, safe_website
from app.config import current_settings
from app.extensions import db

if TYPE_CHECKING:
    from app.content.post import Post

log = logging.getLogger("carnet.comments")

SHOWN = (CommentStatus.APPROVED, CommentStatus.DELETED)


@dataclass
class ShownComment:
    """A comment as the post page shows it (plain data for the template)."""

    id: int
    author: str
    website: str | None
    created: datetime
    body_html: Markup
    is_author: bool
    deleted: bool
    replies: list[ShownComment] = field(default_factory=list)


@dataclass(frozen=True)
class Submission:
    """What became of a submitted comment."""

    comment: Comment | None
    status: CommentStatus | None
    reason: str

    @property
    def rejected(self) -> bool:
        """Return whether the comment was refused and not stored."""
        return self.comment is None


def _shown(comment: Comment) -> ShownComment:
    """Prepare one comment row for display."""
    deleted = comment.status == CommentStatus.DELETED
    return ShownComment(
        id=comment.id,
        author=comment.author,
        website=safe_website(comment.website),
        created=comment.created_utc,
        body_html=Markup("") if deleted else comment_html(comment.body),
        is_author=comment.is_author,
        deleted=deleted,
    )


def threads(rows: Iterable[Comment]) -> list[ShownComment]:
    """Nest approved replies under their top-level comment, in date order.

    A deleted comment stays (as a placeholder) only when it has approved
    replies; a reply whose parent is not shown is promoted to the top level.
    """
    rows = list(rows)
    by_id = {row.id: row for row in rows}

    def root_of(row: Comment) -> Comment:
        """Return the top-level ancestor of ``row`` among the shown rows."""
        seen = {row.id}
        while row.parent_id in by_id and row.parent_id not in seen:
            row = by_id[row.parent_id]
            seen.add(row.id)
        return row

    tops: dict[int, ShownComment] = {}
    for row in rows:
        root = root_of(row)
        if root.id not in tops:
            tops[root.id] = _shown(root)
        if row is not root and row.status == CommentStatus.APPROVED:
            tops[root.id].replies.append(_shown(row))
    shown = [top for top in tops.values() if not top.deleted or top.replies]
    shown.sort(key=lambda c: (c.created, c.id))
    for top in shown:
        top.replies.sort(key=lambda c: (c.created, c.id))
    return shown


def _shown_rows(urls: Iterable[str]) -> list[Comment]:
    """Return the approved and deleted comments on any of ``urls``."""
    query = (
        sa.select(Comment)
        .where(Comment.post_url.in_(list(urls)), Comment.status.in_(SHOWN))
        .order_by(Comment.created, Comment.id)
    )
    return list(db.session.scalars(query))


def comment_section(post: Post, form: CommentForm | None = None) -> dict[str, Any]:
    """Return the template context of the comment area under ``post``."""
    rows = _shown_rows(post.urls)
    comments = threads(rows)
    approved_ids = {r.id for r in rows if r.status == CommentStatus.APPROVED}
    if form is None:
        form = CommentForm()
        reply = request.args.get("reply", "")
        if reply.isdigit() and int(reply) in approved_ids:
            form.parent_id.data = reply
        if current_user.is_authenticated:
            form.author.data = current_settings().author.name
    parent = form.parent_id.data
    replying_to = next(
        (r for r in rows if str(r.id) == str(parent) and r.id in approved_ids), None
    )
    return {
        "comments": comments,
        "comment_count": len(approved_ids),
        "comment_form": form,
        "replying_to": replying_to.author if replying_to else None,
        "comments_feed_url": url_for("comments.post_feed", post_id=post.post_id),
    }


def approved_counts(posts: Iterable[Post]) -> dict[str, int]:
    """Return ``{post.url: approved comments on any of post.urls}`` in one query."""
    posts = list(posts)
    owner = {url: post.url for post in posts for url in post.urls}
    counts = {post.url: 0 for post in posts}
    if not owner:
        return counts
    query = (
        sa.select(Comment.post_url, sa.func.count(Comment.id))
        .where(
            Comment.post_url.in_(list(owner)),
            Comment.status == CommentStatus.APPROVED,
        )
        .group_by(Comment.post_url)
    )
    for url, count in db.session.execute(query):
        counts[owner[url]] += count
    return counts


def is_repeat(post: Post, author: str, body: str) -> bool:
    """Return whether the same author already sent the same text on this post."""
    query = sa.select(sa.literal(True)).where(
        Comment.post_url.in_(list(post.urls)),
        Comment.author == author,
        Comment.body == body,
    )
    return db.session.execute(query.limit(1)).first() is not None


def _parent_id(post: Post, value: int | None) -> int | None:
    """Return ``value`` if it names an approved comment on this post."""
    if value is None:
        return None
    parent = db.session.get(Comment, value)
    if parent is None or parent.post_url not in post.urls:
        return None
    if parent.status != CommentStatus.APPROVED:
        return None
    # One level of replies, as Blogger: a reply to a reply joins the thread.
    return parent.parent_id or parent.id


def submit(
    post: Post,
    form: CommentForm,
    *,
    ip: str | None,
    user_agent: str | None,
    by_moderator: bool = False,
) -> Submission:
    """Run the guard on a validated form and store the comment it lets through."""
    settings = current_settings().comments
    author, body = form.author.data, form.body.data.replace("\r\n", "\n")
    candidate = guard.Candidate(
        author=author,
        body=body,
        email=form.email.data,
        website=form.website.data,
        honeypot=form.homepage.data,
        post_date=post.date,
        is_repeat=is_repeat(post, author, body),
        by_moderator=by_moderator,
    )
    now = datetime.now(UTC)
    verdict, reason = guard.judge(candidate, settings, now)
    if verdict == guard.REJECT:
        log.info("comment refused on %s: %s", post.url, reason)
        return Submission(None, None, reason)
    comment = Comment(
        post_url=post.url,
        parent_id=_parent_id(post, form.parent_id.data),
        author=author,
        email=form.email.data,
        website=form.website.data,
        body=body,
        ip=ip,
        user_agent=(user_agent or "")[:300] or None,
        created=now,
        status=verdict,
        is_author=by_moderator,
    )
    db.session.add(comment)
    db.session.commit()
    log.info("comment %s on %s: %s (%s)", comment.id, post.url, verdict, reason)
    return Submission(comment, CommentStatus(verdict), reason)
