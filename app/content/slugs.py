"""Blogger-style slugs and the accent-insensitive folding used by search."""

from __future__ import annotations

import re
import unicodedata

from text_unidecode import unidecode

MAX_SLUG_LENGTH = 39
DEFAULT_SLUG = "blog-post"
#: The slugs a post may have: what Blogger makes, and what authors type. Never
#: a leading dot: a post file named after its slug would be hidden, never served.
SLUG = re.compile(r"^[\w~-][\w.~-]*$")

# Blogger drops apostrophes without leaving a hyphen: "m'appelle" -> "mappelle".
_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_WORDS = re.compile(r"\w+")
# Ligatures that Unicode decomposition leaves alone but French readers type
# without thinking: "oeuvre" must find "œuvre".
_LIGATURES = (("œ", "oe"), ("æ", "ae"), ("Œ", "oe"), ("Æ", "ae"))
# Combining diacritical marks left by NFKD decomposition (a regex is far
# faster than a per-character loop on 10,000 bodies).
_MARKS = re.compile("[\u0300-\u036f]+")


def slugify(title: str) -> str:
    """Return the Blogger slug of a post title."""
    text = _APOSTROPHES.sub("", title)
    text = _APOSTROPHES.sub("", unidecode(text)).lower()
    text = _NON_ALNUM.sub("-", text).strip("-")
    if len(text) > MAX_SLUG_LENGTH:
        # Cut at a word boundary: keep whole words only, as Blogger does.
        if text[MAX_SLUG_LENGTH] == "-":
            text = text[:MAX_SLUG_LENGTH]
        else:
            head = text[:MAX_SLUG_LENGTH]
            text = head.rsplit("-", 1)[0] if "-" in head else head
        text = text.strip("-")
    return text or DEFAULT_SLUG


def fold(text: str) -> str:
    """Return text case-folded and stripped of accents, for comparisons."""
    if text.isascii():
        return text.casefold()
    for ligature, letters in _LIGATURES:  # str.replace: far faster than translate
        if ligature in text:
            text = text.replace(ligature, letters)
    text = unicodedata.normalize("NFKD", text)
    return _MARKS.sub("", text).casefold()


def words(text: str) -> list[str]:
    """Return the folded words of a text, in order, duplicates kept."""
    return _WORDS.findall(fold(text))


def raw_words(text: str) -> list[str]:
    """Return the words of a text as written (composed), before any folding."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)  # "e" + accent: one letter
    return _WORDS.findall(text)
