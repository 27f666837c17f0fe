"""A cache of rendered HTML bounded by its size in characters, not by its entries.

``functools.lru_cache(maxsize=N)`` counts entries: a page that shows more
than N of them (a post with 5,000 comments) evicts its own first entries
before it is done, and every later render makes them all again. Bounding
the characters kept instead holds any page that fits the budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class BoundedCache:
    """Strings by key, least recently used out first, at most ``max_chars`` in all."""

    def __init__(self, max_chars: int) -> None:
        """Start empty."""
        self.max_chars = max_chars
        self._kept: OrderedDict[Hashable, tuple[str, int]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        """Return the value kept for ``key`` (now the most recently used), or None."""
        found = self._kept.get(key)
        if found is None:
            return None
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
        return found[0]

    def put(self, key: Hashable, value: str, key_chars: int = 0) -> None:
        """Keep ``value``; ``key_chars`` counts the characters the key holds.

        A value larger than the whole budget is not kept.
        """
        size = len(value) + key_chars
        if size > self.max_chars:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._chars -= old[1]
            self._kept[key] = (value, size)
            self._chars += size
            while self._chars > self.max_chars:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._chars -= dropped

    def __len__(self) -> int:
        """Return how many values are kept."""
        return len(self._kept)
