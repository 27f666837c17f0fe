"""HTTP caching of reader pages: validators, Cache-Control, and keeping rendered pages.

Views say what a page shows (:func:`shows_posts`, :func:`shows_comments_of`,
:func:`depends_on`); after the response is built, a reader page gets a
strong ``ETag``, ``Last-Modified`` and ``Cache-Control: public, …`` and is
kept in the worker's page cache under those tags; anything per-person
(moderators, flashed messages, forms sent back) is ``private, no-store``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session
from sqlalchemy.exc import SQLAlchemyError

from app import availability
from app.config import current_settings
from app.content.post import Post
from app.pagecache import CachedPage, PageCache

# Reader pages and feeds: what may be public and kept.
PUBLIC_BLUEPRINTS = frozenset({"blog", "posts", "feeds", "seo"})
CACHED_TYPES = frozenset(
    {
        "text/html",
        "text/plain",
        "application/atom+xml",
        "application/rss+xml",
        "application/xml",
    }
)
CACHED_STATUSES = frozenset({200, 404})
PRIVATE = "private, no-store"
# A page rendered while the database was away: not for long.
DEGRADED = "public, max-age=5"
# Headers a kept page must not carry to the next reader (HSTS is added again
# by the cache layer, for readers on HTTPS only).
_NOT_KEPT = frozenset(
    {"set-cookie", "date", "content-length", "strict-transport-security"}
)


def cache() -> PageCache:
    """Return this worker's page cache."""
    return current_app.extensions["carnet_pages"]


def depends_on(*tags: str) -> None:
    """Say that the page being rendered shows the parts of the site ``tags`` name."""
    g.setdefault("page_tags", set()).update(tags)


def shows_posts(posts: Iterable[Post]) -> None:
    """Say that the page shows these posts (their content and dates)."""
    for post in posts:
        depends_on(f"post:{post.url}")
        modified(post.date, datetime.fromtimestamp(post.mtime_ns / 1e9, UTC))


def shows_comments_of(posts: Iterable[Post]) -> None:
    """Say that the page shows these posts' comments, or their count."""
    for post in posts:
        depends_on(f"comments:{post.url}")
        g.setdefault("comment_urls", set()).update(post.urls)


def modified(*moments: datetime | None) -> None:
    """Note dates of what the page shows: Last-Modified is the newest."""
    for moment in moments:
        if moment is not None:
            stamp = moment.timestamp()
            g.last_modified = max(g.get("last_modified", 0.0), stamp)


def expires_at(moment: float) -> None:
    """Say that the page must be rendered again after ``moment`` (POSIX time)."""
    g.page_expires = min(g.get("page_expires", moment), moment)


def make_private() -> None:
    """Mark the response as meant for this person only."""
    g.private = True


def cache_control() -> str:
    """Return the Cache-Control of a public reader page, from ``[cache]``."""
    settings = current_settings().cache
    return (
        f"public, max-age={settings.max_age}, "
        f"stale-while-revalidate={settings.stale_while_revalidate}, "
        f"stale-if-error={settings.stale_if_error}"
    )


def _before() -> None:
    """Remember the cache generation, and whether this person gets their own page."""
    g.cache_since = cache().generation
    if request.method in ("GET", "HEAD") and session:
        # A moderator sees moderation links; a reader with a flash sees it once.
        if "_user_id" in session or "_flashes" in session:
            g.private = True


def _comment_changes(urls: set[str]) -> float | None:
    """Return when the comments of ``urls`` last changed, from the change log."""
    from app.changes import PageChange
    from app.extensions import db, utc

    if not urls or not availability.database_may_answer():
        return None
    query = sa.select(sa.func.max(PageChange.created)).where(
        PageChange.post_url.in_(sorted(urls))
    )
    try:
        newest = db.session.execute(query).scalar()
    except SQLAlchemyError as error:
        availability.failed("dating a page's comments", error)
        return None
    if newest is None:
        return None
    return utc(newest).timestamp()


def _public(response: Response) -> bool:
    """Tell whether this response is the same document for every reader."""
    blueprint = request.blueprint or ""
    return (
        request.method in ("GET", "HEAD")
        and not g.get("private")
        and "Set-Cookie" not in response.headers
        and (blueprint in PUBLIC_BLUEPRINTS or request.endpoint is None)
        and response.status_code in CACHED_STATUSES
        and response.mimetype in CACHED_TYPES
        and not response.direct_passthrough
    )


def _after(response: Response) -> Response:
    """Give reader pages their validators and keep them; make the rest private."""
    if "Cache-Control" in response.headers and response.headers["Cache-Control"]:
        return response  # the view decided (static files, health checks)
    if not _public(response):
        if response.status_code in (301, 308) and request.method in ("GET", "HEAD"):
            response.headers["Cache-Control"] = cache_control()
        else:
            response.headers["Cache-Control"] = PRIVATE
        return response
    body = response.get_data()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    changed = _comment_changes(g.get("comment_urls", set()))
    if changed is not None:
        g.last_modified = max(g.get("last_modified", 0.0), changed)
    last_modified = int(g.get("last_modified") or time.time())
    degraded = bool(g.get("degraded"))
    response.headers["ETag"] = etag
    response.last_modified = last_modified
    response.headers["Cache-Control"] = DEGRADED if degraded else cache_control()
    response.vary.add("Cookie")
    key = request.environ.get("carnet.cache_key")
    if key is not None:
        tags = set(g.get("page_tags", ()))
        if degraded:
            tags.add("degraded")
        headers = tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in _NOT_KEPT
        )
        page = CachedPage(
            status=response.status,
            headers=headers,
            body=body,
            etag=etag,
            last_modified=last_modified,
            tags=frozenset(tags),
            expires=g.get("page_expires"),
        )
        cache().put(key, page, since=g.get("cache_since", -1))
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Give reader pages their HTTP caching, and everything else no-store."""
    app.extensions["carnet_pages"] = PageCache(
        max_bytes=app.config["CARNET"].cache.max_bytes
    )
    app.before_request(_before)
    app.after_request(_after)
