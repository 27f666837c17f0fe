"""Blogger HTML → Markdown, for a prepared tree (see :mod:`app.importers.prepare`).

Markdown is written for what it says well (paragraphs, line breaks, emphasis,
links, lists, headings, images, code); what it cannot say (tables with
attributes, players, styled blocks: :mod:`app.importers.styles`) is kept as a
raw HTML block, which Carnet's renderer passes through untouched. Whether the
result shows what Blogger showed is checked by :mod:`app.importers.roundtrip`.
"""

from __future__ import annotations

import html
import re

from bs4 import NavigableString, Tag
from markdown import Markdown
from markdownify import MarkdownConverter, chomp

from app.importers.prepare import MORE, MORE_TOKEN, inert_break, markup_of
from app.importers.styles import kept_elements, meaningful_style

_RAW_TOKEN = "CARNETRAWBLOCK{}X"
_RAW_TOKEN_RE = re.compile(r"CARNETRAWBLOCK(\d+)X")
# Tags Python-Markdown reads as the start of a raw HTML block; others get a <div>.
BLOCK_LEVEL = frozenset(Markdown().block_level_elements)
# What opens a Markdown block at the start of a line, in text that meant none.
_LINE_START = [
    (re.compile(r"^(\s*)(\d{1,9})([.)])(?=\s|$)"), r"\1\2\\\3"),  # "1. "
    (re.compile(r"^(\s*)([-+])(?=\s|$)"), r"\1\\\2"),  # "- ", "+ "
    (re.compile(r"^(\s*)([#>])"), r"\1\\\2"),  # headings, quotes
    (re.compile(r"^(\s*)(\[[^\]]*\]:)"), r"\1\\\2"),  # a reference definition
    (re.compile(r"^(\s*)(-{2,})(\s*)$"), r"\1\\\2\3"),  # an underline or a rule
]
# A link target Markdown reads as written: no space, quote, bracket or backslash.
_PLAIN_URL = re.compile(r"^[^\s\"'<>\\`]+$")
_BACKTICKS = re.compile(r"`+")


