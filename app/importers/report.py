"""What an import did: counts, skipped items and why, warnings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _


@dataclass
class ImportReport:
    """Counts and reasons gathered while planning and applying an import."""

    posts: int = 0
    pages: int = 0
    drafts: int = 0
    comments: int = 0
    existing: int = 0  # posts, pages and comments already imported by an earlier run
    ignored: int = 0  # settings and template entries, expected in every backup
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        """Return how many posts, pages and comments this run adds."""
        return self.posts + self.pages + self.comments

    def skip(self, reason: str, what: str | None = None) -> None:
        """Count a skipped entry under ``reason``; name it in a warning if given."""
        self.skipped[reason] += 1
        if what:
            self.warnings.append(_("%(reason)s : %(what)s", reason=reason, what=what))

    def lines(self) -> list[str]:
        """Return the report as lines for the terminal."""
        lines = [
            _(
                "Importés : %(posts)d article(s), %(pages)d page(s) "
                "(dont %(drafts)d brouillon(s)), %(comments)d commentaire(s).",
                posts=self.posts,
                drafts=self.drafts,
                pages=self.pages,
                comments=self.comments,
            )
        ]
        if self.existing:
            lines.append(_("Déjà présents (inchangés) : %(n)d.", n=self.existing))
        if self.ignored:
            lines.append(
                _("Ignorés (réglages, modèle du blog) : %(n)d.", n=self.ignored)
            )
        for reason, count in sorted(self.skipped.items()):
            lines.append(_("Écartés (%(reason)s) : %(n)d.", reason=reason, n=count))
        lines.extend(_("Avertissement : %(w)s", w=w) for w in self.warnings)
        return lines
