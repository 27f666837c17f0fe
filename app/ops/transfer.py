"""Move every comment between databases (SQLite ⇄ PostgreSQL) as JSON Lines.

An import is one transaction: all its new rows or none. Ids are kept, so
replies keep their parents and ``#c<id>`` anchors keep working. Importing
the same file again adds nothing: a row whose id exists with the same
content is counted as present; with different content it stops the import
(nothing written) and the message names the ids and fields, because which
version is right is for a person to decide.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app import changes
from app.ops.rows import TABLE, BadRow, from_json, to_json

# Wraps the rows being written or read, e.g. in a progress bar.
Progress = Callable[[Iterable[Any], int], Iterable[Any]]
BATCH = 500
SHOWN_CONFLICTS = 5


class TransferError(Exception):
    """The file cannot be imported as a whole; the message says why."""


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    added: int
    present: int


def _quietly(rows: Iterable[Any], length: int) -> Iterable[Any]:
    """Pass rows through unchanged (no progress shown)."""
    return rows


def export_comments(
    session: Session, target: Path, progress: Progress = _quietly
) -> int:
    """Write every comment row to ``target``, one JSON object a line; count them.

    The file holds e-mail and IP addresses: only its owner may read it. It is
    written beside its final name and renamed, so an interrupted export
    leaves no half file.
    """
    total = session.scalar(sa.select(sa.func.count()).select_from(TABLE)) or 0
    rows = session.execute(
        sa.select(TABLE).order_by(TABLE.c.id).execution_options(yield_per=BATCH)
    ).mappings()
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for row in progress(rows, total):
                out.write(json.dumps(to_json(row), ensure_ascii=False) + "\n")
                count += 1
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def read_rows(source: Path) -> list[tuple[int, dict[str, Any]]]:
    """Return (line number, column values) for every line of a JSON Lines file."""
    rows = []
    try:
        with source.open(encoding="utf-8") as lines:
            for number, text in enumerate(lines, start=1):
                if not text.strip():
                    continue
                try:
                    data = json.loads(text)
                except json.JSONDecodeError as error:
                    raise TransferError(
                        _(
                            "ligne %(line)d : JSON invalide (%(e)s)",
                            line=number,
                            e=error,
                        )
                    ) from None
                rows.append((number, from_json(data, number)))
    except UnicodeDecodeError:
        raise TransferError(_("le fichier n'est pas en UTF-8")) from None
    except BadRow as error:
        raise TransferError(str(error)) from None
    return rows


def import_comments(
    session: Session, source: Path, progress: Progress = _quietly
) -> ImportResult:
    """Add the comments of ``source`` that are not stored yet, in one transaction."""
    rows = read_rows(source)
    _refuse_duplicates(rows)
    try:
        if session.get_bind().dialect.name == "postgresql":
            # Readers' new comments wait until the import commits, then take
            # ids after the imported ones (the sequence is moved below).
            session.execute(sa.text("LOCK TABLE comment IN SHARE ROW EXCLUSIVE MODE"))
        stored = _stored(session, "id", [values["id"] for _, values in rows])
        fresh = _compare(rows, stored)
        _refuse_taken_blogger_ids(session, fresh)
        ordered = _parents_first(session, fresh)
        for batch in _batches(progress(ordered, len(ordered))):
            session.execute(sa.insert(TABLE), batch)
        if ordered:
            # Every worker forgets the pages of the posts whose comments show.
            changes.record(
                session,
                {v["post_url"] for v in ordered if v["status"] in changes.SEEN},
            )
            _move_id_sequence(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return ImportResult(added=len(ordered), present=len(rows) - len(fresh))


def _refuse_duplicates(rows: list[tuple[int, dict[str, Any]]]) -> None:
    """Stop when one id (or Blogger id) appears on two lines of the file."""
    seen: dict[tuple[str, Any], int] = {}
    for number, values in rows:
        for key in ("id", "blogger_id"):
            if values[key] is None:
                continue
            first = seen.setdefault((key, values[key]), number)
            if first != number:
                raise TransferError(
                    _(
                        "lignes %(first)d et %(line)d : même %(key)s %(value)s",
                        first=first,
                        line=number,
                        key=key,
                        value=values[key],
                    )
                )


def _stored(session: Session, key: str, wanted: list[Any]) -> dict[Any, dict]:
    """Return stored rows whose ``key`` column is in ``wanted``, as JSON data."""
    found = {}
    column = TABLE.c[key]
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        query = sa.select(TABLE).where(column.in_(chunk))
        for row in session.execute(query).mappings():
            found[row[key]] = to_json(row)
    return found


def _compare(
    rows: list[tuple[int, dict[str, Any]]], stored: dict[Any, dict]
) -> list[dict[str, Any]]:
    """Return the rows to add; stop if a stored id holds something else."""
    fresh, conflicts = [], []
    for number, values in rows:
        existing = stored.get(values["id"])
        if existing is None:
            fresh.append(values)
            continue
        incoming = to_json(values)
        differing = [name for name in incoming if incoming[name] != existing[name]]
        if differing:
            conflicts.append(
                _(
                    "ligne %(line)d : le commentaire %(id)d existe avec un autre "
                    "contenu (%(fields)s)",
                    line=number,
                    id=values["id"],
                    fields=", ".join(differing),
                )
            )
    if conflicts:
        raise TransferError(_conflict_message(conflicts))
    return fresh


def _conflict_message(conflicts: list[str]) -> str:
    """Return one message naming the first conflicts and how many there are."""
    shown = "; ".join(conflicts[:SHOWN_CONFLICTS])
    more = len(conflicts) - SHOWN_CONFLICTS
    if more > 0:
        shown += " " + _("(et %(n)d autre(s))", n=more)
    return _("rien importé : %(conflicts)s", conflicts=shown)


def _refuse_taken_blogger_ids(session: Session, fresh: list[dict[str, Any]]) -> None:
    """Stop when a new row's Blogger id is already stored under another id."""
    wanted = [values["blogger_id"] for values in fresh if values["blogger_id"]]
    taken = _stored(session, "blogger_id", wanted)
    if taken:
        conflicts = [
            _(
                "le commentaire Blogger %(blogger)s est déjà enregistré "
                "sous l'id %(id)d",
                blogger=blogger_id,
                id=row["id"],
            )
            for blogger_id, row in sorted(taken.items())
        ]
        raise TransferError(_conflict_message(conflicts))


