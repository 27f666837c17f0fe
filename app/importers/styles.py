"""What in Blogger's markup a reader sees, and what Markdown cannot say.

Markdown has no colour, centring, spans or players: an element that needs
them is kept as HTML, and so is the list, quote or table around it, since
Python-Markdown reads raw HTML only as a block of its own.
"""

from __future__ import annotations

from bs4 import Tag

# Style properties Blogger's editor sprinkles everywhere without meaning.
_NOISE_STYLES = {
    "font-family",
    "line-height",
    "margin",
    "margin-left",
    "margin-right",
    "margin-top",
    "margin-bottom",
    "padding",
    "clear",
    "direction",
    "unicode-bidi",
}
# Justified text is the theme's business; dropping it loses nothing readers need.
_NOISE_VALUES = {
    ("text-align", "justify"),
    ("text-align", "left"),
    ("text-align", "start"),
    ("text-align", "inherit"),
}
# Elements Markdown has no words for: always kept as they are.
_HTML_ONLY = frozenset(
    "iframe object embed video audio script style form center canvas svg math"
    " map noscript input button select textarea figure marquee details"
    " frameset frame applet".split()
)
# Blocks whose style, alignment or direction the reader sees.
_STYLED_BLOCKS = frozenset(
    "div p h1 h2 h3 h4 h5 h6 blockquote ul ol li dl table pre".split()
)
# Where a kept element cannot stand alone: the whole container is kept.
_CONTAINERS = frozenset(
    "li ul ol dl dt dd blockquote table thead tbody tfoot tr td th caption"
    " h1 h2 h3 h4 h5 h6 a span font b strong i em u s strike del ins sup sub"
    " small big mark q abbr cite code kbd samp var tt label".split()
)
# Cells holding these are more than a Markdown table cell can hold.
_BLOCKS_IN_CELLS = ("p", "div", "ul", "ol", "br", "pre", "table", "blockquote")
_BLOCKS_IN_INLINE = ("div", "p", "ul", "ol", "table", "blockquote", "pre", "h1")


def meaningful_style(style: str | None) -> bool:
    """Tell whether a style changes what the reader sees (colour, centring…)."""
    for declaration in (style or "").split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if not name or name in _NOISE_STYLES or (name, value) in _NOISE_VALUES:
            continue
        if value in ("inherit", "initial", "normal"):
            continue
        return True
    return False


def shows_style(element: Tag) -> bool:
    """Tell whether an element's style, alignment or direction is visible."""
    align = str(element.get("align") or "left").lower()
    direction = str(element.get("dir") or "ltr").lower()
    return (
        meaningful_style(element.get("style")) or align != "left" or direction != "ltr"
    )


def kept_as_html(element: Tag) -> bool:
    """Tell whether an element must stay HTML for readers to see it unchanged."""
    name = element.name
    if name in _HTML_ONLY:
        return True
    if name in _STYLED_BLOCKS and shows_style(element):
        return True
    if name in ("ul", "ol") and (element.get("type") or element.has_attr("reversed")):
        return True
    if name == "table":
        return not _plain_table(element)
    if name == "img" and (element.has_attr("usemap") or element.has_attr("ismap")):
        return True
    if name in ("a", "span", "font", "b", "strong", "i", "em", "u"):
        # An inline element around paragraphs: Markdown would cut it apart
        # (a span or font without attributes is transparent, and harmless).
        transparent = name in ("span", "font") and not element.attrs
        return not transparent and element.find(_BLOCKS_IN_INLINE) is not None
    return False


def _plain_table(table: Tag) -> bool:
    """Tell whether a table says nothing Markdown's pipe tables cannot."""
    if table.attrs or table.find("table") or table.find("caption"):
        return False
    if any(tag.attrs for tag in table.find_all(True)):
        return False
    rows = table.find_all("tr")
    if not rows or not all(c.name == "th" for c in rows[0].find_all(["td", "th"])):
        return False  # Markdown's first row is always a header row
    for cell in table.find_all(["td", "th"]):
        if cell.find(_BLOCKS_IN_CELLS) or "|" in cell.get_text():
            return False
    return True


def kept_elements(root: Tag) -> set[int]:
    """Return the ``id()`` of every element to keep as HTML under ``root``.

    An element needing HTML inside a list, quote, table, heading or inline
    run makes the outermost such container HTML instead.
    """
    kept: set[int] = set()
    for element in root.find_all(kept_as_html):
        top = element
        for ancestor in element.parents:
            if ancestor is root or ancestor.name in ("body", "[document]"):
                break
            if ancestor.name in _CONTAINERS:
                top = ancestor
        kept.add(id(top))
    return kept
