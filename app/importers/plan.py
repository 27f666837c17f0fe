"""Decide what an import will write: one file per post or page, one row per comment.

Planning touches nothing: it reads the export, the posts folder (for the
Blogger ids already imported) and the comment ids already stored, and
returns a :class:`Plan` that :mod:`app.importers.writer` applies at once.
Posts are named and read through :mod:`app.content` (``post_url``, ``SLUG``,
``parse_post``): each planned file is read back as the site will read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from flask_babel import gettext as _

from app.content.post import post_url
from app.content.problems import PostReadError
from app.content.reader import parse_post
from app.content.slugs import SLUG, slugify
from app.importers.addresses import OwnAddresses
from app.importers.blogger import Entry, Export, old_slug
from app.importers.comment_rows import CommentPlanner
from app.importers.files import (
    Plan,
    PlannedFile,
    existing_posts,
    front_matter,
    id_key,
    title_from_text,
)
from app.importers.report import KeptHtml
from app.importers.roundtrip import convert_post

# Dates the site writes and reads as four-digit years; others are refused.
FIRST_YEAR, LAST_YEAR = 1900, 2100
_POST_STATUSES = ("LIVE", "DRAFT", "SCHEDULED", "IMPORTED", "PUBLISHED")


@dataclass(frozen=True)
class Site:
    """What the planner needs of the site's settings."""

    tz: tzinfo
    language: str = "fr"
    max_post_bytes: int = 2_000_000


