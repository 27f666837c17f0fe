"""A conversion that checks itself: the Markdown must show what Blogger showed.

The Markdown written for a post is rendered back with the site's own
renderer and compared, as a reader would, with the prepared HTML: visible
text (letters and digits, in order), line breaks, links (address and text),
images, the anchors in-page links point to, list items, table cells and
code. A block that differs is kept as HTML; if the whole still differs, the
whole post is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from bs4 import Comment, NavigableString, Tag

from app.content.markdown import DEFAULT_LANGUAGE, render_markdown
from app.importers.convert import BLOCK_LEVEL, to_markdown
from app.importers.prepare import (
    MORE,
    MORE_TOKEN,
    Relink,
    in_page_targets,
    inert_break,
    markup_of,
    parse_html,
    prepare,
)

#: What is compared, in the order the report names differences.
ASPECTS = ("text", "lines", "links", "images", "anchors", "items", "cells", "code")
_NOT_SHOWN = frozenset({"script", "style", "noscript", "template", "head", "title"})
# Elements that start a new line where they begin and end.
_LINE_BLOCKS = BLOCK_LEVEL | frozenset(
    "li dd dt h1 h2 h3 h4 h5 h6 tr td th caption thead tbody tfoot br".split()
)
_NOT_ALNUM = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Shape:
    """What a reader perceives of an HTML fragment, aspect by aspect."""

    text: str
    lines: tuple[str, ...]
    links: tuple[tuple[str, str, int], ...]
    images: tuple[tuple[str, str], ...]
    anchors: frozenset[str]
    items: tuple[tuple[str, ...], ...]  # each list's items: lists stay apart
    cells: tuple[str, ...]
    code: tuple[str, ...]


@dataclass(frozen=True)
class Conversion:
    """The Markdown of a post, and what had to stay HTML for it to round-trip."""

    markdown: str
    kept_blocks: int = 0  # blocks kept as HTML because Markdown changed them
    whole: bool = False  # the whole post kept as HTML
    differences: tuple[str, ...] = ()  # the aspects that differed


def _alnum(text: str) -> str:
    """Return only the letters and digits of ``text``."""
    return _NOT_ALNUM.sub("", text.replace(MORE_TOKEN, ""))


def _lines(root: Tag) -> tuple[str, ...]:
    """Return the visible lines of a tree (letters and digits), in order."""
    lines: list[str] = []
    current: list[str] = []

    def cut() -> None:
        """End the current line, keeping it if anything shows on it."""
        line = _alnum("".join(current))
        if line:
            lines.append(line)
        current.clear()

    def walk(node: Tag, in_pre: bool) -> None:
        """Append the node's text to the lines, cutting them at blocks."""
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                text = str(child)
                if MORE_TOKEN in text:
                    # The jump break splits a paragraph on purpose.
                    first, *others = text.split(MORE_TOKEN)
                    current.append(first)
                    for other in others:
                        cut()
                        current.append(other)
                    continue
                pieces = text.split("\n") if in_pre else [text]
                for number, piece in enumerate(pieces):
                    if number:
                        cut()
                    current.append(piece)
                continue
            if not isinstance(child, Tag) or child.name in _NOT_SHOWN:
                continue
            block = child.name in _LINE_BLOCKS
            if block:
                cut()
            walk(child, in_pre or child.name == "pre")
            if block:
                cut()

    walk(root, False)
    cut()
    return tuple(lines)


def _href(value: str) -> str:
    """Return an address as a browser would follow it."""
    return unquote(value.strip())


def _code(pre: Tag) -> str:
    """Return the text of a ``<pre>`` as shown, without blank edges or end spaces."""
    pieces = []
    for node in pre.descendants:
        if isinstance(node, Tag) and node.name == "br":
            pieces.append("\n")
        elif isinstance(node, NavigableString) and not isinstance(node, Comment):
            pieces.append(str(node).replace(MORE_TOKEN, ""))
    lines = [line.rstrip() for line in "".join(pieces).split("\n")]
    return "\n".join(lines).strip("\n")


