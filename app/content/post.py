"""Post: one article (or static page) read from posts/, as an immutable value."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from app.content.frontmatter import body_of
from app.content.markdown import DEFAULT_LANGUAGE
from app.content.pictures import MediaContext

_TAGS = re.compile(r"<[^>]*>")
# Link targets are addresses, not words a reader would search for.
_LINK_TARGETS = re.compile(r"\]\([^)]*\)")


def post_url(date: datetime, slug: str, is_page: bool = False) -> str:
    """Return the URL path of a post (``/2011/10/slug.html``) or page (``/p/…``).

    The one place the rule is spelled: a post's URL is its identity, which its
    comments hang on and the importer must predict.
    """
    if is_page:
        return f"/p/{slug}.html"
    return f"/{date.year:04d}/{date.month:02d}/{slug}.html"  # not strftime: 10× faster


def _post_id(url: str) -> str:
    """Return a stable, Blogger-like 18-digit identifier derived from the URL."""
    digest = hashlib.sha256(url.encode("utf-8")).digest()
    return str(10**17 + int.from_bytes(digest[:8], "big") % (9 * 10**17))


@dataclass(frozen=True, slots=True)
class Post:
    """An article (or a page under posts/pages/) and its front matter.

    Slotted: a blog of 10,000 posts keeps 10,000 of these in every worker.
    """

    source: Path
    title: str
    date: datetime  # aware, in the site timezone
    slug: str
    labels: tuple[str, ...] = ()
    author: str | None = None
    draft: bool = False
    summary: str | None = None
    aliases: tuple[str, ...] = ()
    is_page: bool = False
    blogger_id: str | None = None
    # The Markdown text when the post was not read from its file (tools,
    # tests); the index keeps None and reads the file again to render it.
    body: str | None = field(default=None, repr=False, compare=False)
    has_more: bool = False  # a <!--more--> jump break splits the text
    updated: datetime | None = None
    # The text's language code: French typography only for French posts.
    lang: str = DEFAULT_LANGUAGE
    location: str | None = None  # where it was written (Blogger's "location")
    # The file version this value was read from (the index's change check).
    mtime_ns: int = field(default=0, repr=False, compare=False)
    size: int = field(default=0, repr=False, compare=False)
    # The posts folder: images beside the post resolve against it (/media/…).
    posts_dir: Path | None = field(default=None, repr=False, compare=False)
    # Derived once, when the post is made (see __post_init__).
    url: str = field(init=False, repr=False, compare=False)
    post_id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Derive the post's address and its Blogger-like id."""
        url = post_url(self.date, self.slug, self.is_page)
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "post_id", _post_id(url))

    @property
    def urls(self) -> tuple[str, ...]:
        """Return every URL path of the post: canonical first, then aliases."""
        return (self.url, *self.aliases)

    @property
    def year(self) -> int:
        """Return the year of publication (site timezone)."""
        return self.date.year

    @property
    def month(self) -> int:
        """Return the month of publication (site timezone)."""
        return self.date.month

    def markdown(self) -> str:
        """Return the post's Markdown text (read from its file when not kept)."""
        return self.body if self.body is not None else body_of(self.source)

    def media(self) -> MediaContext | None:
        """Return a fresh rendering context locating the post's media, if known."""
        if self.posts_dir is None:
            return None
        return MediaContext(self.source, self.posts_dir)


def plain_text(markdown_text: str) -> str:
    """Return Markdown text roughly stripped of HTML tags and link targets."""
    return _TAGS.sub(" ", _LINK_TARGETS.sub("] ", markdown_text))
