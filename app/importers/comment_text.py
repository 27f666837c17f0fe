"""Blogger comment HTML → what a reader types in Carnet's form.

Carnet stores comments as plain text with ``<b> <i> <a href>``, as its form
accepts them, and sanitises them when shown.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag


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
