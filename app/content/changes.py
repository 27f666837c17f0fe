"""What a new version of the post index changed, so that caches forget only that.

A body edit changes one post's own pages; a title edit also changes the
lists of its month; anything that moves, adds or removes an address, a
date, a label or a page changes the sidebar of every page: everything.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from app.content.post import Post
from app.content.snapshot import Snapshot


@dataclass(frozen=True)
class IndexChange:
    """The parts of the site a new index version changed."""

    everything: bool = False
    posts: frozenset[str] = field(default_factory=frozenset)  # URLs of posts
    titles: frozenset[str] = field(default_factory=frozenset)  # retitled posts
    months: frozenset[tuple[int, int]] = field(default_factory=frozenset)

    def __or__(self, other: IndexChange) -> IndexChange:
        """Return the change made by both."""
        return IndexChange(
            self.everything or other.everything,
            self.posts | other.posts,
            self.titles | other.titles,
            self.months | other.months,
        )

    @property
    def empty(self) -> bool:
        """Tell whether nothing a reader sees changed."""
        return not (self.everything or self.posts or self.months)


EVERYTHING = IndexChange(everything=True)
NOTHING = IndexChange()


def _place(post: Post) -> tuple:
    """Return what places a post in lists and sidebars (not its title or body)."""
    return (post.url, post.aliases, post.date, post.labels, post.draft, post.is_page)


def _sidebar(snap: Snapshot) -> tuple:
    """Return what every page's sidebar shows, but the open month's titles."""
    pages = tuple((page.url, page.title) for page in snap.pages)
    return (snap.archive, snap.labels, pages, len(snap.visible), snap.collisions)


def diff(
    old: Snapshot, new: Snapshot, before: dict[str, object], after: dict[str, object]
) -> IndexChange:
    """Return what changed from ``old`` to ``new``.

    ``before`` and ``after`` map each file read again (or gone) since ``old``
    to what it held then and holds now: a Post, an error, or None.
    """
    if _sidebar(old) != _sidebar(new):
        return EVERYTHING
    posts, titles, months = set(), set(), set()
    for path, was in before.items():
        old_post = was if isinstance(was, Post) else None
        now = after.get(path)
        new_post = now if isinstance(now, Post) else None
        if old_post is None and new_post is None:
            continue  # an unreadable file stayed unreadable
        if old_post is None or new_post is None:
            return EVERYTHING
        if _place(old_post) != _place(new_post):
            return EVERYTHING
        posts.add(new_post.url)
        if old_post.title != new_post.title:
            titles.add(new_post.url)
            months.add((new_post.year, new_post.month))
    return IndexChange(
        posts=frozenset(posts), titles=frozenset(titles), months=frozenset(months)
    )


class ChangeLog:
    """The changes of the last index versions, to answer "what changed since v?"."""

    def __init__(self, keep: int = 64) -> None:
        """Remember at most ``keep`` versions."""
        self._entries: deque[tuple[int, IndexChange]] = deque(maxlen=keep)

    def add(self, version: int, change: IndexChange) -> None:
        """Record what ``version`` changed."""
        self._entries.append((version, change))

    def since(self, version: int, current: int) -> IndexChange:
        """Return everything that changed after ``version`` up to ``current``."""
        if version >= current:
            return NOTHING
        entries = list(self._entries)
        if not entries or entries[0][0] > version + 1:
            return EVERYTHING  # older than what is remembered
        result = NOTHING
        for number, change in entries:
            if number > version:
                result = result | change
        return result
