"""Apply an import plan all at once: files and comments, or nothing.

New files are staged in the posts folder with a journal
(:mod:`app.importers.journal`), comments are inserted in one transaction,
then files are moved in and the transaction committed. Any failure before
the commit (Ctrl-C, SIGTERM, a full disk) takes back what was moved in and
rolls back; a run killed outright is finished or undone by the next run,
as its journal and the database say.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.comments.models import Comment
from app.importers.files import Plan, PlannedComment, id_key
from app.importers.journal import (
    STAGING_PREFIX,
    Journal,
    digest,
    leftovers,
)
from app.importers.signals import GUARD


class ImportConflict(Exception):
    """A file appeared at a planned path during the import; nothing was imported."""


def stored_comment_keys(session: Session) -> dict[str, int]:
    """Map the id_key of every comment imported from Blogger to its row id."""
    rows = session.execute(
        sa.select(Comment.blogger_id, Comment.id).where(Comment.blogger_id.is_not(None))
    )
    return {id_key(blogger_id): row_id for blogger_id, row_id in rows}


def apply_plan(plan: Plan, posts_dir: Path, session: Session) -> None:
    """Write the plan's files and comments together, or leave everything as it was."""
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=posts_dir))
    journal = Journal(folder, comments=[c.blogger_id for c in plan.comments])
    try:
        with GUARD.interruptible():
            _stage(plan, journal)
            for item in journal.files:
                if (posts_dir / item["path"]).exists():
                    raise ImportConflict(
                        _("%(path)s est apparu pendant l'import", path=item["path"])
                    )
            _insert_comments(plan.comments, session)
            journal.folders = _missing_folders(plan, posts_dir)
            journal.state = "moving"
            journal.save()
            clashes = journal.move_in(posts_dir)
            if clashes:
                raise ImportConflict(
                    _(
                        "%(path)s est apparu pendant l'import",
                        path=posts_dir / clashes[0],
                    )
                )
        with GUARD.shielded():
            session.commit()
            journal.state = "committed"
            journal.save()
    except BaseException:
        # Ctrl-C and SIGTERM too: an interrupted import leaves nothing half-done.
        with GUARD.shielded():
            session.rollback()
            if journal.state == "moving":
                journal.take_back(posts_dir)
        raise
    finally:
        with GUARD.shielded():
            journal.discard()


def _stage(plan: Plan, journal: Journal) -> None:
    """Write every planned file into the staging folder and record it."""
    for planned in plan.files:
        data = planned.text.encode("utf-8")
        target = journal.staged(planned.relpath.as_posix())
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        journal.files.append(
            {"path": planned.relpath.as_posix(), "sha256": digest(data)}
        )
    journal.save()


def _missing_folders(plan: Plan, posts_dir: Path) -> list[str]:
    """Return the folders (relative, outermost first) moving files in will create."""
    missing: set[Path] = set()
    for planned in plan.files:
        folder = planned.relpath.parent
        while folder != Path(".") and not (posts_dir / folder).exists():
            missing.add(folder)
            folder = folder.parent
    return [f.as_posix() for f in sorted(missing, key=lambda f: len(f.parts))]


def recover(posts_dir: Path, session: Session) -> list[str]:
    """Finish or undo the imports a crash left behind; say what was done.

    An import whose comments reached the database is finished (its files
    moved in); one that never committed is undone (what it moved in is taken
    back). One with no comment at all is finished: nothing else depends on it.
    """
    lines = []
    for folder in leftovers(posts_dir):
        if folder.parent != posts_dir:
            # An older version staged beside the posts folder, without a
            # journal: nothing to finish, its moves were its own to undo.
            Journal(folder).discard()
            lines.append(_("Ancien dossier d'import supprimé : %(f)s.", f=folder.name))
            continue
        journal = Journal.load(folder)
        if journal is None or journal.state == "staged":
            journal = journal or Journal(folder)
            lines.append(_("Import interrompu annulé (rien n'avait été déplacé)."))
        elif _committed(journal, session):
            clashes = journal.move_in(posts_dir)
            lines.append(
                _("Import interrompu terminé : %(n)d fichier(s).", n=len(journal.files))
            )
            lines.extend(
                _("Avertissement : %(path)s existe déjà, non remplacé", path=path)
                for path in clashes
            )
        else:
            journal.take_back(posts_dir)
            lines.append(
                _(
                    "Import interrompu annulé : %(n)d fichier(s) retiré(s).",
                    n=len(journal.files),
                )
            )
        journal.discard()
    return lines


def _committed(journal: Journal, session: Session) -> bool:
    """Tell whether the journal's comments were committed (or it had none)."""
    if journal.state == "committed" or not journal.comments:
        return True
    query = sa.select(Comment.id).where(Comment.blogger_id == journal.comments[0])
    return session.execute(query).first() is not None


def _insert_comments(comments: list[PlannedComment], session: Session) -> None:
    """Add the comment rows, top comments before replies, without committing."""
    planned = {id_key(c.blogger_id): c for c in comments}
    stored = stored_comment_keys(session) if any(c.parent for c in comments) else {}
    roots = {key: _root(c, planned, stored) for key, c in planned.items()}
    rows: dict[str, Comment] = {}
    # Blogger threads one level deep; a reply to a reply hangs on the thread's top.
    for replies in (False, True):
        for key, comment in planned.items():
            if (roots[key] is not None) != replies:
                continue
            row = Comment(
                post_url=comment.post_url,
                author=comment.author,
                website=comment.website,
                body=comment.body,
                created=comment.created,
                status=comment.status,
                is_author=comment.is_author,
                blogger_id=comment.blogger_id,
            )
            root = roots[key]
            if root in rows:
                row.parent_id = rows[root].id
            elif root in stored:
                row.parent_id = stored[root]
            session.add(row)
            rows[key] = row
        session.flush()  # top comments get the ids their replies point to


def _root(
    comment: PlannedComment, planned: dict[str, PlannedComment], stored: dict[str, int]
) -> str | None:
    """Return the id_key of the top comment of ``comment``'s thread (None if top).

    A reply whose parent was not imported (spam) becomes a top comment.
    """

    def parent_of(c: PlannedComment) -> str | None:
        """Return the parent's key when that parent exists or is being imported."""
        return c.parent if c.parent in planned or c.parent in stored else None

    seen: set[str] = set()
    parent = parent_of(comment)
    while parent in planned and parent not in seen and parent_of(planned[parent]):
        seen.add(parent)
        parent = parent_of(planned[parent])
    return parent
