"""French typography for rendered Markdown: non-breaking spaces where due."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX, AtomicString

NNBSP = "\u202f"  # narrow no-break space, before ; ! ?
NBSP = "\u00a0"  # no-break space, before : and inside « »

# Elements whose text is literal: code and keyboard input keep every byte.
_LITERAL_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math"})
_BLOCK_TAGS = frozenset({"br", "p", "div", "li", "ul", "ol", "table", "hr"})
_SPACES = " \u00a0\u202f"
# Placeholders of stashed raw HTML/entities ("\x02klzzwxh:0\x03") must not
# be touched: their colon would otherwise get a space.
_PLACEHOLDER = re.compile(f"({STX}[^{ETX}]*{ETX})")
# A punctuation mark only counts when it ends a word: "Quoi ?" but not
# "page?id=3" or "http://".
_END = r"(?=[\s!?;:»\"')\]\u2026.,]|$)"
_HIGH = re.compile(rf"(?:(?<=\w)[{_SPACES}]?|[{_SPACES}])([;!?]){_END}")
# ":" after a word: not "::", not "21:40", not "http://" (all fail _END).
_COLON = re.compile(rf"(?:(?<=\w)[{_SPACES}]?|[{_SPACES}])(?<!:):(?!:){_END}")
_STASH_INDEX = re.compile(f"{STX}wzxhzdk:(\\d+){ETX}")
_TAG = re.compile(r"^<(/?)([a-zA-Z]+)[^>]*>$")
_OPEN_QUOTE = re.compile(f"«[{_SPACES}]?")
_CLOSE_QUOTE = re.compile(rf"(?:(?<=\S)[{_SPACES}]?|[{_SPACES}])»")


def french_spacing(text: str, stash: list[str] | None = None) -> str:
    """Return text with French non-breaking spaces before high punctuation.

    ``stash`` holds the raw HTML behind placeholders, so that text between an
    inline ``<kbd>`` (or ``<code>``…) and its closing tag is left alone.
    """
    parts = _PLACEHOLDER.split(text)
    literal = 0
    for i, part in enumerate(parts):
        if i % 2:  # odd items are placeholders
            literal = max(0, literal + _literal_delta(part, stash))
            continue
        if literal or not part or not any(mark in part for mark in ";:!?«»"):
            continue
        part = _HIGH.sub(NNBSP + r"\1", part)
        part = _COLON.sub(NBSP + ":", part)
        part = _OPEN_QUOTE.sub("«" + NBSP, part)
        parts[i] = _CLOSE_QUOTE.sub(NBSP + "»", part)
    return "".join(parts)


def _literal_delta(placeholder: str, stash: list[str] | None) -> int:
    """Return +1/-1 when a placeholder opens/closes a literal HTML element."""
    match = _STASH_INDEX.match(placeholder)
    if stash is None or match is None or int(match[1]) >= len(stash):
        return 0
    tag = _TAG.match(str(stash[int(match[1])]))
    if tag is None or tag[2].lower() not in _LITERAL_TAGS:
        return 0
    return -1 if tag[1] else 1


class FrenchTypographyProcessor(Treeprocessor):
    """Insert French non-breaking spaces in text nodes, never in code."""

    def run(self, root: etree.Element) -> None:
        """Walk the tree, skipping literal elements and their subtrees."""
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        """Fix the text of element and of its children's tails, recursively."""
        if element.tag in _LITERAL_TAGS:
            return
        stash = self.md.htmlStash.rawHtmlBlocks
        if element.text and not isinstance(element.text, AtomicString):
            element.text = french_spacing(element.text, stash)
        for child in element:
            self._walk(child)
            tail = child.tail
            if tail and not isinstance(tail, AtomicString):
                if child.tag in _BLOCK_TAGS:
                    child.tail = french_spacing(tail, stash)
                else:
                    # Right after "*mot*", "?" follows a word: prefix a letter
                    # so the rules see one, then drop it.
                    child.tail = french_spacing("x" + tail, stash)[1:]


class FrenchTypographyExtension(Extension):
    """Python-Markdown extension registering the French spacing processor."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API name)
        """Run after inline (20), attr_list (8) and abbr (7); before toc (5)."""
        md.treeprocessors.register(FrenchTypographyProcessor(md), "french", 6)
