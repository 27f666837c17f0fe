"""What an import did: counts, what was kept as HTML and why, skipped items, images."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _


@dataclass(frozen=True)
class KeptHtml:
    """A post whose Markdown would have changed what readers see: HTML kept."""

    where: str  # the file, relative to the posts folder
    whole: bool  # the whole post, or only some blocks
    blocks: int
    aspects: tuple[str, ...]  # what differed (roundtrip.ASPECTS)


@dataclass
class ImageReport:
    """What ``--download-images`` did."""

    fetched: int = 0
    present: int = 0  # already downloaded by an earlier run
    posts: int = 0  # posts rewritten to point at the local copies
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, why)
    interrupted: bool = False


@dataclass
class ImportReport:
    """Counts and reasons gathered while planning and applying an import."""

    posts: int = 0
    pages: int = 0
    drafts: int = 0
    comments: int = 0
    deleted_comments: int = 0  # removed on Blogger: kept as deleted
    pending_comments: int = 0
    existing: int = 0  # posts, pages and comments already imported by an earlier run
    ignored: int = 0  # settings and template entries, expected in every backup
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    kept_html: list[KeptHtml] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the export's files read
    language: str = ""  # the blog's language, from its settings
    suggestions: list[str] = field(default_factory=list)  # blog.toml lines
    recovered: list[str] = field(default_factory=list)  # earlier runs finished/undone
    images: ImageReport | None = None

    @property
    def imported(self) -> int:
        """Return how many posts, pages and comments this run adds."""
        comments = self.comments + self.deleted_comments + self.pending_comments
        return self.posts + self.pages + comments

    def skip(self, reason: str, what: str | None = None) -> None:
        """Count a skipped entry under ``reason``; name it in a warning if given."""
        self.skipped[reason] += 1
        if what:
            self.warnings.append(_("%(reason)s : %(what)s", reason=reason, what=what))

    def lines(self) -> list[str]:
        """Return the report as lines for the terminal."""
        lines = list(self.recovered)
        if self.sources:
            lines.append(_("Lu : %(files)s.", files=", ".join(self.sources)))
        if self.language:
            lines.append(_("Langue du blog : %(lang)s.", lang=self.language))
        lines.append(
            _(
                "Importés : %(posts)d article(s) et %(pages)d page(s), dont "
                "%(drafts)d brouillon(s) ; %(comments)d commentaire(s).",
                posts=self.posts,
                drafts=self.drafts,
                pages=self.pages,
                comments=self.comments,
            )
        )
        if self.deleted_comments:
            lines.append(
                _(
                    "Commentaires supprimés sur Blogger, gardés comme tels "
                    "(invisibles, sauf pour situer leurs réponses) : %(n)d.",
                    n=self.deleted_comments,
                )
            )
        if self.pending_comments:
            lines.append(_("Commentaires à modérer : %(n)d.", n=self.pending_comments))
        if self.existing:
            lines.append(_("Déjà présents (inchangés) : %(n)d.", n=self.existing))
        if self.ignored:
            lines.append(
                _("Ignorés (réglages, modèle du blog) : %(n)d.", n=self.ignored)
            )
        for reason, count in sorted(self.skipped.items()):
            lines.append(_("Écartés (%(reason)s) : %(n)d.", reason=reason, n=count))
        lines.extend(self._kept_lines())
        if self.images is not None:
            lines.extend(image_lines(self.images))
        if self.suggestions:
            lines.append(_("Pour blog.toml, d'après les réglages du blog :"))
            lines.extend(f"  {line}" for line in self.suggestions)
        lines.extend(_("Avertissement : %(w)s", w=w) for w in self.warnings)
        return lines

    def _kept_lines(self) -> list[str]:
        """Say which posts stayed HTML (wholly or in part) and what differed."""
        if not self.kept_html:
            return []
        lines = [
            _(
                "%(n)d article(s) gardé(s) en HTML, en entier ou en partie "
                "(en Markdown, le lecteur aurait vu autre chose) :",
                n=len(self.kept_html),
            )
        ]
        names = aspect_names()
        for kept in self.kept_html:
            what = ", ".join(names.get(a, a) for a in kept.aspects)
            if kept.whole:
                lines.append(
                    _("  %(file)s : en entier (%(what)s)", file=kept.where, what=what)
                )
            else:
                lines.append(
                    _(
                        "  %(file)s : %(n)d bloc(s) (%(what)s)",
                        file=kept.where,
                        n=kept.blocks,
                        what=what,
                    )
                )
        return lines


def aspect_names() -> dict[str, str]:
    """Name what the round-trip check compares, in the site's language."""
    return {
        "text": _("texte"),
        "lines": _("sauts de ligne"),
        "links": _("liens"),
        "images": _("images"),
        "anchors": _("ancres"),
        "items": _("listes"),
        "cells": _("tableaux"),
        "code": _("code"),
    }


def image_lines(images: ImageReport) -> list[str]:
    """Say what the image download did, and what it could not fetch."""
    lines = [
        _(
            "Images : %(fetched)d téléchargée(s), %(present)d déjà là, "
            "%(failed)d impossible(s) à récupérer ; %(posts)d article(s) réécrit(s).",
            fetched=images.fetched,
            present=images.present,
            failed=len(images.failed),
            posts=images.posts,
        )
    ]
    lines.extend(
        _("  pas récupérée : %(url)s (%(why)s)", url=url, why=why)
        for url, why in images.failed
    )
    if images.interrupted:
        lines.append(
            _("Téléchargement interrompu : relancez la commande pour le reprendre.")
        )
    return lines
