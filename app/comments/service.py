"""The comment service: submit a reader's comment, count and list what readers see.

Called by the post page and the feeds with plain values: nothing here reads
the request, the session or a form.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.comments import guard, notify
from app.comments.guard import Verdict
from app.comments.models import Comment, CommentStatus
from app.config import current_settings
from app.content.post import Post
from app.extensions import db

log = logging.getLogger("carnet.comments")


@dataclass(frozen=True)
class Draft:
    """A comment as a reader sent it, already checked field by field."""

    author: str
    body: str
    email: str | None = None
    website: str | None = None
    parent_id: int | None = None
    honeypot: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    as_moderator: bool = False
    notify: bool = False  # e-mail me the replies (ignored without an address)
    # When the form's token was issued (None: no valid token): with the post,
    # the author and the text, it names one submission of the form.
    form_issued: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of a submitted comment."""

    verdict: Verdict
    reason: str
    comment_id: int | None = None  # None when refused


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


def latest_approved(
    urls: Iterable[str] | None, offset: int, limit: int
) -> list[Comment]:
    """Return approved comments, newest first, optionally only on ``urls``."""
    query = sa.select(Comment).where(Comment.status == CommentStatus.APPROVED)
    if urls is not None:
        query = query.where(Comment.post_url.in_(list(urls)))
    query = query.order_by(Comment.created.desc(), Comment.id.desc())
    return list(db.session.scalars(query.offset(offset).limit(limit)))


def is_repeat(post: Post, author: str, body: str) -> bool:
    """Return whether the same author already sent the same text on this post."""
    query = sa.select(sa.literal(True)).where(
        Comment.post_url.in_(list(post.urls)),
        Comment.author == author,
        Comment.body == body,
    )
    return db.session.execute(query.limit(1)).first() is not None


def submission_key(
    post: Post, author: str, body: str, issued: int | None
) -> str | None:
    """Return the key of one submission of the form (None without a token).

    Every reader of a post gets the same token for a few hours, so two
    identical comments in that window are one comment sent twice (a double
    click, a retry, two workers at once); stored unique, it is stored once.
    """
    if issued is None:
        return None
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    named = json.dumps([post.url, author, digest, issued], ensure_ascii=False)
    return hashlib.sha256(named.encode("utf-8")).hexdigest()


def already_submitted(key: str | None) -> Comment | None:
    """Return the comment stored under this submission key, if any."""
    if key is None:
        return None
    query = sa.select(Comment).where(Comment.submission == key)
    return db.session.scalars(query).first()


def _same_again(comment: Comment) -> Outcome:
    """Answer a form sent again as its first sending was answered."""
    verdict = (
        Verdict.PUBLISH if comment.status == CommentStatus.APPROVED else Verdict.HOLD
    )
    log.info("comment %s sent again: answered as before", comment.id)
    return Outcome(verdict, "sent again", comment.id)


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


def submit(post: Post, draft: Draft) -> Outcome:
    """Judge a draft, store the comment the guard lets through, announce it.

    The announcements (app.comments.notify) are written in the comment's own
    transaction: a message is queued if and only if the comment is stored.
    """
    body = draft.body.replace("\r\n", "\n")
    key = submission_key(post, draft.author, body, draft.form_issued)
    repeat = is_repeat(post, draft.author, body)
    # The same text by the same author: this very form sent again (answered
    # as before), or a later one (refused by the guard).
    earlier = already_submitted(key) if repeat else None
    if earlier is not None:
        return _same_again(earlier)
    candidate = guard.Candidate(
        author=draft.author,
        body=body,
        email=draft.email,
        website=draft.website,
        honeypot=draft.honeypot,
        post_date=post.date,
        is_repeat=repeat,
        by_moderator=draft.as_moderator,
    )
    now = datetime.now(UTC)
    verdict, reason = guard.judge(candidate, current_settings().comments, now)
    if verdict.status is None:
        log.info("comment refused on %s: %s", post.url, reason)
        return Outcome(verdict, reason)
    comment = Comment(
        post_url=post.url,
        parent_id=_parent_id(post, draft.parent_id),
        author=draft.author,
        email=draft.email,
        website=draft.website,
        body=body,
        ip=draft.ip,
        user_agent=(draft.user_agent or "")[:300] or None,
        created=now,
        status=verdict.status,
        is_author=draft.as_moderator,
        notify=bool(draft.notify and draft.email),
        submission=key,
    )
    db.session.add(comment)
    try:
        db.session.flush()  # the announcements name the comment by its id
    except IntegrityError:
        # The same submission, stored meanwhile by another request (worker).
        db.session.rollback()
        earlier = already_submitted(key)
        if earlier is None:
            raise
        return _same_again(earlier)
    comment_id = comment.id  # read before the commit expires it
    if verdict is Verdict.HOLD:
        notify.comment_waiting(comment, post)
    elif verdict is Verdict.PUBLISH:
        notify.comments_published([comment_id])
    db.session.commit()
    log.info("comment %s on %s: %s (%s)", comment_id, post.url, verdict, reason)
    return Outcome(verdict, reason, comment_id)
