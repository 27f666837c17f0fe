"""An import's journal: what it stages, what it moves in, how far it went.

Files are written to a ``.carnet-import-*`` folder inside the posts folder
(the same filesystem, so moving one in is an atomic rename; hidden, so the
site never reads it) with ``journal.json`` saying which files, which comment
ids and which state: ``staged`` (nothing moved), ``moving`` (some files may
be in), ``committed`` (the comments are stored). A run killed outright
leaves the folder: the next run reads the journal and finishes or undoes it,
and ``flask check`` reports it meanwhile.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

STAGING_PREFIX = ".carnet-import-"
JOURNAL_NAME = "journal.json"
FILES = "files"


class ImportBusy(Exception):
    """Another import is running on the same posts folder."""


@contextmanager
def import_lock(posts_dir: Path) -> Iterator[None]:
    """Hold the posts folder's import lock (a lock on the folder itself).

    Released by the system however the process ends, so a killed import
    never blocks the next one; no lock file is left among the posts.
    """
    fd = os.open(posts_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportBusy(str(posts_dir)) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def import_running(posts_dir: Path) -> bool:
    """Tell whether an import holds the posts folder's lock right now."""
    try:
        with import_lock(posts_dir):
            return False
    except ImportBusy:
        return True
    except OSError:
        return False


def leftovers(posts_dir: Path) -> list[Path]:
    """Return the staging folders left by imports that did not end.

    Older versions staged beside the posts folder: that place is looked at too.
    """
    found = []
    for place in (posts_dir, posts_dir.parent):
        try:
            found.extend(
                p for p in sorted(place.glob(STAGING_PREFIX + "*")) if p.is_dir()
            )
        except OSError:
            continue
    return found


def digest(data: bytes) -> str:
    """Return the SHA-256 of some bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    """Return the SHA-256 of a file, None if it cannot be read."""
    try:
        return digest(path.read_bytes())
    except OSError:
        return None


@dataclass
class Journal:
    """The record of one import's files, kept in its staging folder."""

    folder: Path
    state: str = "staged"
    files: list[dict[str, str]] = field(default_factory=list)  # path, sha256
    comments: list[str] = field(default_factory=list)  # Blogger ids
    folders: list[str] = field(default_factory=list)  # created by the move

    def staged(self, relpath: str) -> Path:
        """Return where a planned file waits before being moved in."""
        return self.folder / FILES / relpath

    def save(self) -> None:
        """Write the journal atomically and durably (it must survive a crash)."""
        data = asdict(self)
        del data["folder"]
        temporary = self.folder / (JOURNAL_NAME + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.folder / JOURNAL_NAME)

    @classmethod
    def load(cls, folder: Path) -> Journal | None:
        """Read a staging folder's journal; None when there is none (or garbage)."""
        try:
            data = json.loads((folder / JOURNAL_NAME).read_text(encoding="utf-8"))
            return cls(
                folder,
                str(data["state"]),
                [dict(f) for f in data["files"]],
                [str(c) for c in data["comments"]],
                [str(f) for f in data.get("folders", [])],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def move_in(self, posts_dir: Path) -> list[str]:
        """Move every staged file still waiting into place; return the clashes."""
        clashes = []
        for folder in self.folders:
            (posts_dir / folder).mkdir(exist_ok=True)
        for item in self.files:
            staged, target = self.staged(item["path"]), posts_dir / item["path"]
            if not staged.exists():
                continue  # moved before the interruption
            if target.exists():
                if file_digest(target) != item["sha256"]:
                    clashes.append(item["path"])
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
        return clashes

    def take_back(self, posts_dir: Path) -> None:
        """Remove the files this import moved in, and the folders it created."""
        for item in self.files:
            staged, target = self.staged(item["path"]), posts_dir / item["path"]
            # Only a file this import put there: same bytes, no staged copy left.
            if not staged.exists() and file_digest(target) == item["sha256"]:
                target.unlink(missing_ok=True)
        for folder in sorted(self.folders, key=len, reverse=True):
            try:
                (posts_dir / folder).rmdir()
            except OSError:
                pass  # not empty: someone else put a file there meanwhile

    def discard(self) -> None:
        """Delete the staging folder."""
        shutil.rmtree(self.folder, ignore_errors=True)
