"""Rate limits kept in a worker's memory, without a thread started per hit.

limits' MemoryStorage sweeps expired counters with a 10 ms ``Timer`` started
again on every hit: under a burst of comments, each POST starts a thread and
waits for it to run. The counters need no sweep to be right (a read checks
their expiry); only memory does. This store sweeps in line, at most once a
second, and takes the ``memory://`` scheme (``BLOG_RATELIMIT_STORAGE_URL``'s
default) for itself. Redis and the other stores are untouched.
"""

from __future__ import annotations

import time

from limits.storage import MemoryStorage

SWEEP_EVERY = 1.0  # seconds


class SweptMemoryStorage(MemoryStorage):
    """MemoryStorage whose expired counters are swept in line, now and then."""

    STORAGE_SCHEME = ["memory"]  # registered in place of limits' own

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_):
        """Make the store; the sweeping Timer the parent starts is stopped."""
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **_)
        self.timer.cancel()
        self._next_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - limits' name
        """Sweep now if the last sweep is a second old; never start a thread."""
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_EVERY
            self._MemoryStorage__expire_events()


def register() -> None:
    """Make sure ``memory://`` means this store (importing it registers it)."""
    from limits.storage import storage_from_string

    if type(storage_from_string("memory://")) is not SweptMemoryStorage:
        raise RuntimeError("limits did not take Carnet's memory store for memory://")
