"""Decide what an import will write: one file per post or page, one row per comment.

Planning touches nothing: it reads the export, the posts folder (for
``blogger_id`` already imported) and the comment ids already stored, and
returns a :class:`Plan` that :mod:`app.importers.writer` applies at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from bs4 import BeautifulSoup
from flask_babel import gettext as _

from app.content.post import post_url
from app.content.problems import PostReadError
from app.content.reader import read_post
from app.content.slugs import SLUG, slugify
from app.importers.blogger import SKIPPED_STATUSES, Entry, Export
from app.importers.convert import html_to_comment_text, html_to_markdown
from app.importers.report import ImportReport

UNTITLED = "Sans titre"


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


@dataclass
class Plan:
    """Everything one import run will add, and its report."""

    files: list[PlannedFile] = field(default_factory=list)
    comments: list[PlannedComment] = field(default_factory=list)
    report: ImportReport = field(default_factory=ImportReport)


def id_key(blogger_id: str) -> str:
    """Return the number ending a Blogger id, so full tags and bare numbers match."""
    match = re.search(r"(\d+)\s*$", blogger_id or "")
    return match.group(1) if match else (blogger_id or "").strip()


def existing_posts(posts_dir: Path, tz: tzinfo) -> tuple[dict[str, str], set[str]]:
    """Return the Blogger ids already in ``posts_dir`` (id_key → URL) and every URL.

    Files are read by the site's own reader, so an import predicts exactly the
    addresses the site will serve; a file the site cannot read claims none.
    """
    found, urls = {}, set()
    for path in posts_dir.rglob("*.md"):
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


def _is_author(entry: Entry, authors: set[str]) -> bool:
    """Tell whether the blog's author wrote a comment (same profile or name)."""
    if entry.anonymous:
        return False
    return bool({entry.author_uri, entry.author} & authors - {""})