def shape(root: Tag, targets: frozenset[str]) -> Shape:
    """Return what a reader perceives of the tree under ``root``."""
    ids = {str(el["id"]) for el in root.find_all(id=True)}
    ids |= {str(el["name"]) for el in root.find_all("a", attrs={"name": True})}
    lines = _lines(root)
    links = []
    for link in root.find_all("a", href=True):
        text, images = _alnum(link.get_text()), len(link.find_all("img"))
        if text or images:
            links.append((_href(link["href"]), text, images))
    return Shape(
        text="".join(lines),
        lines=lines,
        links=tuple(links),
        images=tuple(
            (_href(img.get("src") or ""), _alnum(img.get("alt") or ""))
            for img in root.find_all("img")
        ),
        anchors=frozenset(ids & targets),
        items=tuple(
            (listing.name, *(_alnum(li.get_text()) for li in listing.find_all("li")))
            for listing in root.find_all(["ul", "ol"])
        ),
        cells=tuple(_alnum(c.get_text()) for c in root.find_all(["td", "th"])),
        code=tuple(_code(pre) for pre in root.find_all("pre")),
    )


def differences(source: Tag, markdown: str, language: str) -> tuple[str, ...]:
    """Return the aspects in which rendered ``markdown`` differs from ``source``."""
    targets = in_page_targets(source)
    before = shape(source, targets)
    after = shape(parse_html(render_markdown(markdown, language)), targets)
    found = []
    for aspect in ASPECTS:
        if aspect == "anchors":
            if before.anchors - after.anchors:
                found.append(aspect)
        elif getattr(before, aspect) != getattr(after, aspect):
            found.append(aspect)
    return tuple(found)


def convert_checked(source: Tag, language: str) -> Conversion:
    """Convert a prepared post to Markdown that shows what Blogger showed.

    The whole post is converted and checked; if it differs, each top-level
    block is converted and checked alone and the ones that differ are kept as
    HTML; if the result still differs, the whole post is kept as HTML.
    """
    markdown = to_markdown(source)
    found = differences(source, markdown, language)
    if not found:
        return Conversion(markdown)
    parts, kept = [], 0
    for unit in _units(source):
        if _is_break(unit):
            parts.append(MORE)
            continue
        block = parse_html("".join(markup_of(node) for node in unit))
        converted = to_markdown(block)
        if differences(block, converted, language):
            kept += 1
            converted = _as_html(unit)
        parts.append(converted.strip())
    markdown = "\n\n".join(part for part in parts if part) + "\n"
    if not differences(source, markdown, language):
        return Conversion(markdown, kept_blocks=kept, differences=found)
    whole = "\n\n".join(
        MORE if _is_break(unit) else _as_html(unit) for unit in _units(source)
    )
    return Conversion(whole.strip() + "\n", whole=True, differences=found)


def _units(root: Tag) -> list[list]:
    """Split a tree's top level into blocks: elements, runs of inline content."""
    units: list[list] = []
    run: list = []
    for child in list(root.children):
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString) and MORE_TOKEN in child:
            head, _, tail = str(child).partition(MORE_TOKEN)
            run.append(NavigableString(head))
            units.extend([run, [MORE_TOKEN]])
            run = [NavigableString(tail)]
            continue
        if isinstance(child, Tag) and child.name in _LINE_BLOCKS - {"br"}:
            units.extend([run, [child]])
            run = []
        else:
            run.append(child)
    units.append(run)
    return [unit for unit in units if _is_break(unit) or _shows(unit)]


def _is_break(unit: list) -> bool:
    """Tell whether a unit is the jump break."""
    return unit == [MORE_TOKEN]


def _shows(unit: list) -> bool:
    """Tell whether a unit holds anything but blank text."""
    return any(isinstance(node, Tag) or str(node).strip() for node in unit)


def _as_html(unit: list) -> str:
    """Return a unit as a raw HTML block Markdown passes through untouched."""
    markup = inert_break("".join(markup_of(node) for node in unit)).strip()
    first = unit[0] if len(unit) == 1 else None
    if isinstance(first, Tag) and first.name in BLOCK_LEVEL:
        return markup
    return f"<div>{markup}</div>"


def convert_post(
    source: str, relink: Relink | None = None, language: str = DEFAULT_LANGUAGE
) -> Conversion:
    """Prepare a post's Blogger HTML and convert it, checked (see the module doc)."""
    return convert_checked(prepare(source, relink), language)
