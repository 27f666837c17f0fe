"""Blogger HTML made ready to convert: the tree the round-trip check compares with.

Each step changes the markup, not what a reader sees, except one change made
on purpose: links to the blog's own old address become site-relative. The
Markdown written for a post is checked against this prepared tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag
from bs4.dammit import EntitySubstitution
from bs4.element import Declaration, ProcessingInstruction
from bs4.formatter import HTMLFormatter

from app.importers.styles import meaningful_style

#: Stands where Blogger's jump break was until the Markdown is assembled.
MORE_TOKEN = "CARNETMOREBREAK"
MORE = "<!--more-->"
# Kept HTML is written with its tabs as "&#9;": Python-Markdown turns every
# tab into spaces, which would shift the columns of code in a <pre>.
KEEP_TABS = HTMLFormatter(
    entity_substitution=lambda text: EntitySubstitution.substitute_xml(text).replace(
        "\t", "&#9;"
    )
)
# Control characters no HTML shows and lxml refuses.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Inline elements a <br> may be moved out of without changing the page.
_INLINE = frozenset(
    "a abbr b big cite code del dfn em font i ins kbd mark q s samp small span"
    " strike strong sub sup tt u var".split()
)
# Attributes that say nothing to a reader once the Blogger theme is gone.
_WRAPPER_NOISE = frozenset({"class", "trbidi", "dir", "style", "lang"})
_LISTS = ("ul", "ol")
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))

Relink = Callable[[str], str | None]


def parse_html(source: str) -> Tag:
    """Parse an HTML fragment as browsers do and return its ``<body>``.

    The leading ``<body>`` keeps lxml from moving a post's first ``<style>``
    into a ``<head>`` or its text out of the document.
    """
    soup = BeautifulSoup("<body>" + _CONTROL.sub("", source or ""), "lxml")
    return soup.body


def in_page_targets(root: Tag) -> frozenset[str]:
    """Return the fragments links point to ("#note-1" → "note-1")."""
    found = set()
    for link in root.find_all("a", href=True):
        fragment = link["href"].partition("#")[2].strip()
        if fragment:
            found.add(fragment)
    return frozenset(found)


def prepare(source: str, relink: Relink | None = None) -> Tag:
    """Return the post's HTML as a tree ready to convert (see the module doc)."""
    root = parse_html(source)
    _drop_invisible(root)
    for anchor in root.find_all("a", attrs={"name": re.compile(r"^\s*more\s*$")}):
        anchor.insert_before(NavigableString(MORE_TOKEN))
        anchor.unwrap()
    for text in root.find_all(string=lambda s: "\xa0" in s):
        if not text.find_parent(["pre", "code"]):
            text.replace_with(NavigableString(text.replace("\xa0", " ")))
    if relink is not None:
        for link in root.find_all("a", href=True):
            new = relink(link["href"])
            if new is not None:
                link["href"] = new
    for tag in root.find_all(attrs={"markdown": True}):
        del tag["markdown"]  # would ask md_in_html to read kept HTML as Markdown
    _hoist_breaks(root)
    _repair_lists(root)
    _split_pre_at_break(root)
    _keep_targets(root, in_page_targets(root))
    _unwrap_wrappers(root)
    return root


def _drop_invisible(root: Tag) -> None:
    """Remove comments (the jump break becomes the token) and doctypes."""
    for node in root.find_all(string=True):
        if isinstance(node, Comment):
            if node.strip().lower() == "more":
                node.replace_with(NavigableString(MORE_TOKEN))
            else:
                node.extract()  # Word's conditional comments and the like
        elif isinstance(node, Doctype | Declaration | ProcessingInstruction):
            node.extract()


def _hoist_breaks(root: Tag) -> None:
    """Move a ``<br>`` that opens or closes a link or a bold run out of it.

    Markdown trims the text of ``[…](…)`` and ``**…**``: a line break at
    their edge would be lost and two lines glued together.
    """
    changed = True
    while changed:
        changed = False
        for br in root.find_all("br"):
            parent = br.parent
            if parent is None or parent.name not in _INLINE:
                continue
            if _edge(parent, br, first=True):
                parent.insert_before(br.extract())
                changed = True
            elif _edge(parent, br, first=False):
                parent.insert_after(br.extract())
                changed = True


def _edge(parent: Tag, node: Tag, first: bool) -> bool:
    """Tell whether ``node`` is the first (or last) non-blank child of ``parent``."""
    children = [
        c for c in parent.children if not (isinstance(c, str) and not c.strip())
    ]
    if not children:
        return False
    return (children[0] if first else children[-1]) is node


