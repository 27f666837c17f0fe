"""Posts and problems as plain data (strings, numbers, tuples), and back.

How a catalogue crosses a process boundary (the parallel first read) or a
restart (the index kept on disk): no class is stored, so nothing but plain
data is ever unpickled.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from app.content.post import Post
from app.content.problems import PostError

POST_FIELDS = (
    "title",
    "date",
    "slug",
    "labels",
    "author",
    "draft",
    "summary",
    "aliases",
    "is_page",
    "blogger_id",
    "has_more",
    "updated",
    "lang",
    "location",
    "mtime_ns",
    "size",
)
_DATES = frozenset({"date", "updated"})

Plain = tuple[str, tuple]  # ("post", fields) or ("error", (line, reason, args))


def to_plain(value: Post | PostError) -> Plain:
    """Return a post or a problem as plain data (its path is kept apart)."""
    if isinstance(value, Post):
        return "post", tuple(
            _timestamp(getattr(value, name)) if name in _DATES else getattr(value, name)
            for name in POST_FIELDS
        )
    args = {key: str(arg) for key, arg in value.args.items()}
    return "error", (value.line, value.reason, args)


def from_plain(
    path: str, plain: Plain, tz: tzinfo, posts_dir: Path
) -> Post | PostError:
    """Rebuild the post or problem of the file at ``path`` from plain data."""
    kind, data = plain
    if kind == "error":
        line, reason, args = data
        return PostError(Path(path), line, reason, dict(args), root=posts_dir.parent)
    values: dict[str, Any] = dict(zip(POST_FIELDS, data, strict=True))
    for name in _DATES:
        if values[name] is not None:
            values[name] = datetime.fromtimestamp(values[name], tz)
    return Post(source=Path(path), posts_dir=posts_dir, **values)


def _timestamp(moment: datetime | None) -> float | None:
    """Return a date as a POSIX timestamp (rebuilt in the site timezone)."""
    return None if moment is None else moment.timestamp()
