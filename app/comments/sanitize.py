"""Turn a reader's raw comment text into safe HTML: an allow-list, not a block-list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial

import bleach
from bleach.html5lib_shim import Filter
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup

from app.content.bounded import BoundedCache

# What Blogger allows under its form, and nothing more.
ALLOWED_TAGS = frozenset({"b", "i", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_SAFE_WEBSITE = re.compile(r"^https?://[^\s\"'<>\\]+$", re.IGNORECASE)


class _LineBreakFilter(Filter):
    """Emit a ``<br>`` for every line break in the text, outside tags."""

    def __iter__(self) -> Iterator[dict]:
        """Yield the tokens with text newlines split into ``<br>`` elements."""
        for token in super().__iter__():
            if token["type"] not in ("Characters", "SpaceCharacters"):
                yield token
                continue
            parts = token["data"].split("\n")
            for number, part in enumerate(parts):
                if number:
                    yield {"type": "EmptyTag", "name": "br", "data": {}}
                    yield {"type": "SpaceCharacters", "data": "\n"}
                if part:
                    yield {"type": token["type"], "data": part}


def _set_rel(attrs: dict, new: bool = False) -> dict:
    """Mark every link as user-generated, untrusted and without an opener."""
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    # Escaping rather than stripping keeps what the reader typed readable.
    strip=False,
    strip_comments=True,
    filters=[
        partial(LinkifyFilter, callbacks=[_set_rel], parse_email=False),
        _LineBreakFilter,
    ],
)


# The bodies sanitised last, by characters (the text and its HTML): all the
# comments of a post with thousands of them, in one worker's few megabytes.
_KEPT = BoundedCache(4 * 1024 * 1024)


def comment_html(raw: str) -> Markup:
    """Return the sanitised HTML of a comment body, line breaks kept.

    Kept for the bodies seen last: a post page shows the same comments to
    every reader, and bleach is the dearest part of rendering them (about
    half a millisecond each).
    """
    kept = _KEPT.get(raw)
    if kept is None:
        text = raw.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        kept = _cleaner.clean(text)
        _KEPT.put(raw, kept, key_chars=len(raw))
    return Markup(kept)


def safe_website(url: str | None) -> str | None:
    """Return ``url`` if it is a plain http(s) address, else None."""
    if url and _SAFE_WEBSITE.match(url.strip()):
        return url.strip()
    return None
