"""PostIndex: every post of posts/, refreshed by mtime, with fast lookups."""

from __future__ import annotations

import logging
import os
import threading
import time
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from zoneinfo import ZoneInfo

from app.content.post import Post, plain_text
from app.content.reader import PostError, PostReadError, read_post
from app.content.slugs import fold, words

log = logging.getLogger("carnet.content")

# Search postings: word -> sorted numbers of the posts holding it. Tuples,
# not frozensets: a 10,000-post blog has ~2 million postings, and a tuple
# costs 8 bytes per entry where a set costs ~40.
Postings = tuple[int, ...]

Clock = Callable[[], datetime]
# Terms this short match whole words only: as prefixes they would match
# most of the vocabulary and make a query slow for nothing.
_SHORT_TERM = 2
_MAX_TERMS = 8


def _utc_now() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def _skipped(name: str) -> bool:
    """Tell whether a file or folder name is hidden or an editor's temp file."""
    return name.startswith((".", "#")) or name.endswith("~")


def _post_tokens(post: Post) -> set[str]:
    """Return the distinct folded words of a post's title and body."""
    return set(words(f"{post.title}\n{plain_text(post.body)}"))


@dataclass(frozen=True)
class Snapshot:
    """What readers see at one version: built once, never modified."""

    version: int
    next_publish: datetime | None  # when the next scheduled post goes live
    problems: tuple[PostError, ...]
    collisions: tuple[PostError, ...]
    all_posts: tuple[Post, ...]
    visible: tuple[Post, ...]
    position: dict[str, int]  # url -> index in visible
    id_position: dict[int, int]  # search number -> index in visible
    by_ymd: dict[tuple[int, int, str], Post]
    by_url: dict[str, Post]
    by_alias: dict[str, Post]
    by_post_id: dict[str, Post]
    by_year: dict[int, tuple[Post, ...]]
    by_month: dict[tuple[int, int], tuple[Post, ...]]
    by_label: dict[str, tuple[Post, ...]]
    by_label_casefold: dict[str, tuple[Post, ...]]
    by_label_fold: dict[str, tuple[Post, ...]]
    labels: tuple[tuple[str, int], ...]
    archive: tuple[tuple[int, int, tuple[tuple[int, int], ...]], ...]
    pages: tuple[Post, ...]
    page_by_slug: dict[str, Post]
    postings: dict[str, Postings] = field(default_factory=dict)


def _claim_urls(
    posts: dict[str, Post], root: Path | None
) -> tuple[dict[str, Post], dict[str, Post], list[PostError]]:
    """Resolve URL and alias owners; the file whose path sorts first wins."""
    owners: dict[str, Post] = {}
    errors: list[PostError] = []

    def clash(post: Post, reason: str) -> None:
        errors.append(PostError(post.source, None, reason, root=root))

    def shown(post: Post) -> str:
        return str(PostError(post.source, None, "", root=root))[:-2]

    for path in sorted(posts):
        post = posts[path]
        first = owners.setdefault(post.url, post)
        if first is not post:
            clash(
                first,
                f"duplicate URL {post.url} (also {shown(post)}; this one is served)",
            )
            clash(
                post, f"duplicate URL {post.url} (also {shown(first)}, which is served)"
            )
    aliases: dict[str, Post] = {}
    for path in sorted(posts):
        post = posts[path]
        if owners.get(post.url) is not post:
            continue
        for alias in post.aliases:
            if alias in owners:
                clash(post, f"alias {alias} is the URL of {shown(owners[alias])}")
                continue
            first = aliases.setdefault(alias, post)
            if first is not post:
                clash(first, f"alias {alias} also claimed by {shown(post)}")
                clash(post, f"alias {alias} also claimed by {shown(first)}")
    return owners, aliases, errors


