"""Keep rendered reader pages in memory until posts or comments change.

A page is served again from memory while the post index's version and the
site revision (comments) are those it was rendered with. Only anonymous GETs
are cached, never a response carrying flashed messages, and the per-session
CSRF token of the comment form is swapped in on the way out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, g, request, session
from flask_wtf.csrf import generate_csrf

from app import revision
from app.extensions import post_index

# Stands for the session's CSRF token inside cached bodies.
TOKEN_SLOT = b"\x00carnet-csrf-token\x00"
CACHED_TYPES = (
    "text/html",
    "application/atom+xml",
    "application/rss+xml",
    "application/xml",
)
# The health probes (app/ops/health.py) must tell the truth at every call.
SKIPPED_PREFIXES = ("/static/", "/moderation", "/login", "/logout")
SKIPPED_PREFIXES += ("/healthz", "/readyz")


@dataclass(frozen=True)
class CachedPage:
    """A rendered response and the state of the site it was rendered from."""

    stamp: tuple[int, int]
    status: int
    mimetype: str
    body: bytes
    has_token: bool


class PageCache:
    """A bounded, thread-safe LRU of rendered pages for one worker process."""

    def __init__(self, max_pages: int = 512) -> None:
        """Create an empty cache holding at most ``max_pages`` pages."""
        self.max_pages = max_pages
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, stamp: tuple[int, int]) -> CachedPage | None:
        """Return the page for ``key`` if it was rendered at ``stamp``."""
        with self._lock:
            page = self._pages.get(key)
            if page is None or page.stamp != stamp:
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        """Keep ``page``, forgetting the least recently used one if full."""
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)


def _cacheable_request() -> bool:
    """Tell whether this request may be answered from, or stored in, the cache."""
    if request.method != "GET" or request.path.startswith(SKIPPED_PREFIXES):
        return False
    # A moderator sees moderation links; a reader with a flash sees it once.
    return "_user_id" not in session and "_flashes" not in session


def _serve_cached() -> Response | None:
    """Answer from the cache when the page is there and still current."""
    g.page_stamp = None
    if not _cacheable_request():
        return None
    g.page_stamp = (post_index().version, revision.current())
    page = _cache().get(request.full_path, g.page_stamp)
    if page is None:
        return None
    g.page_from_cache = True
    body = page.body
    if page.has_token:
        body = body.replace(TOKEN_SLOT, generate_csrf().encode())
    return Response(body, status=page.status, mimetype=page.mimetype)


def _store(response: Response) -> Response:
    """Keep a freshly rendered page for the next reader."""
    stamp = g.get("page_stamp")
    if (
        stamp is None
        or g.get("page_from_cache")
        or response.status_code not in (200, 404)
        or response.mimetype not in CACHED_TYPES
        or response.direct_passthrough
        or "_flashes" in session
    ):
        return response
    body = response.get_data()
    token = g.get("csrf_token")
    has_token = bool(token) and token.encode() in body
    if has_token:
        body = body.replace(token.encode(), TOKEN_SLOT)
    _cache().put(
        request.full_path,
        CachedPage(stamp, response.status_code, response.mimetype, body, has_token),
    )
    return response


def _cache() -> PageCache:
    """Return this app's page cache."""
    from flask import current_app

    return current_app.extensions["carnet_pages"]


def init_app(app: Flask) -> None:
    """Serve reader pages from memory while nothing they show has changed."""
    app.extensions["carnet_pages"] = PageCache()
    app.before_request(_serve_cached)
    app.after_request(_store)
