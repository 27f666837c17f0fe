"""The Markdown renderer of posts: extensions, French typography, jump break."""

from __future__ import annotations

import re
import threading

import markdown
from pygments.formatters import HtmlFormatter

from app.content.pictures import MediaContext, MediaExtension
from app.content.typography import FrenchTypographyExtension

MORE_MARKER = "<!--more-->"
# Where the jump break was: readers following "Lire la suite" land here.
MORE_ANCHOR = '<div id="more"></div>'
_MORE_LINE = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(```|~~~)")

_EXTENSIONS = ["extra", "toc", "codehilite", "sane_lists"]
_EXTENSION_CONFIGS = {
    "codehilite": {"css_class": "codehilite", "guess_lang": False, "use_pygments": True}
}
#: The language of a post when nothing says otherwise (the spec's site default).
DEFAULT_LANGUAGE = "fr"
# Markdown objects keep state between conversions: one per thread and per
# configuration (with or without French typography).
_local = threading.local()


def is_french(language: str) -> bool:
    """Tell whether a language code ("fr", "fr-CA", "fr_BE") means French text."""
    return language.replace("_", "-").split("-")[0].lower() == "fr"


def _renderer(french: bool) -> markdown.Markdown:
    """Return this thread's Markdown converter for the configuration, made once."""
    renderers = getattr(_local, "renderers", None)
    if renderers is None:
        renderers = _local.renderers = {}
    md = renderers.get(french)
    if md is None:
        extensions: list = [*_EXTENSIONS, MediaExtension()]
        if french:
            # Non-breaking spaces before « : ; ! ? » are a French rule only:
            # English or Spanish text keeps its punctuation as written.
            extensions.append(FrenchTypographyExtension())
        md = markdown.Markdown(
            extensions=extensions,
            extension_configs=_EXTENSION_CONFIGS,
            output_format="html",
        )
        renderers[french] = md
    return md


def render_markdown(
    text: str, language: str = DEFAULT_LANGUAGE, media: MediaContext | None = None
) -> str:
    """Return the HTML of a Markdown text (raw HTML allowed: the author is trusted).

    ``language`` is the text's language code: French typography applies only
    when it is French. ``media`` says where the post's file is, so that the
    images and media beside it get their ``/media/`` addresses; without it,
    addresses stay as written.
    """
    md = _renderer(is_french(language))
    # The converter is this thread's own: the context is seen by this call only.
    md.carnet_media = media  # type: ignore[attr-defined]
    try:
        return md.convert(text)
    finally:
        md.carnet_media = None  # type: ignore[attr-defined]
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
