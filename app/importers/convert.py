"""Blogger HTML → Markdown for posts, and → reader-style text for comments.

Markdown is used where it round-trips (paragraphs, line breaks, emphasis,
links, lists, headings, images); anything Markdown would lose (tables with
attributes, embedded media, styled blocks) stays as a raw HTML block, which
Carnet's renderer passes through untouched.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdownify import MarkdownConverter

MORE = "<!--more-->"
_MORE_TOKEN = "CARNETMOREBREAK"
_RAW_TOKEN = "CARNETRAWBLOCK{}X"
_RAW_TOKEN_RE = re.compile(r"CARNETRAWBLOCK(\d+)X")

# Blocks Python-Markdown recognises as raw HTML; anything else gets a <div> around it.
_BLOCK_TAGS = frozenset(
    "div p table iframe object video script center figure blockquote ul ol pre"
    " h1 h2 h3 h4 h5 h6".split()
)
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


class _BloggerConverter(MarkdownConverter):
    """markdownify, but keeping what Markdown cannot say as HTML."""

    def __init__(self, raw_blocks: list[str], **options):
        """Remember where raw HTML blocks are parked until the text is assembled."""
        super().__init__(**options)
        self.raw_blocks = raw_blocks

    def _raw(self, el: Tag) -> str:
        """Park ``el`` as a raw HTML block and return its placeholder paragraph."""
        # A jump break inside kept HTML cannot split the post: it stays inert.
        markup = str(el).replace(_MORE_TOKEN, MORE)
        if el.name not in _BLOCK_TAGS:
            markup = f"<div>{markup}</div>"
        self.raw_blocks.append(markup)
        return "\n\n" + _RAW_TOKEN.format(len(self.raw_blocks) - 1) + "\n\n"

    def escape(self, text, parent_tags):
        """Escape Markdown, and the "<" and "&" that were entities in the HTML."""
        text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
        return super().escape(text, parent_tags).replace("<", "&lt;")

    def convert_table(self, el, text, parent_tags):
        """Keep tables with attributes (widths, borders, spans) as HTML."""
        if any(tag.attrs for tag in [el, *el.find_all(True)]) or el.find("table"):
            return self._raw(el)
        return super().convert_table(el, text, parent_tags)

    def convert_iframe(self, el, text, parent_tags):
        """Keep embedded players as HTML."""
        return self._raw(el)

    convert_object = convert_embed = convert_video = convert_audio = convert_iframe
    convert_script = convert_form = convert_center = convert_iframe

    def convert_div(self, el, text, parent_tags):
        """Keep styled blocks (centred images, coloured boxes) as HTML."""
        if meaningful_style(el.get("style")) or el.get("align") not in (None, "left"):
            return self._raw(el)
        return super().convert_div(el, text, parent_tags)

    def convert_p(self, el, text, parent_tags):
        """Keep centred or coloured paragraphs as HTML."""
        if meaningful_style(el.get("style")) or el.get("align") not in (None, "left"):
            return self._raw(el)
        return super().convert_p(el, text, parent_tags)

    def _inline(self, el: Tag, text: str) -> str:
        """Wrap converted text in the element's own tag, attributes kept."""
        attrs = "".join(
            f' {name}="{html.escape(" ".join(v) if isinstance(v, list) else v)}"'
            for name, v in el.attrs.items()
        )
        return f"<{el.name}{attrs}>{text}</{el.name}>" if text.strip() else text

    def convert_span(self, el, text, parent_tags):
        """Keep colour or size spans inline; drop the editor's empty styling."""
        if meaningful_style(el.get("style")):
            return self._inline(el, text)
        return text

    def convert_font(self, el, text, parent_tags):
        """Keep ``<font color/size>`` inline, as Blogger showed it."""
        return self._inline(el, text) if el.attrs else text

    def convert_u(self, el, text, parent_tags):
        """Keep underline, sub- and superscript, which Markdown lacks."""
        return self._inline(el, text)

    convert_sup = convert_sub = convert_s = convert_strike = convert_u


def _prepare(soup: BeautifulSoup) -> None:
    """Mark the jump break and unwrap Blogger's meaningless wrapper divs."""
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        if comment.strip().lower() == "more":
            comment.replace_with(NavigableString(_MORE_TOKEN))
    for anchor in soup.find_all("a", attrs={"name": "more"}):
        anchor.replace_with(NavigableString(_MORE_TOKEN))
    for text in soup.find_all(string=lambda s: "\xa0" in s):
        if not text.find_parent(["pre", "code"]):
            text.replace_with(NavigableString(text.replace("\xa0", " ")))


def html_to_markdown(source: str) -> str:
    """Convert a Blogger post body to Markdown, keeping HTML blocks where needed."""
    soup = BeautifulSoup(source or "", "html.parser")
    _prepare(soup)
    raw_blocks: list[str] = []
    converter = _BloggerConverter(
        raw_blocks,
        heading_style="ATX",
        bullets="-",
        escape_misc=False,
        newline_style="SPACES",
    )
    text = converter.convert_soup(soup)
    text = re.sub(rf"[ \t]*{_MORE_TOKEN}[ \t]*", f"\n\n{MORE}\n\n", text)
    text = _RAW_TOKEN_RE.sub(lambda m: raw_blocks[int(m.group(1))], text)
    return _tidy(text)


def _tidy(text: str) -> str:
    """Normalise blank lines and drop hard breaks that end a paragraph."""
    lines = [line if line.strip() else "" for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"[ \t]+\n(?=\n|$)", "\n", text)
    text = re.sub(r"[ \t]+$", "", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def html_to_comment_text(source: str) -> str:
    """Turn a comment's HTML into what a reader types: text, <b> <i> <a href>."""
    soup = BeautifulSoup(source or "", "html.parser")
    parts: list[str] = []
    _walk_comment(soup, parts)
    text = "".join(parts).replace("\xa0", " ")
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _walk_comment(node: Tag, parts: list[str]) -> None:
    """Append the reader-visible text of ``node``'s children to ``parts``."""
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            # Only what could pass for a tag is escaped: "&" stays as typed.
            text = re.sub(r"[ \t\r\n]+", " ", str(child))
            parts.append(text.replace("<", "&lt;").replace(">", "&gt;"))
            continue
        name = child.name
        if name == "br":
            parts.append("\n")
        elif name in ("b", "strong", "i", "em"):
            tag = "b" if name in ("b", "strong") else "i"
            parts.append(f"<{tag}>")
            _walk_comment(child, parts)
            parts.append(f"</{tag}>")
        elif name == "a" and child.get("href"):
            parts.append(f'<a href="{html.escape(child["href"])}">')
            _walk_comment(child, parts)
            parts.append("</a>")
        elif name in ("p", "div", "blockquote", "li"):
            parts.append("\n\n")
            _walk_comment(child, parts)
            parts.append("\n\n")
        elif name not in ("script", "style"):
            _walk_comment(child, parts)
