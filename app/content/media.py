"""Media beside the posts: which files of posts/ are served, and at what address.

A file under the posts folder whose extension is on the allow-list (images,
audio, video, PDF) is served at ``/media/<its path relative to posts/>``;
never a post's Markdown, a hidden file or folder, nor anything a symlink
puts outside the posts folder. A post names its media relative to its own
file (``![Le lac](lac.jpg)``); :func:`local_reference` turns that into the
path under posts/.
"""

from __future__ import annotations

import hashlib
import posixpath
import threading
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

MEDIA_PREFIX = "/media/"

# The allow-list: extension → Content-Type. Spelled here rather than asked of
# the system's mimetypes, whose answers differ from one machine to the next.
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
    ".mov": "video/quicktime",
    ".pdf": "application/pdf",
}
SVG_TYPE = "image/svg+xml"

_digests: dict[Path, tuple[tuple[int, int], str]] = {}
_digests_lock = threading.Lock()


def media_type(name: str) -> str | None:
    """Return the Content-Type of an allowed media file name, None if not allowed."""
    suffix = posixpath.splitext(name)[1].lower()
    return MEDIA_TYPES.get(suffix)


def is_image(name: str) -> bool:
    """Tell whether a file name is an allowed image."""
    return (media_type(name) or "").startswith("image/")


def _hidden(parts: tuple[str, ...] | list[str]) -> bool:
    """Tell whether a path's parts name a dot-file, a dot-folder or go up."""
    return any(part in ("", ".", "..") or part.startswith(".") for part in parts)


def media_file(posts_dir: Path, relative: str) -> Path | None:
    """Return the real file ``/media/<relative>`` names, or None when not served.

    Refused: other extensions, hidden files and folders, ``..``, and symlinks
    whose target lies outside the posts folder or is not an allowed file.
    """
    if not relative or "\\" in relative or "\x00" in relative:
        return None
    parts = relative.split("/")
    if _hidden(parts) or media_type(parts[-1]) is None:
        return None
    root = posts_dir.resolve()
    try:
        real = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None
    if not real.is_relative_to(root):
        return None
    inside = real.relative_to(root).parts
    if _hidden(inside) or media_type(real.name) is None or not real.is_file():
        return None
    return real


def media_url(relative: str) -> str:
    """Return the address of a file given by its path under posts/."""
    return MEDIA_PREFIX + quote(relative)


def local_reference(address: str, source: Path, posts_dir: Path) -> str | None:
    """Return the path under posts/ that ``address`` in ``source`` names, if local.

    ``lac.jpg`` in ``posts/2026/05/tour.md`` is ``2026/05/lac.jpg``; an
    address already under ``/media/`` names its own path. Addresses on other
    sites, other pages of the blog, or outside posts/ give None.
    """
    parts = urlsplit(address)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith(MEDIA_PREFIX):
        joined = posixpath.normpath(path[len(MEDIA_PREFIX) :])
    elif path.startswith("/"):
        return None
    else:
        try:
            folder = source.parent.relative_to(posts_dir).as_posix()
        except ValueError:
            return None
        joined = posixpath.normpath(posixpath.join(folder, path))
    if joined in (".", "..") or joined.startswith(("../", "/")):
        return None
    return joined


def local_address(address: str, relative: str) -> str:
    """Return the ``/media/`` address of ``relative``, keeping the query and anchor."""
    parts = urlsplit(address)
    tail = (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment else ""
    )
    return media_url(relative) + tail


def file_digest(path: Path) -> str:
    """Return a hash of a file's content, read again only when the file changes."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    known = _digests.get(path)
    if known is not None and known[0] == key:
        return known[1]
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    digest = hasher.hexdigest()[:32]
    with _digests_lock:
        _digests[path] = (key, digest)
    return digest
