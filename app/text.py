"""Text hygiene at the edge: text coming in is normalised once, XML going out is safe.

Every piece of text a person hands Carnet (the comment form, a Blogger
import, ``import-comments``, a moderator's name on the command line) goes
through :func:`clean` before it is checked or stored: NFC, so that « é »
typed two ways is one name and one repeat; no C0 or C1 control character
but tab and newline, since they are invisible on a page, in the queue and
in a terminal, and XML 1.0 forbids most of them (one ``ESC`` in an
approved author's name used to break the comment feeds for everyone); no
lone surrogate, which no encoding can write.

:func:`xml_safe` is the last guard before feedgen and lxml: whatever is
already stored, or comes from a post file, a feed never fails on it.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls but tab and line feed, DEL, C1 controls; and the two
# non-characters XML refuses too. A carriage return goes: "\r\n" becomes "\n".
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# What XML 1.0 does not allow in a document, even written as &#…; (its Char).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class UnusableText(ValueError):
    """Text holding a lone surrogate: not Unicode text that can be stored."""


def clean(value: str) -> str:
    """Return ``value`` in NFC without control characters; refuse lone surrogates."""
    if _SURROGATE.search(value):
        raise UnusableText("lone surrogate")
    return unicodedata.normalize("NFC", _CONTROLS.sub("", value))


def clean_or_none(value: str | None) -> str | None:
    """Return :func:`clean` of ``value``, None staying None."""
    return None if value is None else clean(value)


def xml_safe(value: str) -> str:
    """Return ``value`` without what XML 1.0 forbids (lxml refuses such text)."""
    return _NOT_XML.sub("", value)
