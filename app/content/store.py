"""The catalogue kept on disk, so that a restart reads only the files that changed.

One file (under ``instance/``): a header line saying what it is and for which
posts folder and settings, a checksum, and the catalogue as plain data
(strings, numbers, tuples, bytes) pickled with a loader that refuses any
class. A missing, damaged, older-format or foreign file is ignored, and
rebuilt from the posts; deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from app.content.catalogue import Catalogue
from app.content.fields import FIELDS
from app.content.plain import from_plain, to_plain
from app.content.search import postings_from_bytes

log = logging.getLogger("carnet.content")

MAGIC = b"carnet-post-index"
# Bump when what is stored, or how a file is read, changes meaning.
FORMAT = 1


class _PlainData(pickle.Unpickler):
    """Unpickle strings, numbers, tuples, lists, dicts and bytes: no class at all."""

    def find_class(self, module: str, name: str) -> Any:
        """Refuse every class: a stored catalogue holds none."""
        raise pickle.UnpicklingError(f"refused {module}.{name}")


def header(catalogue: Catalogue) -> dict[str, Any]:
    """Return what a stored catalogue must match to be used for ``catalogue``."""
    return {
        "format": FORMAT,
        "fields": list(FIELDS),
        "posts_dir": str(catalogue.posts_dir),
        "timezone": str(catalogue.tz),
        "language": catalogue.language,
        "max_bytes": catalogue.max_bytes,
    }


def save(path: Path, catalogue: Catalogue) -> None:
    """Write the catalogue to ``path`` at once (a reader sees old or new, whole)."""
    payload = pickle.dumps(_dump(catalogue), protocol=pickle.HIGHEST_PROTOCOL)
    head = json.dumps(header(catalogue), sort_keys=True).encode()
    digest = hashlib.sha256(head + payload).hexdigest().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".post-index-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as output:
            output.write(b"\n".join((MAGIC, head, digest, payload)))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path, catalogue: Catalogue) -> bool:
    """Fill ``catalogue`` from ``path`` if that file is sound and meant for it."""
    try:
        raw = path.read_bytes()
    except OSError:
        return False
    parts = raw.split(b"\n", 3)
    if len(parts) != 4 or parts[0] != MAGIC:
        return _refuse(path, "not a Carnet post index")
    _, head, digest, payload = parts
    expected = json.dumps(header(catalogue), sort_keys=True).encode()
    if head != expected:
        return _refuse(path, "made for another folder, setting or version")
    if hashlib.sha256(head + payload).hexdigest().encode() != digest:
        return _refuse(path, "damaged (checksum)")
    try:
        data = _PlainData(io.BytesIO(payload)).load()
        _restore(catalogue, data)
    except Exception as error:  # noqa: BLE001 - any doubt: rebuild from the posts
        catalogue.entries.clear()
        catalogue.numbers.clear()
        catalogue.postings = {}
        return _refuse(path, f"unreadable ({type(error).__name__})")
    return True


def _refuse(path: Path, why: str) -> bool:
    """Log why a stored catalogue is not used; it will be rebuilt."""
    log.info("post index %s ignored: %s; reading every post", path, why)
    return False


def _dump(catalogue: Catalogue) -> dict[str, Any]:
    """Return the catalogue as plain data."""
    return {
        "entries": [
            (path, mtime_ns, size, to_plain(value))
            for path, ((mtime_ns, size), value) in catalogue.entries.items()
        ],
        "numbers": catalogue.numbers,
        "next_number": catalogue.next_number,
        "dead": catalogue.dead,
        "postings": {word: n.tobytes() for word, n in catalogue.postings.items()},
    }


def _restore(catalogue: Catalogue, data: dict[str, Any]) -> None:
    """Fill the catalogue from plain data."""
    tz, posts_dir = catalogue.tz, catalogue.posts_dir
    catalogue.entries = {
        path: ((mtime_ns, size), from_plain(path, plain, tz, posts_dir))
        for path, mtime_ns, size, plain in data["entries"]
    }
    catalogue.numbers = dict(data["numbers"])
    catalogue.next_number = int(data["next_number"])
    catalogue.dead = int(data["dead"])
    catalogue.postings = {
        word: postings_from_bytes(raw) for word, raw in data["postings"].items()
    }