def _website(uri: str) -> str | None:
    """Return the commenter's own site: not a blogger.com profile, http(s) only."""
    parts = urlsplit(uri.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if parts.netloc.endswith("blogger.com") and parts.path.startswith("/profile"):
        return None
    return uri.strip()[:500]


class Planner:
    """Build the plan of one import run against the posts folder and the database."""

    def __init__(self, export: Export, posts_dir: Path, tz: tzinfo, stored: set[str]):
        """Remember the export, where posts go, and the comment ids already stored."""
        self.export = export
        self.posts_dir = posts_dir
        self.tz = tz
        self.stored = stored  # id_key of comments already in the database
        # id_key → URL of files already there, and every URL already answered.
        self.known, self.taken_urls = existing_posts(posts_dir, tz)
        self.plan = Plan()
        self.plan.report.warnings.extend(export.warnings)
        self.urls: dict[str, str] = dict(self.known)  # id_key → URL, for comments
        self.taken: set[Path] = set()
        self.authors = {export.blog_author, export.blog_author_uri}

    def build(self, progress: Callable[[Iterable[Entry]], Iterable[Entry]]) -> Plan:
        """Plan every entry: posts and pages first, so comments find their post."""
        entries = self.export.entries
        for entry in entries:
            if entry.kind == "post" and not entry.anonymous:
                self.authors |= {entry.author, entry.author_uri}
        comments = []
        for entry in progress(entries):
            if entry.kind in ("post", "page"):
                self._plan_post(entry)
            elif entry.kind == "comment":
                comments.append(entry)
            elif entry.kind in ("settings", "template"):
                self.plan.report.ignored += 1
            else:
                self.plan.report.skip(
                    _("type inconnu"), f"{entry.kind} ({entry.blogger_id})"
                )
        for entry in comments:
            self._plan_comment(entry)
        return self.plan

    def _plan_post(self, entry: Entry) -> None:
        """Plan the file of one post or page, unless it exists or must be skipped."""
        report = self.plan.report
        key = id_key(entry.blogger_id)
        if entry.status in SKIPPED_STATUSES:
            spam = SKIPPED_STATUSES[entry.status] == "spam"
            report.skip(_("article spam") if spam else _("article supprimé"))
            return
        if key in self.known:
            report.existing += 1
            return
        date = entry.published or entry.updated
        if date is None or not key:
            report.skip(_("sans date ni identifiant"), entry.title or entry.blogger_id)
            return
        date = date.astimezone(self.tz)
        is_page = entry.kind == "page"
        title = entry.title or title_from_text(entry.html)
        slug, from_url = slugify(title), False
        if entry.path and (entry.path.startswith("/p/") == is_page):
            original = entry.path.rsplit("/", 1)[-1].removesuffix(".html")
            # A slug the engine would refuse gets a clean one; the alias keeps the URL.
            if SLUG.match(original):
                slug, from_url = original, True
            else:
                slug = slugify(original)
        folder = Path("pages") if is_page else Path(f"{date:%Y}", f"{date:%m}")
        relpath = self._free_name(folder, slug, unique=not from_url)
        if relpath is None:
            report.skip(
                _("fichier déjà présent"), f"{folder / slug}.md ({entry.blogger_id})"
            )
            return
        slug = relpath.stem
        url = post_url(date, slug, is_page)
        if url in self.taken_urls:
            report.skip(_("adresse déjà prise"), f"{url} ({entry.blogger_id})")
            return
        # Back-dated posts: Blogger kept the first URL; the engine uses the date.
        aliases = (
            [entry.path] if entry.path and entry.path != url and not is_page else []
        )
        meta = {
            "title": title,
            "date": f"{date:%Y-%m-%d %H:%M}",
            "labels": list(entry.labels),
            "slug": slug,
            "author": None if entry.anonymous else entry.author,
            "draft": entry.draft,
            "aliases": aliases,
            "blogger_id": entry.blogger_id,
        }
        body = html_to_markdown(entry.html)
        self.plan.files.append(PlannedFile(relpath, front_matter(meta) + body, url))
        self.taken.add(relpath)
        self.taken_urls.update([url, *aliases])
        self.urls[key] = url
        report.drafts += entry.draft
        if is_page:
            report.pages += 1
        else:
            report.posts += 1

    def _free_name(self, folder: Path, slug: str, unique: bool) -> Path | None:
        """Return a file name not used yet; suffix it when ``unique``, else None."""
        for number in range(1, 100):
            name = slug if number == 1 else f"{slug}-{number}"
            relpath = folder / f"{name}.md"
            if relpath not in self.taken and not (self.posts_dir / relpath).exists():
                return relpath
            if not unique:
                return None
        return None

    def _plan_comment(self, entry: Entry) -> None:
        """Plan one comment row unless stored already, spam, trashed or orphan."""
        report = self.plan.report
        key = id_key(entry.blogger_id)
        if key in self.stored:
            report.existing += 1
            return
        if entry.status in SKIPPED_STATUSES:
            spam = SKIPPED_STATUSES[entry.status] == "spam"
            report.skip(_("commentaire spam") if spam else _("commentaire supprimé"))
            return
        url = self.urls.get(id_key(entry.post_id or ""))
        if not url:
            report.skip(_("commentaire sur un article non importé"))
            return
        if entry.published is None:
            report.skip(_("commentaire sans date"))
            return
        author = "Anonyme" if entry.anonymous and not entry.author else entry.author
        if author == "Anonymous":
            author = "Anonyme"
        self.plan.comments.append(
            PlannedComment(
                blogger_id=entry.blogger_id[:200],
                post_url=url,
                author=(author or "Anonyme")[:100],
                website=_website(entry.author_uri),
                body=html_to_comment_text(entry.html),
                created=entry.published.astimezone(UTC),
                is_author=_is_author(entry, self.authors),
                parent=id_key(entry.parent_id) if entry.parent_id else None,
            )
        )
        report.comments += 1
