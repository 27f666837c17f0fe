"""How a worker learns that what readers see has changed, without a query per view.

Two sources, each checked at most every so often by whichever request comes
then (never by every request):

- the posts folder, through the post index's own once-a-second scan: the
  index says which posts a new version changed;
- the comment change log in the database (app.changes), read at most every
  half second: it names the posts whose visible comments changed on any
  worker of any host. Changes made by this process are applied at once.

Each change becomes cache tags (see app.pagecache) and only those pages go.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from app import changes
from app.content.changes import IndexChange
from app.content.index import PostIndex
from app.pagecache import ALL, PageCache

log = logging.getLogger("carnet.cache")

# How often a worker reads the change log: a change shows within this.
POLL_INTERVAL = 0.5
# How many of the last ids are read again (see Freshness._poll).
LOOKBACK = 32


def tags_for_index(change: IndexChange) -> set[str]:
    """Return the cache tags a new version of the post index makes stale."""
    if change.everything:
        return {ALL}
    if change.empty:
        return set()
    tags = {"index"}
    tags.update(f"post:{url}" for url in change.posts)
    tags.update(f"title:{url}" for url in change.titles)
    tags.update(f"month:{year}-{month}" for year, month in change.months)
    return tags


class Freshness:
    """Keep one worker's page cache in step with the posts and the comments."""

    def __init__(self, app: Flask, index: PostIndex, cache: PageCache) -> None:
        """Watch ``index`` and the app's change log on behalf of ``cache``."""
        self.app = app
        self.index = index
        self.cache = cache
        self.poll_interval = app.config.get("CARNET_POLL_INTERVAL", POLL_INTERVAL)
        self._seen_version = index.version
        self._last_change: int | None = None  # unknown until the first poll
        self._next_poll = 0.0
        self._lock = threading.Lock()
        self._seen_ids: set[int] = set()
        self.health = app.extensions["carnet_database_health"]
        # Pages rendered without their comments go when the database is back.
        self.health.on_recovery.append(lambda: cache.invalidate({"degraded"}))
        changes.committed.connect(self._committed, sender=app)

    def check(self) -> None:
        """Apply what changed since the last check; cheap when nothing is due."""
        now = time.monotonic()
        if self.index.stale():
            with self.app.app_context():  # problems are logged in the site's words
                self.index.refresh()
        if self.index.version != self._seen_version:
            self._apply_index()
        if now >= self._next_poll and self._lock.acquire(blocking=False):
            try:
                self._next_poll = now + self.poll_interval
                self._poll()
            finally:
                self._lock.release()

    def _apply_index(self) -> None:
        """Forget the pages that the index's newer version changed."""
        version = self.index.version
        change = self.index.changes_since(self._seen_version)
        self._seen_version = version
        self.cache.invalidate(tags_for_index(change))

    def _poll(self) -> None:
        """Read the change log written by every worker and host since last time.

        Ids are handed out before commit: on PostgreSQL a transaction may
        commit a smaller id after a larger one was read. The last LOOKBACK
        ids are read again, and each is applied once.
        """
        if not self.health.may_answer():
            return
        try:
            with self.app.app_context():
                first = self._last_change is None
                if first:
                    self._last_change = changes.latest_id()
                rows = changes.since(self._last_change - LOOKBACK)
        except SQLAlchemyError as error:
            self.health.failed("reading the change log", error)
            return
        self.health.answered()
        if first:
            # The log so far is history; whatever changed while it was out
            # of reach is forgotten wholesale.
            self._seen_ids = {i for i, _ in rows}
            self.cache.invalidate({ALL})
            return
        fresh = [(i, url) for i, url in rows if i not in self._seen_ids]
        if not fresh:
            return
        self._seen_ids.update(i for i, _ in fresh)
        self._last_change = max(self._last_change, fresh[-1][0])
        floor = self._last_change - LOOKBACK
        self._seen_ids = {i for i in self._seen_ids if i > floor}
        self.forget_posts(url for _, url in fresh)

    def _committed(self, sender: Flask, urls: set[str]) -> None:
        """Apply this process's own comment changes at once."""
        self.forget_posts(urls)

    def forget_posts(self, urls: Iterable[str]) -> None:
        """Forget the pages showing the comments of the posts at ``urls``."""
        tags = {"comments"}
        for url in urls:
            post = self.index.by_url(url) or self.index.by_alias(url)
            tags.add(f"comments:{post.url if post else url}")
        self.cache.invalidate(tags)
