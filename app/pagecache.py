"""Rendered reader pages kept in memory, each with the parts of the site it shows.

Every page is stored with *tags*: ``post:<url>`` (that post's content),
``title:<url>`` (a link to it by its title), ``comments:<url>`` (its
comments or their count), ``month:<y>-<m>`` (the
sidebar's open month), ``index`` (any post), ``comments`` (the site's comment
feed). A change forgets the pages carrying its tags, and only those.

A render that started before a change it depends on is not stored: every
invalidation moves a generation counter, and :meth:`PageCache.put` refuses a
page whose tags were invalidated after its render began.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

ALL = "*"


@dataclass(frozen=True)
class CachedPage:
    """A response as it goes out: status line, headers, body, and its validators."""

    status: str  # "200 OK"
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str  # with its quotes, as sent
    last_modified: float  # POSIX time, whole seconds
    tags: frozenset[str] = field(default_factory=frozenset)
    # Wall-clock time after which the page must be rendered again (its form
    # token has aged), or None.
    expires: float | None = None

    @property
    def size(self) -> int:
        """Return the bytes the page holds in memory, roughly."""
        return len(self.body) + 64 * len(self.headers)


class PageCache:
    """A bounded, thread-safe LRU of rendered pages for one worker process."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        """Create an empty cache holding at most ``max_bytes`` of pages."""
        self.max_bytes = max_bytes
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._by_tag: dict[str, set[str]] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self.generation = 0
        self._invalidated: dict[str, int] = {}  # tag -> generation it was last
        self.hits = 0

    def __len__(self) -> int:
        """Return how many pages are kept."""
        return len(self._pages)

    def get(self, key: str, now: float | None = None) -> CachedPage | None:
        """Return the page kept for ``key``, unless it has expired."""
        page = self._pages.get(key)
        if page is None:
            return None
        if page.expires is not None and (now or time.time()) >= page.expires:
            with self._lock:
                self._drop(key)
            return None
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
        self.hits += 1
        return page

    def put(self, key: str, page: CachedPage, since: int) -> bool:
        """Keep ``page`` unless what it shows changed after generation ``since``."""
        with self._lock:
            stale = self._invalidated.get(ALL, -1) > since or any(
                self._invalidated.get(tag, -1) > since for tag in page.tags
            )
            if stale or page.size > self.max_bytes:
                return False
            self._drop(key)
            self._pages[key] = page
            self._bytes += page.size
            for tag in page.tags:
                self._by_tag.setdefault(tag, set()).add(key)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._pages)))
            return True

    def invalidate(self, tags: Iterable[str]) -> int:
        """Forget every page carrying one of ``tags`` (``ALL``: every page)."""
        with self._lock:
            self.generation += 1
            tags = set(tags)
            for tag in tags:
                self._invalidated[tag] = self.generation
            if ALL in tags:
                count = len(self._pages)
                self._pages.clear()
                self._by_tag.clear()
                self._bytes = 0
                # Older per-tag marks are covered by the ALL mark.
                self._invalidated = {ALL: self.generation}
                return count
            keys = set().union(*(self._by_tag.get(tag, ()) for tag in tags))
            for key in keys:
                self._drop(key)
            return len(keys)

    def _drop(self, key: str) -> None:
        """Remove one page and its tag entries (lock held)."""
        page = self._pages.pop(key, None)
        if page is None:
            return
        self._bytes -= page.size
        for tag in page.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]
