"""The sender in the background: one daemon thread per process, started lazily.

gunicorn forks its workers, and a thread started before a fork does not
exist in the child. So the thread is started by the first request a process
serves (:class:`StartsSender`, one pid comparison per request), which is
after any fork; a forked child sees another pid and starts its own. It is
a daemon thread: it never keeps a process from exiting. It is not started
by CLI commands (they serve no request; ``flask mail send`` delivers by
itself), nor under ``TESTING`` unless ``CARNET_MAIL_THREAD`` asks for it.

Each round: the daily chores if a day has passed (one process does them),
then a pass over the outbox (one process sends, app.mail.sender). Rounds
come every ``CARNET_MAIL_INTERVAL`` seconds (30), and at once when this
process has just queued a message.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable

from flask import Flask

from app.mail import chores, lease, sender

log = logging.getLogger("carnet.mail")

INTERVAL = 30.0
LOG_EVERY = 60.0


class SenderThread:
    """This process's background sender."""

    def __init__(self, app: Flask, interval: float = INTERVAL) -> None:
        """Prepare the thread; nothing runs until :meth:`ensure_running`."""
        self.app = app
        self.interval = interval
        self.rounds = 0  # rounds done, for tests that wait for one
        self._pid: int | None = None
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._round_done = threading.Condition()
        self._logged_at = -LOG_EVERY
        me = weakref.ref(self)
        # A lock held by another thread at the fork stays held in the child.
        os.register_at_fork(after_in_child=lambda: _after_fork(me))

    def ensure_running(self) -> None:
        """Start the thread if this process has none yet."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._run, name="carnet-mail-sender", daemon=True
            )
            self._thread.start()

    @property
    def running(self) -> bool:
        """Tell whether this process's thread is alive."""
        return (
            self._pid == os.getpid()
            and self._thread is not None
            and self._thread.is_alive()
        )

    def wake(self) -> None:
        """Ask for a round now (a message was just queued)."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """End the thread after its current round (tests)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wait_for_rounds(self, count: int, timeout: float = 60.0) -> bool:
        """Wait until ``count`` more rounds are done (tests); tell if they were."""
        with self._round_done:
            target = self.rounds + count
            return self._round_done.wait_for(lambda: self.rounds >= target, timeout)

    def _run(self) -> None:
        """Do rounds until stopped."""
        holder = lease.holder_name()
        while not self._stop.is_set():
            self.round(holder)
            self._wake.wait(self.interval)
            self._wake.clear()

    def round(self, holder: str) -> None:
        """Run the chores if due, then deliver what is due; never raise."""
        try:
            with self.app.app_context():
                chores.run_if_due(holder)
                sender.run_pass(holder)
        except Exception:  # noqa: BLE001 - the thread must outlive a bad round
            now = time.monotonic()
            if now - self._logged_at >= LOG_EVERY:
                self._logged_at = now
                log.exception("mail sender: round failed; trying again later")
        finally:
            with self._round_done:
                self.rounds += 1
                self._round_done.notify_all()


def _after_fork(ref: weakref.ref) -> None:
    """Give a forked child's sender fresh locks (its thread is not there)."""
    thread = ref()
    if thread is not None:
        thread._lock = threading.Lock()
        thread._round_done = threading.Condition()
        thread._wake = threading.Event()


StartResponse = Callable[..., object]


class StartsSender:
    """WSGI middleware making sure this process's sender runs."""

    def __init__(self, wsgi_app: Callable, thread: SenderThread) -> None:
        """Wrap ``wsgi_app``."""
        self.wsgi_app = wsgi_app
        self.thread = thread

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable:
        """Start the sender on this process's first request, then serve."""
        self.thread.ensure_running()
        return self.wsgi_app(environ, start_response)
