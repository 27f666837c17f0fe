"""One comment row ⇄ one JSON object, for ``export-comments``/``import-comments``.

Every column of the comment table, read from the table itself so that a
column added by a later migration travels too. Dates are written in UTC with
their offset (``2024-03-09T18:05:00.123456+00:00``); states as their names
(``approved``); everything else as JSON's own types.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.comments.models import Comment
from app.extensions import utc
from app.text import UnusableText, clean

TABLE: sa.Table = Comment.__table__  # type: ignore[assignment]
COLUMNS = tuple(column.name for column in TABLE.columns)
# Columns added after export-comments existed, with the value an older file
# stands for (0004_outbox: nobody had asked for reply notifications;
# 0005_sessions_submissions: no comment came with a form submission key).
LATER_COLUMNS = {"notify": False, "submission": None}
# Comment ids are INTEGER columns: PostgreSQL's int4 is the narrower bound.
MAX_ID = 2**31 - 1


class BadRow(ValueError):
    """A line of the file that cannot become a comment row; says which and why."""


def to_json(row: Any) -> dict[str, Any]:
    """Return a row (a mapping of column values) as JSON-ready data."""
    data = {}
    for name in COLUMNS:
        value = row[name]
        if isinstance(value, datetime):
            value = utc(value).isoformat()
        elif isinstance(value, enum.Enum):
            value = value.value
        data[name] = value
    return data


def from_json(data: Any, line: int) -> dict[str, Any]:
    """Return the column values of one decoded line, or raise :class:`BadRow`."""
    if not isinstance(data, dict):
        raise BadRow(_("ligne %(line)d : un objet JSON est attendu", line=line))
    unknown = sorted(set(data) - set(COLUMNS))
    # A file exported before a column was added lacks it: its default stands.
    data = {**LATER_COLUMNS, **data}
    missing = [name for name in COLUMNS if name not in data]
    if unknown or missing:
        raise BadRow(
            _(
                "ligne %(line)d : champs inconnus %(unknown)s, manquants %(missing)s",
                line=line,
                unknown=", ".join(unknown) or "-",
                missing=", ".join(missing) or "-",
            )
        )
    return {
        column.name: _value(column, data[column.name], line) for column in TABLE.columns
    }


def _value(column: sa.Column, value: Any, line: int) -> Any:
    """Convert and check one field against its column's type."""
    if value is None:
        if column.nullable:
            return None
        raise _bad(line, column.name, _("valeur obligatoire"))
    kind = column.type
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise _bad(line, column.name, _("true ou false attendu"))
        return value
    if isinstance(kind, sa.Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(line, column.name, _("nombre entier attendu"))
        if not 1 <= value <= MAX_ID:
            raise _bad(line, column.name, _("hors des bornes d'un identifiant"))
        return value
    if isinstance(kind, sa.DateTime):
        return _moment(value, line, column.name)
    if not isinstance(value, str):
        raise _bad(line, column.name, _("texte attendu"))
    try:
        # As the comment form would have it: NFC, no control characters.
        value = clean(value)
    except UnusableText:
        reason = _("texte illisible : moitié de paire UTF-16 isolée")
        raise _bad(line, column.name, reason) from None
    if isinstance(kind, sa.Enum):
        if value not in kind.enums:
            raise _bad(line, column.name, _("état inconnu « %(value)s »", value=value))
        return kind.enum_class(value) if kind.enum_class else value
    if getattr(kind, "length", None) and len(value) > kind.length:
        raise _bad(line, column.name, _("plus de %(n)d caractères", n=kind.length))
    return value


def _moment(value: Any, line: int, name: str) -> datetime:
    """Parse an ISO 8601 date with its offset into an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _bad(line, name, _("date ISO 8601 avec décalage horaire attendue"))
    return moment.astimezone(UTC)


def _bad(line: int, name: str, reason: str) -> BadRow:
    """Return the error for one field of one line."""
    return BadRow(
        _(
            "ligne %(line)d, champ %(name)s : %(reason)s",
            line=line,
            name=name,
            reason=reason,
        )
    )