def _parents_first(session: Session, fresh: list[dict[str, Any]]) -> list[dict]:
    """Order new rows so that each parent is stored before its replies."""
    by_id = {values["id"]: values for values in fresh}
    outside = sorted(
        {
            v["parent_id"]
            for v in fresh
            if v["parent_id"] and v["parent_id"] not in by_id
        }
    )
    done = set(_stored(session, "id", outside))
    missing = sorted(set(outside) - done)
    if missing:
        raise TransferError(
            _(
                "rien importé : réponse à un commentaire absent du fichier et de "
                "la base (parent_id %(ids)s)",
                ids=", ".join(map(str, missing[:SHOWN_CONFLICTS])),
            )
        )
    ordered: list[dict] = []
    for values in sorted(fresh, key=lambda v: v["id"]):
        chain: list[dict] = []
        current: dict | None = values
        while current is not None and current["id"] not in done:
            if any(link is current for link in chain):
                raise TransferError(
                    _(
                        "rien importé : fil de réponses circulaire (id %(id)d)",
                        id=current["id"],
                    )
                )
            chain.append(current)
            current = by_id.get(current["parent_id"])
        for link in reversed(chain):
            ordered.append(link)
            done.add(link["id"])
    return ordered


def _batches(rows: Iterable[dict]) -> Iterator[list[dict]]:
    """Group rows for executemany."""
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _move_id_sequence(session: Session) -> None:
    """Make PostgreSQL's next comment id follow the largest one (SQLite does)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    # Never backwards: ids handed out before must not come again.
    session.execute(
        sa.text(
            "SELECT setval(seq, GREATEST((SELECT MAX(id) FROM comment), "
            "COALESCE(pg_sequence_last_value(seq), 1))) "
            "FROM (SELECT CAST(pg_get_serial_sequence('comment', 'id') AS regclass)"
            " AS seq) AS s"
        )
    )
