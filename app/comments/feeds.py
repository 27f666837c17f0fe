"""Atom feeds of approved comments, Blogger-style paging, absolute URLs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from feedgen.feed import FeedGenerator
from flask import Response, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.comments.models import Comment, CommentStatus
from app.comments.sanitize import comment_html
from app.config import current_settings
from app.extensions import db, post_index

if TYPE_CHECKING:
    from app.content.post import Post

DEFAULT_RESULTS = 25
MAX_RESULTS = 500
# The ``updated`` of a feed with no comment yet: any fixed date will do.
EMPTY_FEED_DATE = datetime(2000, 1, 1, tzinfo=UTC)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    """Read a whole-number query argument, clamped to ``[low, high]``."""
    value = request.args.get(name, "")
    number = int(value) if value.isdigit() else default
    return max(low, min(high, number))


def latest_approved(urls: list[str] | None, offset: int, limit: int) -> list[Comment]:
    """Return approved comments, newest first, optionally only on ``urls``."""
    query = sa.select(Comment).where(Comment.status == CommentStatus.APPROVED)
    if urls is not None:
        query = query.where(Comment.post_url.in_(urls))
    query = query.order_by(Comment.created.desc(), Comment.id.desc())
    return list(db.session.scalars(query.offset(offset).limit(limit)))


def _post_of(comment: Comment) -> Post | None:
    """Return the post a comment hangs on, following aliases."""
    index = post_index()
    return index.by_url(comment.post_url) or index.by_alias(comment.post_url)


def _title(comment: Comment) -> str:
    """Return the start of the comment's text, as Blogger titles its entries."""
    text = Markup(comment_html(comment.body)).striptags()
    return text if len(text) <= 60 else text[:59].rstrip() + "…"


def atom_response(post: Post | None) -> Response:
    """Build the Atom feed of a post's comments (or the blog's) as a response."""
    settings = current_settings()
    base = settings.site.base_url.rstrip("/")
    start = _int_arg("start-index", 1, 1, 10**9)
    count = _int_arg("max-results", DEFAULT_RESULTS, 1, MAX_RESULTS)
    urls = list(post.urls) if post is not None else None
    rows = latest_approved(urls, start - 1, count)

    fg = FeedGenerator()
    if post is None:
        fg.id(base + url_for("comments.feed"))
        fg.title(_("%(site)s - Commentaires", site=settings.site.title))
        fg.link(href=base + "/", rel="alternate", type="text/html")
        fg.link(href=base + url_for("comments.feed"), rel="self")
    else:
        self_url = base + url_for("comments.post_feed", post_id=post.post_id)
        fg.id(self_url)
        fg.title(_("%(title)s - Commentaires", title=post.title))
        fg.link(href=base + post.url, rel="alternate", type="text/html")
        fg.link(href=self_url, rel="self")
    fg.author({"name": settings.author.name})
    fg.language(settings.site.language)
    if rows:
        fg.updated(rows[0].created_utc)
    else:
        fg.updated(post.date if post is not None else EMPTY_FEED_DATE)

    # feedgen prepends entries: add oldest first so the feed reads newest first.
    for comment in reversed(rows):
        target = post or _post_of(comment)
        if target is None:
            continue
        link = f"{base}{target.url}#c{comment.id}"
        entry = fg.add_entry()
        entry.id(f"{base}/comments/{comment.id}")
        entry.title(_title(comment) or comment.author)
        entry.link(href=link, rel="alternate", type="text/html")
        entry.author({"name": comment.author})
        entry.published(comment.created_utc)
        entry.updated(comment.created_utc)
        entry.content(str(comment_html(comment.body)), type="html")
    body = fg.atom_str(pretty=True)
    return Response(body, mimetype="application/atom+xml")