class BloggerConverter(MarkdownConverter):
    """markdownify, but keeping what Markdown cannot say as HTML."""

    def __init__(self, kept: set[int], raw_blocks: list[str]):
        """Remember which elements stay HTML and where their markup is parked."""
        super().__init__(
            heading_style="ATX",
            bullets="-",
            escape_misc=False,
            newline_style="SPACES",
            # Collapse every run of whitespace (newlines too): the HTML showed
            # none, and a newline in Markdown may start a heading or a list.
            wrap=True,
            wrap_width=None,
        )
        self.kept = kept
        self.raw_blocks = raw_blocks

    # -- HTML kept as it is -------------------------------------------------

    def process_tag(self, node, parent_tags=None):
        """Park elements that stay HTML; convert the others as markdownify does."""
        if id(node) in self.kept:
            return self.raw(node)
        return super().process_tag(node, parent_tags)

    def raw(self, el: Tag) -> str:
        """Park ``el`` as a raw HTML block and return its placeholder paragraph."""
        markup = inert_break(markup_of(el))
        if el.name not in BLOCK_LEVEL:
            markup = f"<div>{markup}</div>"
        self.raw_blocks.append(markup)
        return "\n\n" + _RAW_TOKEN.format(len(self.raw_blocks) - 1) + "\n\n"

    def _inline(self, el: Tag, text: str, parent_tags) -> str:
        """Wrap converted text in the element's own tag, attributes kept."""
        if "_noformat" in parent_tags:
            return text  # inside code, markup would show as text
        attrs = "".join(f' {name}="{_attr(value)}"' for name, value in el.attrs.items())
        return f"<{el.name}{attrs}>{text}</{el.name}>" if text.strip() else text

    def convert_span(self, el, text, parent_tags):
        """Keep colour or size spans inline; drop the editor's empty styling."""
        if meaningful_style(el.get("style")):
            return self._inline(el, text, parent_tags)
        return text

    def convert_font(self, el, text, parent_tags):
        """Keep ``<font color/size>`` inline, as Blogger showed it."""
        return self._inline(el, text, parent_tags) if el.attrs else text

    def convert_u(self, el, text, parent_tags):
        """Keep underline, strike-through, sub- and superscript: Markdown lacks them."""
        return self._inline(el, text, parent_tags)

    convert_s = convert_strike = convert_del = convert_ins = convert_u
    convert_sup = convert_sub = convert_small = convert_big = convert_u
    convert_mark = convert_q = convert_abbr = convert_cite = convert_u
    convert_dfn = convert_var = convert_tt = convert_u

    # -- text ---------------------------------------------------------------

    def escape(self, text, parent_tags):
        """Escape what Markdown would read as markup in text that meant none."""
        if not text:
            return ""
        text = text.replace("\\", "\\\\")  # "\\" in TeX must stay two characters
        text = re.sub(r"&(?=#?\w+;)", "&amp;", text)  # "&lt;" typed as text
        text = text.replace("<", "&lt;").replace("`", "\\`")
        text = text.replace("{:", "\\{:")  # would be an attribute list
        for pattern, replacement in _LINE_START:
            text = pattern.sub(replacement, text)
        return super().escape(text, parent_tags)

    # -- inline elements ----------------------------------------------------

    def convert_a(self, el, text, parent_tags):
        """Write a link; one Markdown cannot hold (spaces, quotes) stays HTML."""
        if "_noformat" in parent_tags:
            return text
        href = el.get("href")
        if not href:
            anchor = f'<a id="{_attr(el["id"])}"></a>' if el.get("id") else ""
            return anchor + text
        prefix, suffix, text = chomp(text)
        if not text:
            return prefix + suffix
        title = el.get("title")
        if _plain_url(href) and _balanced(text) and '"' not in (title or ""):
            autolink = href.startswith(("http://", "https://"))
            if autolink and text.replace(r"\_", "_") == href and not title:
                return f"{prefix}<{href}>{suffix}"
            title_part = f' "{title}"' if title else ""
            return f"{prefix}[{text}]({href}{title_part}){suffix}"
        attrs = f' href="{_attr(href)}"' + (f' title="{_attr(title)}"' if title else "")
        return f"{prefix}<a{attrs}>{text}</a>{suffix}"

    def convert_img(self, el, text, parent_tags):
        """Write an image with its size; one Markdown cannot hold stays HTML."""
        src, alt = el.get("src") or "", el.get("alt") or ""
        title = el.get("title") or ""
        if not src:
            return ""
        if not _plain_url(src) or not _balanced(alt) or '"' in title:
            attrs = "".join(
                f' {name}="{_attr(value)}"'
                for name, value in el.attrs.items()
                if name in ("src", "alt", "title", "width", "height")
            )
            return f"<img{attrs}>"
        title_part = f' "{title}"' if title else ""
        size = " ".join(
            f'{name}="{_attr(el[name])}"'
            for name in ("width", "height")
            if re.fullmatch(r"\d{1,5}%?", str(el.get(name) or ""))
        )
        alt = alt.replace("\\", "\\\\").replace("*", r"\*").replace("_", r"\_")
        image = f"![{alt}]({src}{title_part})"
        return f"{image}{{: {size} }}" if size else image

    def convert_br(self, el, text, parent_tags):
        """Break the line: a newline in code, ``<br>`` in a heading or a cell."""
        if "pre" in parent_tags:
            return "\n" + text
        if "_inline" in parent_tags:
            return "<br>" + text
        return "  \n" + text

    # -- blocks ---------------------------------------------------------------

    def convert_list(self, el, text, parent_tags):
        """Write a list; one right after another list is kept apart from it."""
        text = super().convert_list(el, text, parent_tags)
        previous = el.previous_sibling
        while isinstance(previous, NavigableString) and not previous.strip():
            previous = previous.previous_sibling
        if (
            "li" not in parent_tags
            and isinstance(previous, Tag)
            and previous.name in ("ul", "ol")
            and id(previous) not in self.kept
        ):
            # Markdown would merge the two lists into one: a comment parts them.
            return "\n\n<!-- -->\n\n" + text.lstrip("\n")
        return text

    convert_ul = convert_ol = convert_list

    def convert_pre(self, el, text, parent_tags):
        """Write code as a fenced block, or indented inside a list or a quote."""
        if not text.strip():
            return ""
        text = _strip_one_newline(text)
        if parent_tags & {"li", "blockquote"}:
            # Python-Markdown reads fences only at the top of the page.
            lines = ["    " + line if line.strip() else "" for line in text.split("\n")]
            return "\n\n" + "\n".join(lines) + "\n\n"
        longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}\n{text}\n{fence}\n\n"

    def convert_li(self, el, text, parent_tags):
        """Write a list item, its later lines indented by four spaces."""
        text = (text or "").strip()
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = str(parent.get("start") or "1")
            number = int(start) if start.isdigit() else 1
            bullet = f"{number + len(el.find_previous_siblings('li'))}."
        else:
            bullet = "-"
        first, *rest = text.split("\n")
        lines = [f"{bullet} {first}"]
        lines.extend("    " + line if line.strip() else "" for line in rest)
        # An item of several blocks (paragraphs, code) must end with a blank
        # line, or the next item is read as part of its last block.
        return "\n".join(lines) + ("\n\n" if "\n\n" in text else "\n")

    def convert_hN(self, n, el, text, parent_tags):  # noqa: N802 (markdownify's name)
        """Write a heading; the id an in-page link points to is kept."""
        if "_inline" in parent_tags:
            return text
        text = re.sub(r"\s+", " ", text.strip())
        if not text:
            return ""
        if text.endswith("#"):
            text = text[:-1] + "\\#"  # a closing "#" would be dropped
        target = el.get("id")
        anchor = f" {{: #{target} }}" if target and _plain_id(target) else ""
        return f"\n\n{'#' * max(1, min(6, n))} {text}{anchor}\n\n"


