"""Why a file of posts/ cannot be served: a value with its file, line and reason.

Reasons are message ids (the French text, with ``%(name)s`` placeholders) and
their arguments. Nothing here translates: the place that shows a problem (the
log line, ``flask check``, the moderation page) passes its own translation
function to :meth:`PostError.describe`, so this package needs no Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Translate = Callable[..., str]


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional marker name)
    """Mark ``message`` for extraction into the catalogue; translate nothing."""
    return message


def _untranslated(message: str, **args: Any) -> str:
    """Return the message id itself (French) with its arguments filled in."""
    return message % args if args else message


@dataclass(frozen=True)
class PostError:
    """Why a file of posts/ cannot be served, with its file and line."""

    path: Path
    line: int | None
    reason: str  # a message id: French text, with %(name)s placeholders
    args: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # Folder the path is shown relative to (the posts folder's parent).
    root: Path | None = field(default=None, repr=False, compare=False)

    @property
    def where(self) -> str:
        """Return "posts/x.md:3" (or "posts/x.md" when no line is known)."""
        shown = self.path
        if self.root is not None:
            try:
                shown = self.path.relative_to(self.root)
            except ValueError:
                pass
        return f"{shown}:{self.line}" if self.line is not None else f"{shown}"

    def message(self, translate: Translate = _untranslated) -> str:
        """Return the reason through ``translate`` (a gettext), French by default."""
        return translate(self.reason, **self.args)

    def describe(self, translate: Translate = _untranslated) -> str:
        """Return "posts/x.md:3: reason", the form editors can jump to."""
        return f"{self.where}: {self.message(translate)}"

    def __str__(self) -> str:
        """Return the French description (logs and tests outside the site)."""
        return self.describe()


class PostReadError(Exception):
    """A file of posts/ could not be read; ``error`` says where and why."""

    def __init__(self, error: PostError) -> None:
        """Keep the error value; its text is the message, made when shown."""
        super().__init__(error)
        self.error = error
