"""One processor per front matter key: what each key may hold, and its error.

As Pelican's metadata processors: a key is allowed when it has a processor
in :data:`FIELDS`; each states its rule, its default and its message, and
gets the reader (app.content.reader) to report a problem at the key's line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.content.problems import N_
from app.content.slugs import SLUG, slugify

if TYPE_CHECKING:
    from app.content.reader import _Reader

# A language code as front matter gives it: "fr", "en", "es", "pt-BR", "fr_CA".
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")

Processor = Callable[["_Reader", str, object], Any]


def _text(reader: _Reader, key: str, value: object) -> str | None:
    """Read an optional text (numbers accepted as text)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise reader.fail_at(key, N_("%(key)s doit être du texte"), key=key)
    return str(value).strip() or None


def _title(reader: _Reader, key: str, value: object) -> str:
    """Read the title: required text."""
    title = _text(reader, key, value)
    if not title:
        raise reader.fail_at(key, N_("titre manquant"))
    return title


def _date(reader: _Reader, key: str, value: object) -> datetime:
    """Read the date: required for posts; a page without one takes its mtime."""
    if value is None:
        if not reader.is_page:
            raise reader.fail_at(key, N_("date manquante"))
        return datetime.fromtimestamp(reader.mtime, reader.tz)
    return reader.to_datetime(key, value)


def _updated(reader: _Reader, key: str, value: object) -> datetime | None:
    """Read the optional date of the last real change."""
    return None if value is None else reader.to_datetime(key, value)


def _slug(reader: _Reader, key: str, value: object) -> str:
    """Read the slug, or derive it from the title as Blogger does."""
    if value is None:
        return slugify(reader.values["title"])
    if not isinstance(value, str | int) or not SLUG.match(str(value)):
        raise reader.fail_at(
            key,
            N_(
                "slug ne peut contenir que des lettres, des chiffres et des tirets "
                "(ni espace ni barre oblique)"
            ),
        )
    return str(value)


def _labels(reader: _Reader, key: str, value: object) -> tuple[str, ...]:
    """Read the labels: a list of texts or a single text."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(
        isinstance(item, str | int) and not isinstance(item, bool) for item in items
    ):
        raise reader.fail_at(
            key, N_("labels doit être une liste de textes, par exemple [a, b]")
        )
    cleaned = (str(item).strip() for item in items)
    return tuple(dict.fromkeys(label for label in cleaned if label))


def _draft(reader: _Reader, key: str, value: object) -> bool:
    """Read the draft flag: true or false, false when absent."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise reader.fail_at(key, N_("draft doit valoir true ou false"))
    return value


def _aliases(reader: _Reader, key: str, value: object) -> tuple[str, ...]:
    """Read the old URL paths: a list of "/..." paths."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(
        isinstance(item, str) and item.startswith("/") for item in items
    ):
        raise reader.fail_at(
            key, N_("aliases doit être une liste d’adresses commençant par '/'")
        )
    return tuple(dict.fromkeys(item.strip() for item in items))


def _lang(reader: _Reader, key: str, value: object) -> str:
    """Read the text's language code ("fr", "en", "es"…); the site's by default."""
    if value is None:
        return reader.language
    if not isinstance(value, str) or not _LANGUAGE.match(value.strip()):
        raise reader.fail_at(
            key, N_("lang doit être un code de langue, par exemple fr, en ou es")
        )
    primary, _, region = value.strip().replace("_", "-").partition("-")
    return f"{primary.lower()}-{region}" if region else primary.lower()


#: Every front matter key, in the order read (slug after title), with its rule.
FIELDS: dict[str, Processor] = {
    "title": _title,
    "date": _date,
    "updated": _updated,
    "slug": _slug,
    "draft": _draft,
    "labels": _labels,
    "author": _text,
    "summary": _text,
    "aliases": _aliases,
    "blogger_id": _text,
    "lang": _lang,
    "location": _text,
}