def _merge_labels(
    by_label: dict[str, tuple[Post, ...]],
    key: Callable[[str], str],
    position: dict[str, int],
) -> dict[str, tuple[Post, ...]]:
    """Merge label groups whose names are equal under key, newest first."""
    groups: dict[str, list[tuple[Post, ...]]] = {}
    for label, found in by_label.items():
        groups.setdefault(key(label), []).append(found)
    merged: dict[str, tuple[Post, ...]] = {}
    for name, lists in groups.items():
        if len(lists) == 1:
            merged[name] = lists[0]
        else:
            unique = {post.url: post for found in lists for post in found}
            merged[name] = tuple(sorted(unique.values(), key=lambda p: position[p.url]))
    return merged


def _archive(
    by_year: dict[int, tuple[Post, ...]], by_month: dict[tuple[int, int], tuple]
) -> tuple:
    """Return ((year, count, ((month, count), ...)), ...), newest first."""
    return tuple(
        (
            year,
            len(by_year[year]),
            tuple(
                (m, len(by_month[(year, m)]))
                for m in sorted({p.month for p in by_year[year]}, reverse=True)
            ),
        )
        for year in sorted(by_year, reverse=True)
    )


def build_snapshot(
    posts: dict[str, Post],
    ids: dict[str, int],
    errors: list[PostError],
    now: datetime,
    version: int,
    root: Path | None = None,
    postings: dict[str, Postings] | None = None,
) -> Snapshot:
    """Build every lookup table readers need from the readable posts."""
    owners, aliases, collisions = _claim_urls(posts, root)
    # Two stable C-level sorts (URL, then date) instead of a Python key tuple:
    # this runs on every change of a 10,000-post blog.
    everything = sorted(posts.values(), key=attrgetter("url"), reverse=True)
    everything.sort(key=attrgetter("date"), reverse=True)
    served = {id(p) for p in owners.values() if not p.draft}
    live = [p for p in everything if id(p) in served]
    articles = [p for p in live if not p.is_page]
    # Scheduled posts sort first; only they are compared with the clock.
    if articles:
        now = now.astimezone(articles[0].date.tzinfo)  # same tz: fast compare
    first = 0
    while first < len(articles) and articles[first].date > now:
        first += 1
    visible = tuple(articles[first:])
    pages = tuple(sorted((p for p in live if p.is_page), key=lambda p: fold(p.title)))
    position = {p.url: i for i, p in enumerate(visible)}
    number = {id(p): ids[path] for path, p in posts.items() if path in ids}
    by_label: dict[str, list[Post]] = {}
    by_year: dict[int, list[Post]] = {}
    by_month: dict[tuple[int, int], list[Post]] = {}
    by_post_id: dict[str, Post] = {p.post_id: p for p in pages}
    for post in visible:
        for label in post.labels:
            by_label.setdefault(label, []).append(post)
        by_year.setdefault(post.date.year, []).append(post)
        by_month.setdefault((post.date.year, post.date.month), []).append(post)
        by_post_id[post.post_id] = post
    for post in (*pages, *visible):
        # Old Blogger links name posts by the number in their Blogger id.
        tail = (post.blogger_id or "").rpartition("-")[2]
        if tail.isdigit():
            by_post_id.setdefault(tail, post)
    labels = {k: tuple(v) for k, v in by_label.items()}
    years = {k: tuple(v) for k, v in by_year.items()}
    months = {k: tuple(v) for k, v in by_month.items()}
    shown = {id(p) for p in (*visible, *pages)}
    return Snapshot(
        version=version,
        next_publish=articles[first - 1].date if first else None,
        problems=tuple(
            sorted((*errors, *collisions), key=lambda e: (str(e.path), e.line or 0))
        ),
        collisions=tuple(collisions),
        all_posts=tuple(everything),
        visible=visible,
        position=position,
        id_position={
            number[id(p)]: i for i, p in enumerate(visible) if id(p) in number
        },
        by_ymd={(p.date.year, p.date.month, p.slug): p for p in visible},
        by_url={p.url: p for p in (*pages, *visible)},
        by_alias={a: p for a, p in aliases.items() if id(p) in shown},
        by_post_id=by_post_id,
        by_year=years,
        by_month=months,
        by_label=labels,
        by_label_casefold=_merge_labels(labels, str.casefold, position),
        by_label_fold=_merge_labels(labels, fold, position),
        labels=tuple(
            sorted(
                ((lb, len(ps)) for lb, ps in labels.items()),
                key=lambda x: (fold(x[0]), x[0]),
            )
        ),
        archive=_archive(years, months),
        pages=pages,
        page_by_slug={p.slug: p for p in pages},
        postings=postings if postings is not None else {},
    )