class Planner:
    """Build the plan of one import run against the posts folder and the database."""

    def __init__(self, export: Export, posts_dir: Path, site: Site, stored: set[str]):
        """Remember the export, where posts go, and the comment ids already stored."""
        self.export = export
        self.posts_dir = posts_dir
        self.site = site
        # id_key → URL of files already there, and every URL already answered.
        self.known, self.taken_urls = existing_posts(posts_dir, site.tz)
        self.plan = Plan()
        self.plan.report.warnings.extend(export.warnings)
        self.urls: dict[str, str] = dict(self.known)  # id_key → URL, for comments
        self.taken: set[Path] = set()
        self.seen: set[str] = set()
        language = export.blog.language
        # Posts say their language when it is not the site's (typography, <html>).
        self.lang = language if language and not _same(language, site.language) else ""
        old_paths = {e.path for e in export.entries if e.path}
        self.own = OwnAddresses(export.blog, old_paths)
        self.comments = CommentPlanner(export, self.plan, stored, self.urls)

    def build(self, progress: Callable[[Iterable[Entry]], Iterable[Entry]]) -> Plan:
        """Plan every entry: posts and pages first, so comments find their post.

        Takeout sorts entries by id, so a comment may come before its post:
        comments wait for the second pass.
        """
        comments = []
        for entry in progress(self.export.entries):
            if entry.kind in ("post", "page"):
                if self._first(entry):
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
            if self._first(entry):
                self.comments.add(entry)
        for name, count in sorted(self.export.unknown.items()):
            self.plan.report.warnings.append(
                _(
                    "élément inconnu <%(name)s> (%(n)d entrée(s)), ignoré",
                    name=name,
                    n=count,
                )
            )
        return self.plan

    def _first(self, entry: Entry) -> bool:
        """Tell whether an entry's id is seen for the first time in this export."""
        key = id_key(entry.blogger_id)
        if key and key in self.seen:
            self.plan.report.skip(_("entrée en double"), entry.blogger_id)
            return False
        self.seen.add(key)
        return True

    def _plan_post(self, entry: Entry) -> None:
        """Plan the file of one post or page, unless it exists or must be skipped."""
        report = self.plan.report
        key = id_key(entry.blogger_id)
        status = entry.status.upper()
        if "SPAM" in status:
            report.skip(_("article spam"))
            return
        if "TRASH" in status or status in ("DELETED", "REMOVED"):
            report.skip(_("article supprimé"))
            return
        if key in self.known:
            report.existing += 1
            return
        date = entry.published or entry.updated
        if date is None or not key:
            report.skip(_("sans date ni identifiant"), entry.title or entry.blogger_id)
            return
        date = date.astimezone(self.site.tz)
        if not FIRST_YEAR <= date.year <= LAST_YEAR:
            report.skip(
                _("date hors de 1900–2100"),
                f"{entry.title or entry.blogger_id} ({date.year})",
            )
            return
        draft = entry.draft
        if status not in _POST_STATUSES:
            draft = True  # unknown: kept, but nobody sees it before the author
            report.warnings.append(
                _(
                    "statut inconnu %(status)s : %(what)s importé comme brouillon",
                    status=status,
                    what=entry.blogger_id,
                )
            )
        self._write(entry, date, draft)

    def _write(self, entry: Entry, date, draft: bool) -> None:
        """Plan the file of a post or page that passed every check."""
        report = self.plan.report
        is_page = entry.kind == "page"
        title = entry.title or title_from_text(entry.html)
        slug, from_url = slugify(title), False
        found = old_slug(entry.path) if entry.path else None
        if found and found[1] == is_page:
            if SLUG.match(found[0]):
                slug, from_url = found[0], True
            elif found[0].strip("."):
                # A slug the engine refuses (".hidden", spaces…) gets a clean
                # one; the alias keeps the old URL answering.
                slug = slugify(found[0])
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
        aliases = [entry.path] if entry.path and entry.path != url else []
        conversion = convert_post(
            entry.html, self.own.relink, self.lang or self.site.language
        )
        meta = {
            "title": title,
            "date": f"{date:%Y-%m-%d %H:%M}",
            "labels": list(entry.labels),
            "slug": slug,
            "author": None if entry.anonymous else entry.author,
            "draft": draft,
            "summary": entry.summary,
            "location": entry.location,
            "lang": self.lang,
            "aliases": aliases,
            "blogger_id": entry.blogger_id,
        }
        text = front_matter(meta) + conversion.markdown
        if not self._readable(text, relpath, url, entry):
            return
        self.plan.files.append(PlannedFile(relpath, text, url))
        self.taken.add(relpath)
        self.taken_urls.update([url, *aliases])
        self.urls[id_key(entry.blogger_id)] = url
        if conversion.kept_blocks or conversion.whole:
            report.kept_html.append(
                KeptHtml(
                    str(relpath),
                    conversion.whole,
                    conversion.kept_blocks,
                    conversion.differences,
                )
            )
        for field in entry.not_kept:
            report.warnings.append(
                _("non importé : %(field)s (%(what)s)", field=field, what=relpath)
            )
        report.drafts += draft
        if is_page:
            report.pages += 1
        else:
            report.posts += 1

    def _readable(self, text: str, relpath: Path, url: str, entry: Entry) -> bool:
        """Tell whether the site will read the planned file, and at its URL."""
        raw = text.encode("utf-8")
        if len(raw) > self.site.max_post_bytes:
            self.plan.report.skip(
                _("article trop gros"),
                _(
                    "%(what)s : %(size)d octets, plus que max_post_bytes (%(max)d)",
                    what=relpath,
                    size=len(raw),
                    max=self.site.max_post_bytes,
                ),
            )
            return False
        try:
            post = parse_post(
                raw,
                self.posts_dir / relpath,
                self.posts_dir,
                self.site.tz,
                self.site.language,
            )
        except PostReadError as error:
            self.plan.report.skip(_("illisible pour le site"), str(error.error))
            return False
        if post.url != url:  # pragma: no cover - the rule is the same function
            self.plan.report.skip(_("illisible pour le site"), entry.blogger_id)
            return False
        return True

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


def _same(one: str, other: str) -> bool:
    """Tell whether two language codes ("es", "es-419", "pt_BR") name one language."""

    def primary(code: str) -> str:
        """Return the language part of a code."""
        return code.replace("_", "-").split("-")[0].lower()

    return primary(one) == primary(other)
