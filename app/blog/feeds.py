"""Atom and RSS feeds of posts at Blogger's addresses."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, request

from app.config import current_settings
from app.content.post import Post
from app.extensions import post_index

bp = Blueprint("feeds", __name__)

# href="/…" and src="/…" in post HTML, to be made absolute for feed readers.
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')

DEFAULT_ENTRIES = 25
MAX_ENTRIES = 500


def feed_window(items: Sequence) -> Sequence:
    """Return the slice asked for by Blogger's ``start-index`` and ``max-results``."""
    count = request.args.get("max-results", DEFAULT_ENTRIES, type=int)
    start = request.args.get("start-index", 1, type=int)
    count = min(max(count, 1), MAX_ENTRIES)
    start = max(start, 1) - 1
    return items[start : start + count]


def new_feed(title: str, path: str, subtitle: str = "") -> FeedGenerator:
    """Start a feed whose id, self and alternate links are absolute URLs."""
    settings = current_settings()
    base = settings.site.base_url.rstrip("/")
    feed = FeedGenerator()
    feed.id(base + path)
    feed.title(title)
    feed.subtitle(subtitle or settings.site.description or title)
    feed.link(href=base + "/", rel="alternate")
    feed.link(href=base + request.full_path.rstrip("?"), rel="self")
    feed.language(settings.site.language)
    feed.author({"name": settings.author.name})
    feed.generator("Carnet")
    return feed


def feed_response(feed: FeedGenerator) -> Response:
    """Serve the feed as Atom, or as RSS 2.0 with ``?alt=rss``."""
    if request.args.get("alt") == "rss":
        return Response(feed.rss_str(pretty=True), mimetype="application/rss+xml")
    return Response(feed.atom_str(pretty=True), mimetype="application/atom+xml")


def _add_posts(feed: FeedGenerator, posts: Sequence[Post]) -> None:
    """Add posts as entries with their full content, newest first."""
    settings = current_settings()
    base = settings.site.base_url.rstrip("/")
    newest = None
    # feedgen prepends each entry: add the oldest first so the newest leads.
    for post in reversed(feed_window(posts)):
        entry = feed.add_entry()
        entry.id(base + post.url)
        entry.title(post.title)
        entry.link(href=base + post.url, rel="alternate")
        entry.published(post.date)
        updated = getattr(post, "updated", None) or post.date
        entry.updated(updated)
        entry.author({"name": post.author or settings.author.name})
        for label in post.labels:
            entry.category(term=label)
        if post.summary:
            entry.summary(post.summary)
        entry.content(_ROOT_RELATIVE.sub(rf"\1{base}/", post.html), type="html")
        newest = max(newest or updated, updated)
    feed.updated(newest or datetime.now(UTC))


@bp.get("/feeds/posts/default")
def posts_feed() -> Response:
    """Feed of the newest posts."""
    settings = current_settings()
    feed = new_feed(settings.site.title, "/feeds/posts/default")
    _add_posts(feed, post_index().visible())
    return feed_response(feed)


@bp.get("/feeds/posts/default/-/<path:label>")
def label_feed(label: str) -> Response:
    """Feed of the newest posts with one label."""
    posts = post_index().by_label(label)
    if not posts:
        abort(404)
    settings = current_settings()
    feed = new_feed(
        f"{settings.site.title} : {label}", f"/feeds/posts/default/-/{label}"
    )
    _add_posts(feed, posts)
    return feed_response(feed)
