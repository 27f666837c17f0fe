"""Apply an import plan all at once: files and comments, or nothing.

New files are written to a temporary folder next to the posts folder (same
filesystem, so moving them in is an atomic rename), comments are inserted in
one database transaction, and the transaction is committed only after every
file is in place. Any failure, Ctrl-C included, removes what was moved in,
rolls back and deletes the temporary folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.comments.models import Comment, CommentStatus
from app.importers.plan import Plan, PlannedComment, id_key


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
    staging = Path(tempfile.mkdtemp(prefix=".carnet-import-", dir=posts_dir.parent))
    moved: list[Path] = []
    made: list[Path] = []
    try:
        for planned in plan.files:
            target = staging / planned.relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(planned.text, encoding="utf-8", newline="\n")
        _insert_comments(plan.comments, session)
        for planned in plan.files:
            destination = posts_dir / planned.relpath
            _make_parents(destination.parent, posts_dir, made)
            if destination.exists():
                raise ImportConflict(
                    _("%(path)s est apparu pendant l'import", path=destination)
                )
            os.replace(staging / planned.relpath, destination)
            moved.append(destination)
        session.commit()
    except BaseException:
        # Ctrl-C too: an interrupted import must leave nothing half-done.
        session.rollback()
        for path in moved:
            path.unlink(missing_ok=True)
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass  # not empty: someone else put a file there meanwhile
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _make_parents(folder: Path, posts_dir: Path, made: list[Path]) -> None:
    """Create ``folder`` under ``posts_dir``, remembering each folder created."""
    missing = []
    while folder != posts_dir and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


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
                status=CommentStatus.APPROVED,
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

    A reply whose parent was not imported (spam, trashed) becomes a top comment.
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
