"""Whether the database answers: pages go on without it, and say so once a minute.

Reader pages never need the database to be read: when it does not answer,
they are served from the cache or rendered without their comments. This
module remembers, per worker, that it failed (so that the next requests do
not each wait for it), lets one try through every few seconds, and logs the
failure once a minute instead of once per request. The worker's poll of the
change log (app.freshness), which always queries, says when it is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("carnet.database")

T = TypeVar("T")

RETRY_AFTER = 2.0  # seconds between tries while the database is away
LOG_EVERY = 60.0


class Unavailable(Exception):
    """The database did not answer (or is known to be away)."""


class DatabaseHealth:
    """One worker's view of the database: up, or away since when."""

    def __init__(self, retry_after: float = RETRY_AFTER) -> None:
        """Start by assuming the database answers."""
        self.retry_after = retry_after
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.logged_at = -LOG_EVERY
        self._lock = threading.Lock()
        # Called when the database comes back (pages rendered without it go).
        self.on_recovery: list[Callable[[], None]] = []

    def may_answer(self) -> bool:
        """Tell whether to try the database now (not while backing off)."""
        return self.down_since is None or time.monotonic() >= self.retry_at

    def failed(self, what: str, error: Exception) -> None:
        """Remember a failure; log it unless one was logged in the last minute."""
        now = time.monotonic()
        with self._lock:
            if self.down_since is None:
                self.down_since = now
            self.retry_at = now + self.retry_after
            if now - self.logged_at < LOG_EVERY:
                return
            self.logged_at = now
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        log.warning(
            "database unavailable while %s (%s: %s); reader pages go on without "
            "comments, comment posts answer 503",
            what,
            type(error).__name__,
            first_line,
        )

    def answered(self) -> bool:
        """Record a success; return True when the database has just come back."""
        with self._lock:
            if self.down_since is None:
                return False
            away = time.monotonic() - self.down_since
            self.down_since = None
            self.logged_at = -LOG_EVERY
        log.warning("database answers again (away for %.0f s)", away)
        for callback in self.on_recovery:
            callback()
        return True


def health() -> DatabaseHealth:
    """Return the running application's view of its database."""
    return current_app.extensions["carnet_database_health"]


def database_may_answer() -> bool:
    """Tell whether the current app should try its database now."""
    return health().may_answer()


def failed(what: str, error: Exception) -> None:
    """Record that the current app's database failed while doing ``what``."""
    health().failed(what, error)


def needed(what: str, call: Callable[[], T]) -> T:
    """Run ``call`` against the database, or raise Unavailable.

    The request is marked degraded (``g.degraded``) so that its page is not
    kept as if it were whole.
    """
    if not database_may_answer():
        g.degraded = True
        raise Unavailable(what)
    try:
        return call()
    except SQLAlchemyError as error:
        g.degraded = True
        failed(what, error)
        _rollback()
        raise Unavailable(what) from error


def _rollback() -> None:
    """Leave the session usable for the rest of the request."""
    from app.extensions import db

    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass  # the connection is gone; the pool replaces it


def init_app(app) -> None:
    """Give the app its view of the database's health."""
    retry_after = app.config.get("CARNET_DB_RETRY", RETRY_AFTER)
    app.extensions["carnet_database_health"] = DatabaseHealth(retry_after)
