"""Answer kept reader pages before Flask: a lookup, the stored headers, the body.

A small WSGI layer in front of the Flask app. For a GET or HEAD without a
session cookie whose page is in the worker's cache, it answers at once,
with a ``304 Not Modified`` when the reader's copy is current; everything
else goes to Flask, which renders and keeps the page (app.httpcache).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from email.utils import parsedate_to_datetime

from app.freshness import Freshness
from app.pagecache import CachedPage, PageCache
from app.security import HSTS

log = logging.getLogger("carnet.cache")

# The query arguments reader pages understand; a page asked for with any
# other is rendered but not kept, so that junk URLs cannot crowd the cache.
KEPT_ARGUMENTS = frozenset(
    {"page", "alt", "max-results", "start-index", "q", "reply", "label"}
)
# Headers a 304 leaves out: it has no body.
_NO_BODY_HEADERS = frozenset({"content-type", "content-length"})

StartResponse = Callable[..., object]


def cache_key(environ: dict) -> str | None:
    """Return the key of a request's page, or None when it is not kept."""
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    if not query:
        return path
    names = {part.partition("=")[0] for part in query.split("&") if part}
    return f"{path}?{query}" if names <= KEPT_ARGUMENTS else None


def _etag_matches(header: str, etag: str) -> bool:
    """Tell whether an If-None-Match header names ``etag`` (weak comparison)."""
    if header.strip() == "*":
        return True
    return any(
        candidate.strip().removeprefix("W/") == etag for candidate in header.split(",")
    )


def not_modified(environ: dict, page: CachedPage) -> bool:
    """Tell whether the reader's copy of ``page`` is current (RFC 9110 §13)."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return _etag_matches(if_none_match, page.etag)
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since:
        try:
            return page.last_modified <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
    return False


class CacheLayer:
    """WSGI middleware serving this worker's kept pages to anonymous readers."""

    def __init__(
        self,
        wsgi_app: Callable,
        cache: PageCache,
        freshness: Freshness,
        cookie_names: Iterable[str],
    ) -> None:
        """Wrap ``wsgi_app``; requests carrying one of ``cookie_names`` pass through."""
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.freshness = freshness
        names = "|".join(re.escape(name) for name in cookie_names)
        self._personal = re.compile(rf"(?:^|;)\s*(?:{names})=")

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable:
        """Answer from the cache when possible, else let Flask render."""
        try:
            self.freshness.check()
        except Exception:  # noqa: BLE001 - a stale page beats a 500
            log.exception("could not check what changed; serving what is kept")
        method = environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            key = cache_key(environ)
            environ["carnet.cache_key"] = key
            if key is not None and not self._personal.search(
                environ.get("HTTP_COOKIE", "")
            ):
                page = self.cache.get(key)
                if page is not None:
                    return self._serve(page, environ, start_response, method)
        return self.wsgi_app(environ, start_response)

    def _serve(
        self, page: CachedPage, environ: dict, start_response: StartResponse, method
    ) -> Iterable[bytes]:
        """Send a kept page, or 304 when the reader already has it."""
        secure = environ.get("wsgi.url_scheme") == "https"
        extra = [("Strict-Transport-Security", HSTS)] if secure else []
        if page.status.startswith("200") and not_modified(environ, page):
            headers = [
                (name, value)
                for name, value in page.headers
                if name.lower() not in _NO_BODY_HEADERS
            ]
            start_response("304 Not Modified", headers + extra)
            return []
        headers = [*page.headers, *extra, ("Content-Length", str(len(page.body)))]
        start_response(page.status, headers)
        return [] if method == "HEAD" else [page.body]
