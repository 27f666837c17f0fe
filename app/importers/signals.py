"""SIGTERM during an import: undo what can be undone, finish what cannot.

While files are staged and moved in, before the database commits, SIGTERM
raises :class:`Terminated` at once and the writer undoes everything. Once
the comments are committed, it only sets :attr:`TerminationGuard.requested`:
the import finishes its files and stops at the next safe point (between two
image downloads, for instance).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Terminated(BaseException):
    """SIGTERM arrived while the import could still be undone.

    A BaseException, like KeyboardInterrupt: no ``except Exception`` may
    swallow it on the way to the writer's undo.
    """


class TerminationGuard:
    """Turn SIGTERM into an exception inside interruptible sections only."""

    def __init__(self) -> None:
        """Start with no request and nothing interruptible."""
        self.requested = False
        self._armed = 0

    def _handle(self, signum, frame) -> None:
        """Record the request; raise when the current section can be undone."""
        self.requested = True
        if self._armed:
            raise Terminated

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Handle SIGTERM for the duration of a command (main thread only)."""
        self.requested, self._armed = False, 0
        if threading.current_thread() is not threading.main_thread():
            yield  # signals reach the main thread only: nothing to install
            return
        previous = signal.signal(signal.SIGTERM, self._handle)
        try:
            yield
        finally:
            signal.signal(signal.SIGTERM, previous)

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """Let SIGTERM raise :class:`Terminated` inside the block."""
        if self.requested:
            raise Terminated
        self._armed += 1
        try:
            yield
        finally:
            self._armed -= 1

    @contextmanager
    def shielded(self) -> Iterator[None]:
        """Keep SIGTERM from raising inside the block (an undo, a commit)."""
        armed, self._armed = self._armed, 0
        try:
            yield
        finally:
            self._armed = armed


#: The guard of the running import command.
GUARD = TerminationGuard()