def _repair_lists(root: Tag) -> None:
    """Put what sits between list items into an item, as browsers show it.

    A link or text between two ``<li>`` shows on its own line under the
    previous item; Markdown would glue it to an item's text. A stray ``<br>``
    there only adds space and is dropped.
    """
    for listing in root.find_all(_LISTS):
        for child in list(listing.children):
            if isinstance(child, Tag) and child.name == "li":
                continue
            if isinstance(child, str) and not child.strip():
                continue
            if isinstance(child, Tag) and child.name == "br":
                child.extract()
                continue
            previous = child.find_previous_sibling("li")
            following = child.find_next_sibling("li")
            if previous is not None:
                previous.append(_new_tag(root, "br"))
                previous.append(child.extract())
            elif following is not None:
                following.insert(0, _new_tag(root, "br"))
                following.insert(0, child.extract())


def _split_pre_at_break(root: Tag) -> None:
    """Cut a ``<pre>`` holding the jump break in two, the break between them."""
    for pre in root.find_all("pre"):
        if MORE_TOKEN not in pre.get_text():
            continue
        head, _, tail = pre.decode_contents().partition(MORE_TOKEN)
        attrs = "".join(f' {k}="{_attr(v)}"' for k, v in pre.attrs.items())
        markup = f"<pre{attrs}>{head}</pre>{MORE_TOKEN}<pre{attrs}>{tail}</pre>"
        pieces = parse_html(markup)
        for piece in list(pieces.contents):
            pre.insert_before(piece.extract())
        pre.extract()


def _attr(value: object) -> str:
    """Return an attribute value as markup-safe text."""
    text = " ".join(value) if isinstance(value, list) else str(value)
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _keep_targets(root: Tag, targets: frozenset[str]) -> None:
    """Give every id an in-page link points to a form Markdown keeps.

    Headings keep theirs (written as ``{: #id }``); an ``<a name>`` becomes
    ``<a id>``; any other element hands its id to an empty ``<a id>`` put
    where it starts, which is where a reader following the link lands.
    """
    if not targets:
        return
    for anchor in root.find_all("a", attrs={"name": True}):
        if anchor["name"] in targets and not anchor.get("id"):
            anchor["id"] = anchor["name"]
        del anchor["name"]
    for element in root.find_all(id=True):
        target = element["id"]
        if target not in targets or element.name in _HEADINGS:
            continue
        if element.name == "a" and not element.get("href"):
            continue
        del element["id"]
        marker = _new_tag(root, "a")
        marker["id"] = target
        if element.name in ("a", "img", "br", "hr", "input", "iframe"):
            element.insert_before(marker)
        else:
            element.insert(0, marker)


def _unwrap_wrappers(root: Tag) -> None:
    """Unwrap the ``<div>`` Blogger's editor puts around a whole post.

    It carries only ``dir="ltr"``, a class or justified text: once it is gone
    the post's blocks (and its jump break) sit at the top, where each can be
    checked and, if need be, kept as HTML on its own.
    """
    while True:
        children = [
            c for c in root.children if not (isinstance(c, str) and not c.strip())
        ]
        if len(children) != 1 or not isinstance(children[0], Tag):
            return
        wrapper = children[0]
        if wrapper.name not in ("div", "span") or not _plain(wrapper):
            return
        wrapper.unwrap()


def _plain(element: Tag) -> bool:
    """Tell whether an element's attributes change nothing a reader sees."""
    for name, value in element.attrs.items():
        if name not in _WRAPPER_NOISE:
            return False
        if name == "dir" and str(value).lower() != "ltr":
            return False
        if name == "style" and meaningful_style(str(value)):
            return False
    return True


def _new_tag(root: Tag, name: str) -> Tag:
    """Return a new element belonging to ``root``'s document."""
    soup = root
    while soup.parent is not None:
        soup = soup.parent
    return soup.new_tag(name)


def markup_of(node) -> str:
    """Return a node of a tree as HTML (text escaped as it was in the page)."""
    if isinstance(node, NavigableString):
        return node.output_ready(formatter=KEEP_TABS)
    return node.decode(formatter=KEEP_TABS)


def inert_break(markup: str) -> str:
    """Turn the jump break inside kept HTML into a comment that splits nothing.

    The engine splits a post at a line holding only ``<!--more-->``; inside a
    kept block the marker is joined to the line before it.
    """
    markup = re.sub(rf"\n[ \t]*{MORE_TOKEN}[ \t]*(?=\n)", MORE_TOKEN, markup)
    return markup.replace(MORE_TOKEN, MORE)
