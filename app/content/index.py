"""PostIndex: every post of posts/, refreshed by mtime, with fast lookups.

Reading is done by the catalogue (app.content.catalogue), kept on disk
between runs (app.content.store) so that a restart reads only the files that
changed; queries answer from an immutable snapshot (app.content.snapshot);
rendering is done on demand and kept (app.content.rendering).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.content import store
from app.content.catalogue import PARALLEL_MIN, Catalogue
from app.content.changes import EVERYTHING, ChangeLog, IndexChange, diff
from app.content.markdown import DEFAULT_LANGUAGE
from app.content.post import Post
from app.content.problems import PostError
from app.content.rendering import Renderer
from app.content.search import Postings, matching_numbers
from app.content.slugs import fold
from app.content.snapshot import Snapshot, build_snapshot

log = logging.getLogger("carnet.content")

Clock = Callable[[], datetime]
# The most of a worker's time that listing the posts folder may take: at
# 100,000 posts a listing can take half a second, and then runs every 5 s
# instead of every second.
SCAN_SHARE = 0.1
# Turns a problem into the log line, in the site's language (the app's gettext).
Describe = Callable[[PostError], str]


def _utc_now() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


class PostIndex:
    """All posts and pages of a folder; queries answer from an immutable snapshot."""

    def __init__(
        self,
        posts_dir: Path,
        tz: ZoneInfo,
        clock: Clock | None = None,
        scan_interval: float = 1.0,
        describe: Describe = PostError.describe,
        language: str = DEFAULT_LANGUAGE,
        max_bytes: int | None = None,
        saved: Path | None = None,
        renderer: Renderer | None = None,
        parallel_min: int = PARALLEL_MIN,
    ) -> None:
        """Index the folder now; later refreshes re-read changed files only.

        ``describe`` words the problems logged as files are read (French
        unless the application passes its own translation); ``language`` is
        the site's, the language of posts whose front matter sets none;
        files above ``max_bytes`` are refused unread. ``saved`` is where the
        catalogue is kept between runs: when it is sound, only the files that
        changed since are read. A first read of at least ``parallel_min``
        files is split between processes. The folder is listed at most every
        ``scan_interval`` seconds, and less often when listing it takes more
        than :data:`SCAN_SHARE` of the time (0: at every refresh).
        """
        # Absolute, so that error messages can name "posts/x.md" reliably.
        self.posts_dir = Path(posts_dir).absolute()
        self.tz = tz
        self.language = language
        self.scan_interval = scan_interval
        self.renderer = renderer or Renderer()
        self._clock = clock or _utc_now
        self._describe = describe
        self._lock = threading.Lock()
        self._next_scan = 0.0
        self._catalogue = Catalogue(self.posts_dir, tz, language, max_bytes, describe)
        self._catalogue.parallel_min = parallel_min
        self._saved = saved
        self._logged: frozenset[str] = frozenset()
        self._tokens_cache: tuple[object, list[str]] = (None, [])
        # What each file held at the last build, for the files read since.
        self._before: dict[str, object] = {}
        self._changes = ChangeLog()
        self._snap: Snapshot = build_snapshot({}, {}, [], _utc_now(), 0)
        restored = saved is not None and store.load(saved, self._catalogue)
        self.refresh(force=True)
        if saved is not None and (not restored or self._catalogue.reads):
            self.save()

    @property
    def reads(self) -> int:
        """Return how many files were read since the index was made."""
        return self._catalogue.reads

    def save(self) -> None:
        """Keep the catalogue on disk for the next start (never fails the site)."""
        if self._saved is None:
            return
        with self._lock:
            try:
                store.save(self._saved, self._catalogue)
            except OSError as error:
                log.warning(
                    "could not keep the post index in %s: %s", self._saved, error
                )

    # -- refreshing -------------------------------------------------------

    def stale(self) -> bool:
        """Tell whether a scan is due or a scheduled post's time has come."""
        return time.monotonic() >= self._next_scan or self._due()

    def refresh(self, force: bool = False) -> None:
        """Re-read changed files (at most one scan per interval) and publish."""
        if not force and not self.stale():
            return
        # A scan in progress serves the others: they keep the current snapshot.
        if not self._lock.acquire(blocking=force):
            return
        try:
            changed = False
            now = time.monotonic()
            if force or now >= self._next_scan:
                self._next_scan = now + self.scan_interval
                changed = self._scan()
                if self.scan_interval:
                    # A folder that takes long to list is listed less often.
                    spent = self._catalogue.walk_seconds / SCAN_SHARE
                    self._next_scan = max(self._next_scan, now + spent)
            if changed or self._due():
                self._rebuild()
        finally:
            self._lock.release()

    def _due(self) -> bool:
        """Tell whether a scheduled post's time has come since the last build."""
        moment = self._snap.next_publish
        return moment is not None and self._clock() >= moment

    def _current(self) -> Snapshot:
        """Return the snapshot to answer from, publishing scheduled posts if due."""
        snap = self._snap
        if snap.next_publish is not None and self._clock() >= snap.next_publish:
            if self._lock.acquire(blocking=False):
                try:
                    if self._snap is snap:
                        self._rebuild()
                finally:
                    self._lock.release()
            snap = self._snap
        return snap

    def _scan(self) -> bool:
        """Re-read new and changed files, forget deleted ones; tell if any."""
        before = self._catalogue.scan()
        for path, value in before.items():
            self._before.setdefault(path, value)
        return bool(before) or self._snap.version == 0

    def _rebuild(self) -> None:
        """Build a new snapshot from the entries and swap it in atomically."""
        entries = self._catalogue.entries
        posts = {p: v for p, (_, v) in entries.items() if isinstance(v, Post)}
        errors = [v for _, v in entries.values() if isinstance(v, PostError)]
        snap = build_snapshot(
            posts,
            self._catalogue.numbers,
            errors,
            self._clock(),
            self._snap.version + 1,
            root=self.posts_dir.parent,
            postings=self._catalogue.postings,
        )
        # Collision errors are recomputed on each build: log the new ones only.
        collisions = {str(e): e for e in snap.collisions}
        for key in sorted(collisions.keys() - self._logged):
            log.warning("%s", self._describe(collisions[key]))
        self._logged = frozenset(collisions)
        before, self._before = self._before, {}
        old, self._snap = self._snap, snap
        if old.version == 0:
            change = EVERYTHING
        else:
            after = {path: entries.get(path, (None, None))[1] for path in before}
            change = diff(old, snap, before, after)
        self._changes.add(snap.version, change)

    # -- queries ----------------------------------------------------------

    @property
    def version(self) -> int:
        """Return a number that changes whenever what readers see changes."""
        return self._current().version

    def changes_since(self, version: int) -> IndexChange:
        """Return what readers see differently since index ``version``."""
        current = self._current().version
        return self._changes.since(version, current)

    @property
    def problems(self) -> list[PostError]:
        """Return every file problem (unreadable, duplicate URL…), by path."""
        return list(self._current().problems)

    def visible(self) -> tuple[Post, ...]:
        """Return published posts (not draft, date passed), newest first."""
        return self._current().visible

    def all_posts(self) -> tuple[Post, ...]:
        """Return every readable post and page, drafts and scheduled included."""
        return self._current().all_posts

    def get(self, year: int, month: int, slug: str) -> Post | None:
        """Return the published post at /year/month/slug.html."""
        return self._current().by_ymd.get((year, month, slug))

    def by_url(self, path: str) -> Post | None:
        """Return the published post or page whose canonical URL is path."""
        return self._current().by_url.get(path)

    def by_alias(self, path: str) -> Post | None:
        """Return the published post that claims the old URL path."""
        return self._current().by_alias.get(path)

    def by_post_id(self, post_id: str) -> Post | None:
        """Return the published post with this id (or its Blogger id)."""
        return self._current().by_post_id.get(str(post_id))

    def by_year(self, year: int) -> tuple[Post, ...]:
        """Return the published posts of a year, newest first."""
        return self._current().by_year.get(year, ())

    def by_month(self, year: int, month: int) -> tuple[Post, ...]:
        """Return the published posts of a month, newest first."""
        return self._current().by_month.get((year, month), ())

    def by_label(self, label: str) -> tuple[Post, ...]:
        """Return published posts with a label (exact, else ignoring case/accents)."""
        snap = self._current()
        found = snap.by_label.get(label)
        if found is None:
            found = snap.by_label_casefold.get(label.casefold())
        if found is None:
            found = snap.by_label_fold.get(fold(label), ())
        return found

    def labels(self) -> list[tuple[str, int]]:
        """Return (label, number of published posts), alphabetical."""
        return list(self._current().labels)

    def archive(self) -> list[tuple[int, int, list[tuple[int, int]]]]:
        """Return [(year, count, [(month, count)…])…], newest first."""
        return [(y, n, list(months)) for y, n, months in self._current().archive]

    def pages(self) -> tuple[Post, ...]:
        """Return the non-draft static pages, by title."""
        return self._current().pages

    def page(self, slug: str) -> Post | None:
        """Return the non-draft page /p/slug.html."""
        return self._current().page_by_slug.get(slug)

    def newer(self, post: Post) -> Post | None:
        """Return the next more recent published post."""
        snap = self._current()
        position = snap.position.get(post.url)
        return snap.visible[position - 1] if position else None

    def older(self, post: Post) -> Post | None:
        """Return the next older published post."""
        snap = self._current()
        position = snap.position.get(post.url)
        if position is None or position + 1 >= len(snap.visible):
            return None
        return snap.visible[position + 1]

    def search(self, q: str) -> tuple[Post, ...]:
        """Return published posts holding every word of q (prefixes), newest first."""
        snap = self._current()
        tokens = self._sorted_tokens(snap.postings)
        found = matching_numbers(snap.postings, tokens, q)
        order = snap.id_position
        positions = sorted(order[n] for n in found if n in order)
        return tuple(snap.visible[i] for i in positions)

    def _sorted_tokens(self, postings: Postings) -> list[str]:
        """Return the vocabulary, sorted for prefix search (cached per version)."""
        cached_for, tokens = self._tokens_cache
        if cached_for is not postings:
            tokens = sorted(postings)
            self._tokens_cache = (postings, tokens)
        return tokens
