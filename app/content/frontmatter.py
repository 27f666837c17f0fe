"""Where a post file's front matter ends and its Markdown begins.

A file starts with a line ``---``, then YAML, then a line ``---`` (or
``...``); the rest is Markdown. Only the lines up to the closing fence are
looked at, so a long body costs nothing to split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"---[ \t]*")
_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")


@dataclass(frozen=True)
class Split:
    """A file's text cut in two: the front matter lines and the body."""

    opened: bool  # the file starts with the opening fence
    front: list[str]  # the YAML lines, without the fences
    body: str | None  # None when the front matter is not closed


def split(text: str) -> Split:
    """Cut ``text`` after its front matter, reading lines only up to its end."""
    first_end = _line_end(text, 0)
    if not _FENCE.fullmatch(text[:first_end].rstrip("\r\n")):
        return Split(False, [], None)
    front: list[str] = []
    start = first_end
    while start < len(text):
        end = _line_end(text, start)
        line = text[start:end]
        if _CLOSE.fullmatch(line.rstrip("\r\n")):
            return Split(True, front, text[end:])
        front.append(line)
        start = end
    return Split(True, front, None)


def _line_end(text: str, start: int) -> int:
    """Return where the line starting at ``start`` ends (after its newline)."""
    newline = text.find("\n", start)
    return len(text) if newline == -1 else newline + 1


def body_of(path: Path) -> str:
    """Return the Markdown body of a post file ('' when it has none any more)."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return split(text).body or ""
