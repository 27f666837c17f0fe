"""Moderation actions: each one a state transition, its button and its message.

The queue's buttons, its flash messages and ``flask comments approve|spam|delete``
all go through :class:`Action` and :func:`apply`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app import changes
from app.comments import notify
from app.comments.models import Comment, CommentStatus
from app.comments.privacy import forget_addresses
from app.extensions import db
from app.params import MAX_ID


class Action(enum.StrEnum):
    """What a moderator can do to a comment."""

    APPROVE = "approve"
    DELETE = "delete"
    SPAM = "spam"

    @property
    def target(self) -> CommentStatus:
        """Return the state the action puts a comment in."""
        return _TARGETS[self]

    @property
    def label(self) -> str:
        """Return the button's text."""
        return _LABELS[self]

    def done_message(self, count: int) -> str:
        """Return the flash message saying how many comments were changed."""
        if self is Action.APPROVE:
            return ngettext(
                "%(num)d commentaire publié.", "%(num)d commentaires publiés.", count
            )
        if self is Action.DELETE:
            return ngettext(
                "%(num)d commentaire supprimé.",
                "%(num)d commentaires supprimés.",
                count,
            )
        return ngettext(
            "%(num)d commentaire classé comme spam.",
            "%(num)d commentaires classés comme spam.",
            count,
        )


_TARGETS = {
    Action.APPROVE: CommentStatus.APPROVED,
    Action.DELETE: CommentStatus.DELETED,
    Action.SPAM: CommentStatus.SPAM,
}
_LABELS = {
    Action.APPROVE: _l("Publier"),
    Action.DELETE: _l("Supprimer"),
    Action.SPAM: _l("Spam"),
}


@dataclass(frozen=True)
class Applied:
    """What :func:`apply` did, by comment id."""

    changed: tuple[int, ...]  # moved to the action's state by this call
    unchanged: tuple[int, ...]  # already there, or no longer in the expected state
    unknown: tuple[int, ...]  # no such comment


def apply(
    action: Action, ids: Iterable[int], expected: CommentStatus | None = None
) -> Applied:
    """Move the comments ``ids`` to the action's state, and commit.

    The state is checked in the same statement that changes it (``UPDATE …
    WHERE id IN … AND status = …``), so that two moderators clicking at
    once cannot both apply: the second finds nothing left to change.
    ``expected`` is the state the moderator saw (the queue's tab); without
    it (the CLI), any other state will do.
    """
    requested = sorted(set(ids))
    wanted = [i for i in requested if 0 < i <= MAX_ID]
    if not wanted:
        return Applied((), (), tuple(requested))
    if expected is not None and expected is action.target:
        current = sa.false()
    elif expected is not None:
        current = Comment.status == expected
    else:
        current = Comment.status != action.target
    statement = (
        sa.update(Comment)
        .where(Comment.id.in_(wanted), current)
        .values(status=action.target)
        .returning(Comment.id, Comment.post_url)
        .execution_options(synchronize_session=False)
    )
    rows = db.session.execute(statement).all()
    changed = sorted(row_id for row_id, _ in rows)
    existing = set(
        db.session.scalars(sa.select(Comment.id).where(Comment.id.in_(wanted)))
    )
    # Pending to spam (or back) changes nothing a reader sees.
    if expected is None or {expected, action.target} & changes.SEEN:
        changes.record(db.session, (url for _, url in rows))
    # In the same transaction: a published reply reaches its thread's readers;
    # a deleted comment takes its e-mail address with it.
    if action is Action.APPROVE:
        notify.comments_published(changed)
    elif action is Action.DELETE:
        forget_addresses(db.session, changed)
    db.session.commit()
    return Applied(
        changed=tuple(changed),
        unchanged=tuple(i for i in wanted if i in existing and i not in changed),
        unknown=tuple(i for i in requested if i not in existing),
    )
