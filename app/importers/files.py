"""The plan's values and the posts folder as an import sees it.

A :class:`Plan` lists the files and comment rows one run adds; Blogger ids
are compared whole (:func:`id_key`); files already imported are found by
the site's own reader, so an import predicts exactly what the site serves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from app.comments.models import CommentStatus
from app.content.problems import PostReadError
from app.content.reader import read_post
from app.importers.report import ImportReport

UNTITLED = "Sans titre"
# tag:blogger.com,1999:blog-<blog>.post-<entry> (or .page-, .comment-).
_BLOGGER_ID = re.compile(r"blog-(\d+)\.(?:post|page|comment)-(\d+)\s*$")


@dataclass
class PlannedFile:
    """A post or page to write, relative to the posts folder."""

    relpath: Path
    text: str
    url: str


@dataclass
class PlannedComment:
    """A comment row to insert; ``parent`` is a Blogger id resolved when inserting."""

    blogger_id: str
    post_url: str
    author: str
    website: str | None
    body: str
    created: datetime
    is_author: bool
    parent: str | None = None
    status: CommentStatus = CommentStatus.APPROVED


@dataclass
class Plan:
    """Everything one import run will add, and its report."""

    files: list[PlannedFile] = field(default_factory=list)
    comments: list[PlannedComment] = field(default_factory=list)
    report: ImportReport = field(default_factory=ImportReport)


def id_key(blogger_id: str) -> str:
    """Return a Blogger id as compared: the blog's id and the entry's, together.

    ``tag:blogger.com,1999:blog-42.post-7`` and ``….page-7`` are ``42.7``;
    another blog's entry 7 is not the same entry.
    """
    text = (blogger_id or "").strip()
    match = _BLOGGER_ID.search(text)
    return f"{match.group(1)}.{match.group(2)}" if match else text


def existing_posts(posts_dir: Path, tz: tzinfo) -> tuple[dict[str, str], set[str]]:
    """Return the Blogger ids already in ``posts_dir`` (id_key → URL) and every URL.

    Files are read by the site's own reader, so an import predicts exactly the
    addresses the site will serve; a file the site cannot read claims none,
    and hidden folders (an import's staging folder) are skipped as the site
    skips them.
    """
    found, urls = {}, set()
    for path in posts_dir.rglob("*.md"):
        relative = path.relative_to(posts_dir).parts
        if any(part.startswith((".", "#")) or part.endswith("~") for part in relative):
            continue
        try:
            post = read_post(path, posts_dir, tz)
        except (PostReadError, OSError):
            continue
        urls.update(post.urls)
        if post.blogger_id:
            found[id_key(post.blogger_id)] = post.url
    return found, urls


def title_from_text(html: str) -> str:
    """Make a title from the start of an untitled post's text, as Blogger lists do."""
    words = BeautifulSoup(html or "", "html.parser").get_text(" ").split()
    title = ""
    for word in words:
        if len(title) + len(word) > 60:
            return title + "…"
        title = f"{title} {word}".strip()
    return title or UNTITLED


def _yaml(value: object) -> str:
    """Return ``value`` as one line of YAML."""
    text = yaml.safe_dump(
        value, allow_unicode=True, default_flow_style=True, width=10**6
    )
    return text.removesuffix("\n...\n").strip()


def front_matter(meta: dict) -> str:
    """Render front matter in the order authors read it, skipping empty keys."""
    lines = ["---"]
    for key, value in meta.items():
        if value in (None, "", [], ()):
            continue
        # The date stays unquoted local time, as the spec's example shows.
        lines.append(f"{key}: {value if key == 'date' else _yaml(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"
