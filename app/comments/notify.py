"""Announce what happens to comments, inside the transaction that makes it happen.

The comments package stores; something above it (the mail outbox, app.mail)
tells people. So that comments never import mail, the app factory registers
an :class:`Announcer` here, and the service and the moderation actions call
:func:`comment_waiting` and :func:`comments_published` before they commit:
whatever the announcer writes (an outbox row) is committed, or rolled back,
with the comment itself. Without an announcer, or when it sends no mail, a
waiting comment is announced in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from flask import Flask, current_app, url_for

from app.comments.models import Comment
from app.links import absolute

if TYPE_CHECKING:
    from app.content.post import Post

log = logging.getLogger("carnet.comments")

_KEY = "carnet_announcer"


class Announcer(Protocol):
    """Whoever tells people about comments (app.mail's outbox)."""

    def waiting(self, comment: Comment, post: Post) -> bool:
        """Queue word of a comment awaiting moderation; False if nothing queued."""

    def published(self, ids: list[int]) -> None:
        """Queue word of comments readers can now see (replies reach their thread)."""


def register(app: Flask, announcer: Announcer) -> None:
    """Make ``announcer`` the one that ``app``'s comments are announced through."""
    app.extensions[_KEY] = announcer


def _announcer() -> Announcer | None:
    """Return the running app's announcer, if one was registered."""
    return current_app.extensions.get(_KEY)


def queue_url() -> str:
    """Return the absolute URL of the moderation queue."""
    return absolute(url_for("moderation.queue"))


def comment_waiting(comment: Comment, post: Post) -> None:
    """Announce a comment that waits for a moderator (it has its id already)."""
    announcer = _announcer()
    if announcer is not None and announcer.waiting(comment, post):
        return
    log.info(
        "comment %s by %s awaits moderation on %s: %s",
        comment.id,
        comment.author,
        post.url,
        queue_url(),
    )


def comments_published(ids: Iterable[int]) -> None:
    """Announce comments that have just become visible to readers."""
    announcer = _announcer()
    ids = sorted(set(ids))
    if announcer is not None and ids:
        announcer.published(ids)
