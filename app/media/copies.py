"""Resized copies of the posts' images, made by a background thread.

Decoding and resizing a photo takes a good part of a second: never inside a
reader's request (STYLE.md, habit 15). The first request for a copy that is
not there yet queues it and is answered with the original; the worker
thread makes every copy of that image version, and the next request gets
its copy. Copies live under ``<cache>/<path under posts/>/`` named after the
original's content hash, so a changed image gets new copies and the old
ones are removed; several workers or hosts may make the same copy, each
written whole and renamed into place.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

from app.content.images import copy_name, make_copies

log = logging.getLogger("carnet.media")

Job = tuple[Path, str, str]  # (original file, path under posts/, content hash)


class CopyMaker:
    """The copies' folder, and a thread that fills it as copies are asked for."""

    def __init__(self, folder: Path) -> None:
        """Keep copies under ``folder`` (created when the first copy is made)."""
        self.folder = folder
        self._jobs: queue.Queue[Job] = queue.Queue()
        self._lock = threading.Lock()
        self._waiting: set[tuple[str, str]] = set()
        # Images Pillow could not copy: asked for again only once they change.
        self._failed: set[tuple[str, str]] = set()
        self._thread: threading.Thread | None = None

    def path(self, relative: str, digest: str, width: int, extension: str) -> Path:
        """Return where the copy of an image version at ``width`` is kept."""
        folder = self.folder.joinpath(*relative.split("/"))
        return folder / copy_name(digest, width, extension)

    def ask(self, original: Path, relative: str, digest: str) -> None:
        """Queue the copies of this image version, unless already queued."""
        key = (relative, digest)
        with self._lock:
            if key in self._waiting or key in self._failed:
                return
            self._waiting.add(key)
            # Started on first use, in the process that serves: a thread
            # started before gunicorn forks would not exist in the workers.
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="carnet-image-copies", daemon=True
                )
                self._thread.start()
        self._jobs.put((original, relative, digest))

    def make_now(self, original: Path, relative: str, digest: str) -> list[Path]:
        """Make the copies of one image version in this thread (the CLI's way)."""
        folder = self.folder.joinpath(*relative.split("/"))
        return make_copies(original, folder, digest)

    def settle(self) -> None:
        """Wait until every queued image has its copies (tests, the CLI)."""
        self._jobs.join()

    def _work(self) -> None:
        """Make queued copies, one image at a time, for the life of the process."""
        while True:
            original, relative, digest = self._jobs.get()
            key = (relative, digest)
            try:
                self.make_now(original, relative, digest)
            except Exception:  # noqa: BLE001 - one bad picture must not stop the rest
                log.exception("could not make the copies of %s", relative)
                with self._lock:
                    self._failed.add(key)
            finally:
                with self._lock:
                    self._waiting.discard(key)
                self._jobs.task_done()
