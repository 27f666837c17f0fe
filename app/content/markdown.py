"""The Markdown renderer of posts: extensions, French typography, jump break."""

from __future__ import annotations

import re
import threading

import markdown
from pygments.formatters import HtmlFormatter

from app.content.typography import FrenchTypographyExtension

MORE_MARKER = "<!--more-->"
# Where the jump break was: readers following "Lire la suite" land here.
MORE_ANCHOR = '<div id="more"></div>'
_MORE_LINE = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(```|~~~)")

_EXTENSIONS = ["extra", "toc", "codehilite", "sane_lists", FrenchTypographyExtension()]
_EXTENSION_CONFIGS = {
    "codehilite": {"css_class": "codehilite", "guess_lang": False, "use_pygments": True}
}
# Markdown objects keep state between conversions: one per thread.
_local = threading.local()


def _renderer() -> markdown.Markdown:
    """Return this thread's Markdown converter, created on first use."""
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(
            extensions=_EXTENSIONS,
            extension_configs=_EXTENSION_CONFIGS,
            output_format="html",
        )
        _local.md = md
    return md


def render_markdown(text: str) -> str:
    """Return the HTML of a Markdown text (raw HTML allowed: the author is trusted)."""
    md = _renderer()
    try:
        return md.convert(text)
    finally:
        md.reset()


def split_more(text: str) -> tuple[str, str | None]:
    """Split Markdown at the first <!--more--> line: (teaser, rest or None)."""
    lines = text.splitlines(keepends=True)
    in_fence = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence  # a marker inside a code sample is just code
        elif not in_fence and _MORE_LINE.match(line):
            return "".join(lines[:number]), "".join(lines[number + 1 :])
    return text, None


def pygments_css(style: str = "default") -> str:
    """Return the stylesheet of code blocks rendered by codehilite."""
    return HtmlFormatter(style=style).get_style_defs(".codehilite")
