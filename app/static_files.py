"""Static files under versioned URLs: ``carnet.css`` is linked as ``carnet.<hash>.css``.

The hash is the file's content: a deploy that changes a stylesheet changes
its URL, so browsers and proxies may keep each version for a year
(``immutable``). An old or unversioned URL still answers, briefly cached, so
that pages rendered before a deploy keep their look.

``flask --app wsgi collect-static DIR`` copies the files for nginx to serve
(README, deploy/nginx.conf): each under its versioned name and its plain
name. Versions copied by earlier deploys stay, for the pages that still link
them.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, send_from_directory
from werkzeug.security import safe_join

FOREVER = "public, max-age=31536000, immutable"
BRIEFLY = "public, max-age=300"
_VERSIONED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<ext>\.[\w]+)$")


@dataclass(frozen=True)
class Collected:
    """What ``collect`` did: files written, files already there, older versions."""

    copied: int
    present: int
    older: int


class StaticFiles:
    """The static folder, with each file's content hash, read again when it changes."""

    def __init__(self, folder: Path) -> None:
        """Serve the files under ``folder``."""
        self.folder = folder
        self._digests: dict[str, tuple[int, str]] = {}  # name -> (mtime_ns, digest)
        self._lock = threading.Lock()

    def digest(self, name: str) -> str | None:
        """Return the content hash of a static file, None when there is no such file."""
        path = safe_join(str(self.folder), name)
        try:
            mtime = Path(path).stat().st_mtime_ns if path else None
        except (OSError, ValueError):  # ValueError: a NUL in the name (/static/%00)
            return None
        if mtime is None:
            return None
        known = self._digests.get(name)
        if known is not None and known[0] == mtime:
            return known[1]
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
        with self._lock:
            self._digests[name] = (mtime, digest)
        return digest

    def versioned(self, name: str) -> str:
        """Return the versioned name of a file (the name itself if it is missing)."""
        digest = self.digest(name)
        if digest is None:
            return name
        stem, dot, ext = name.rpartition(".")
        return f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"

    def names(self) -> list[str]:
        """Return the plain name of every static file (hidden files left out)."""
        return sorted(
            path.relative_to(self.folder).as_posix()
            for path in self.folder.rglob("*")
            if path.is_file()
            and not any(p.startswith(".") for p in path.relative_to(self.folder).parts)
        )

    def collect(self, target: Path) -> Collected:
        """Copy every file into ``target`` under its versioned and plain names.

        Versioned copies already in ``target`` are left alone: pages rendered
        before this deploy may still link them. Each file appears whole or
        not at all (written aside, then renamed), as nginx may be serving it.
        """
        target = target.absolute()
        if target.resolve().is_relative_to(self.folder.resolve()):
            # Its copies would be collected again, under names of names.
            raise ValueError(f"{target} is inside {self.folder}")
        copied = present = 0
        current = set()
        for name in self.names():
            content = (self.folder / name).read_bytes()
            for copy in (self.versioned(name), name):
                current.add(copy)
                if _same_bytes(target / copy, content):
                    present += 1
                else:
                    _write_whole(target / copy, content)
                    copied += 1
        older = sum(
            1
            for path in target.rglob("*")
            if _VERSIONED.match(path.name)
            and path.relative_to(target).as_posix() not in current
        )
        return Collected(copied, present, older)

    def serve(self, filename: str) -> Response:
        """Send a static file; a current versioned URL may be kept for a year."""
        match = _VERSIONED.match(filename)
        name = filename
        if match:
            name = match["stem"] + match["ext"]
        if self.digest(name) is None:
            abort(404)
        response = send_from_directory(self.folder, name)
        current = match is not None and match["digest"] == self.digest(name)
        response.headers["Cache-Control"] = FOREVER if current else BRIEFLY
        return response


def _same_bytes(path: Path, content: bytes) -> bool:
    """Tell whether ``path`` exists and holds exactly ``content``."""
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def _write_whole(path: Path, content: bytes) -> None:
    """Write ``content`` beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".collect-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        # mkstemp makes it private; nginx's user must be able to read it.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def init_app(app: Flask, folder: Path) -> None:
    """Serve ``folder`` at /static/ and make ``url_for('static', …)`` versioned."""
    files = StaticFiles(folder)
    app.extensions["carnet_static"] = files
    app.add_url_rule(
        "/static/<path:filename>", endpoint="static", view_func=files.serve
    )

    @app.url_defaults
    def _version(endpoint: str, values: dict) -> None:
        """Put the file's hash in every static URL the app builds."""
        if endpoint == "static" and "filename" in values:
            values["filename"] = files.versioned(values["filename"])
