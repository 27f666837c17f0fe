"""Login attempts throttled per account: a wait that doubles after each failure.

The per-IP limit on ``/login`` does not stop guesses spread over many
addresses. So every account name (known or not: the answer must not tell
which exist) counts its failed passwords in a row: the first
:data:`FREE_FAILURES` cost nothing, then the account waits 1 s, 2 s, 4 s…
up to :data:`MAX_WAIT` before the next attempt is even checked. A good
password clears the count; a count left alone is forgotten after a day.

The counts live where Flask-Limiter keeps its own (``memory://`` in each
process, or the Redis of ``BLOG_RATELIMIT_STORAGE_URL`` shared by every
worker and host), through the same ``limits`` storage; when Redis does not
answer, this process counts on its own meanwhile, as the rate limits do.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from limits.storage import MemoryStorage, Storage

from app.extensions import limiter

log = logging.getLogger("carnet.moderation")

FREE_FAILURES = 3  # mistyped passwords in a row that cost no wait
FIRST_WAIT = 1.0  # seconds, after the last free failure; doubles after each next
MAX_WAIT = 15 * 60
FORGET_AFTER = 24 * 3600  # a count of failures is forgotten a day after it began

T = TypeVar("T")


def wait_after(failures: int, first_wait: float = FIRST_WAIT) -> float:
    """Return how long an account waits after ``failures`` failures in a row."""
    if failures < FREE_FAILURES:
        return 0.0
    # The exponent is bounded: 2 ** 1100 would not even fit in a float.
    doublings = min(failures - FREE_FAILURES, 30)
    return min(first_wait * 2**doublings, MAX_WAIT)


def _enabled() -> bool:
    """Tell whether logins are throttled (with the rate limits; tests turn both off)."""
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _first_wait() -> float:
    """Return the first wait in seconds (tests make it long, to need no clock)."""
    return float(current_app.config.get("CARNET_LOGIN_FIRST_WAIT", FIRST_WAIT))


def _key(username: str, what: str) -> str:
    """Return the storage key of one account's ``what`` (no name in clear).

    Under Flask-Limiter's key prefix: two blogs sharing a Redis keep apart.
    """
    digest = hashlib.sha256(username.encode("utf-8")).hexdigest()[:24]
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return f"{prefix}carnet/login/{digest}/{what}"


def _with_storage(action: Callable[[Storage], T]) -> T:
    """Run ``action`` on Flask-Limiter's storage, or this process's own if away."""
    storage = limiter.storage
    try:
        return action(storage)
    except storage.base_exceptions as error:
        log.warning("login throttle: rate-limit storage unavailable (%s)", error)
        # This process's own counts, kept with the app, meanwhile.
        fallback = current_app.extensions.setdefault(
            "carnet_login_counts", MemoryStorage()
        )
        return action(fallback)


def seconds_left(username: str) -> int:
    """Return how many seconds this account must still wait (0: it may try)."""
    if not _enabled():
        return 0

    def left(storage: Storage) -> int:
        """Read the account's count, then the end of its current wait."""
        failures = storage.get(_key(username, "failures"))
        wait = _key(username, f"wait-{failures}")
        if failures < FREE_FAILURES or not storage.get(wait):
            return 0
        return max(1, math.ceil(storage.get_expiry(wait) - time.time()))

    return _with_storage(left)


def failed(username: str) -> None:
    """Count a wrong password for this account and start its wait."""
    if not _enabled():
        return
    first_wait = _first_wait()

    def count(storage: Storage) -> None:
        """Add the failure; one wait key per failure number, expiring with it."""
        failures = storage.incr(_key(username, "failures"), FORGET_AFTER)
        wait = wait_after(failures, first_wait)
        if wait:
            storage.incr(_key(username, f"wait-{failures}"), max(1, math.ceil(wait)))

    _with_storage(count)


def succeeded(username: str) -> None:
    """Forget this account's failures: its moderator is in."""
    if _enabled():
        _with_storage(lambda storage: storage.clear(_key(username, "failures")))