def _attr(value: object) -> str:
    """Return an attribute value escaped for markup."""
    text = " ".join(value) if isinstance(value, list) else str(value)
    return html.escape(text, quote=True)


def _plain_url(url: str) -> bool:
    """Tell whether Markdown's ``(…)`` holds the address exactly as written."""
    return bool(_PLAIN_URL.match(url)) and url.count("(") == url.count(")")


def _plain_id(target: str) -> bool:
    """Tell whether an id can be written in an attribute list (``{: #id }``)."""
    return re.fullmatch(r"[A-Za-z][\w:.-]*", target) is not None


def _balanced(text: str) -> bool:
    """Tell whether brackets in a link's text pair up, as Markdown needs."""
    depth = 0
    for char in text.replace("\\[", "").replace("\\]", ""):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _strip_one_newline(text: str) -> str:
    """Drop the newline browsers ignore after ``<pre>``, and one before the end."""
    if text.startswith("\n"):
        text = text[1:]
    return text[:-1] if text.endswith("\n") else text


def to_markdown(root: Tag) -> str:
    """Convert a prepared tree (or one of its blocks) to Markdown."""
    raw_blocks: list[str] = []
    converter = BloggerConverter(kept_elements(root), raw_blocks)
    text = converter.process_tag(root, parent_tags=set())
    text = re.sub(rf"[ \t]*{MORE_TOKEN}[ \t]*", f"\n\n{MORE}\n\n", text)
    # Kept HTML goes in last: tidying must not touch the code it may hold.
    return _RAW_TOKEN_RE.sub(lambda m: raw_blocks[int(m.group(1))], tidy(text))


def tidy(text: str) -> str:
    """Normalise blank lines and drop hard breaks that end a paragraph."""
    lines = [line if line.strip() else "" for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"[ \t]+\n(?=\n|$)", "\n", text)
    text = re.sub(r"[ \t]+$", "", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"