def _apply(ids: Postings, gone: set[int], new: set[int]) -> Postings:
    """Return sorted ids without gone and with new (one change: no full sort)."""
    if len(gone) + len(new) == 1:
        (number,) = gone or new
        at = bisect_left(ids, number)
        present = at < len(ids) and ids[at] == number
        if gone and present:
            return ids[:at] + ids[at + 1 :]
        if new and not present:
            return ids[:at] + (number,) + ids[at:]
        return ids
    return tuple(sorted((set(ids) - gone) | new))


class PostIndex:
    """All posts and pages of a folder; queries answer from an immutable snapshot."""

    def __init__(
        self,
        posts_dir: Path,
        tz: ZoneInfo,
        clock: Clock | None = None,
        scan_interval: float = 1.0,
    ) -> None:
        """Index the folder now (cold build); later refreshes re-read changes only."""
        # Absolute, so that error messages can name "posts/x.md" reliably.
        self.posts_dir = Path(posts_dir).absolute()
        self.tz = tz
        self.scan_interval = scan_interval
        self._clock = clock or _utc_now
        self._lock = threading.Lock()
        self._next_scan = 0.0
        # path -> ((mtime_ns, size), Post or PostError); touched under the lock.
        self._entries: dict[str, tuple[tuple[int, int], Post | PostError]] = {}
        self._ids: dict[str, int] = {}  # path -> stable number used by search
        self._postings: dict[str, Postings] = {}
        self._logged: frozenset[str] = frozenset()
        self._tokens_cache: tuple[object, list[str]] = (None, [])
        self._snap: Snapshot = build_snapshot({}, {}, [], _utc_now(), 0)
        self.refresh(force=True)

    # -- refreshing -------------------------------------------------------

    def refresh(self, force: bool = False) -> None:
        """Re-read changed files (at most one scan per interval) and publish."""
        if not force and time.monotonic() < self._next_scan and not self._due():
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

    def _walk(self) -> dict[str, tuple[int, int]]:
        """Return (mtime_ns, size) of every *.md file under the posts folder."""
        found: dict[str, tuple[int, int]] = {}
        stack = [str(self.posts_dir)]
        while stack:
            try:
                entries = os.scandir(stack.pop())
            except OSError:
                continue  # a folder removed while we walk, or no posts/ yet
            with entries:
                for entry in entries:
                    if _skipped(entry.name):
                        continue
                    try:
                        if entry.is_dir():
                            stack.append(entry.path)
                        elif entry.name.endswith(".md") and entry.is_file():
                            stat = entry.stat()
                            found[entry.path] = (stat.st_mtime_ns, stat.st_size)
                    except OSError:
                        continue  # deleted between listing and stat
        return found

    def _scan(self) -> bool:
        """Re-read new and changed files, forget deleted ones; tell if any."""
        found = self._walk()
        entries = self._entries
        gone = [path for path in entries if path not in found]
        fresh = [
            path for path, key in found.items() if entries.get(path, (None,))[0] != key
        ]
        if not gone and not fresh:
            return False
        before = {path: entries[path][1] for path in (*gone, *fresh) if path in entries}
        for path in gone:
            del entries[path]
        after: dict[str, Post | PostError] = {}
        for path in fresh:
            try:
                value: Post | PostError = read_post(Path(path), self.posts_dir, self.tz)
            except PostReadError as exc:
                value = exc.error
            except FileNotFoundError:
                entries.pop(path, None)  # vanished meanwhile: next scan decides
                continue
            except Exception as exc:  # noqa: BLE001 - one file never stops the site
                reason = f"cannot be read: {exc.__class__.__name__}: {exc}"
                value = PostError(Path(path), None, reason, root=self.posts_dir.parent)
            if isinstance(value, PostError):
                log.warning("%s", value)  # once per file version: read once
            entries[path] = (found[path], value)
            after[path] = value
        self._update_postings(before, after)
        return True

    def _update_postings(
        self, before: dict[str, Post | PostError], after: dict[str, Post | PostError]
    ) -> None:
        """Update the search postings for the files that changed (copy on write)."""
        # Lists, not sets: a cold build adds ~2 million postings at once.
        removed: dict[str, list[int]] = {}
        added: dict[str, list[int]] = {}
        for changes, values in ((removed, before), (added, after)):
            for path, value in values.items():
                if not isinstance(value, Post) or value.draft or value.is_page:
                    continue
                number = self._ids.setdefault(path, len(self._ids))
                for token in _post_tokens(value):
                    changes.setdefault(token, []).append(number)
        if not removed and not added:
            return
        postings = dict(self._postings)
        for token in removed.keys() | added.keys():
            gone = set(removed.get(token, ()))
            new = set(added.get(token, ()))
            # An edited post keeps most of its words: nothing to do for them.
            gone, new = gone - new, new - gone
            if gone or new:
                ids = _apply(postings.get(token, ()), gone, new)
                if ids:
                    postings[token] = ids
                else:
                    postings.pop(token, None)
        self._postings = postings

    def _rebuild(self) -> None:
        """Build a new snapshot from the entries and swap it in atomically."""
        posts = {p: v for p, (_, v) in self._entries.items() if isinstance(v, Post)}
        errors = [v for _, v in self._entries.values() if isinstance(v, PostError)]
        snap = build_snapshot(
            posts,
            self._ids,
            errors,
            self._clock(),
            self._snap.version + 1,
            root=self.posts_dir.parent,
            postings=self._postings,
        )
        # Collision errors are recomputed on each build: log the new ones only.
        collisions = frozenset(str(e) for e in snap.collisions)
        for message in sorted(collisions - self._logged):
            log.warning("%s", message)
        self._logged = collisions
        self._snap = snap

    # -- queries ----------------------------------------------------------

    @property
    def version(self) -> int:
        """Return a number that changes whenever what readers see changes."""
        return self._current().version

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
        # Long words are rarer: start with them. A bounded number of words
        # keeps a hostile query from costing more than a few unions.
        terms = sorted(set(words(q)), key=len, reverse=True)[:_MAX_TERMS]
        if not terms:
            return ()
        postings = snap.postings
        tokens = self._sorted_tokens(postings)
        found: set[int] | None = None
        for term in terms:
            if len(term) <= _SHORT_TERM:
                ids = set(postings.get(term, ()))
            else:
                ids = set()
                start = bisect_left(tokens, term)
                for token in tokens[start : bisect_left(tokens, term + "\U0010ffff")]:
                    ids.update(postings[token])
            found = ids if found is None else found & ids
            if not found:
                return ()
        order = snap.id_position
        positions = sorted(order[n] for n in found if n in order)
        return tuple(snap.visible[i] for i in positions)

    def _sorted_tokens(self, postings: dict[str, Postings]) -> list[str]:
        """Return the vocabulary, sorted for prefix search (cached per version)."""
        cached_for, tokens = self._tokens_cache
        if cached_for is not postings:
            tokens = sorted(postings)
            self._tokens_cache = (postings, tokens)
        return tokens
