"""Plain data for the moderation queue template: tabs, rows, post files in error."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.comments import queue
from app.comments.models import Comment, CommentStatus
from app.comments.sanitize import comment_html, safe_website
from app.extensions import post_index
from app.moderation.forms import ActionForm, LogoutForm

PER_PAGE = 50

TABS = (
    (CommentStatus.PENDING, _l("En attente")),
    (CommentStatus.APPROVED, _l("Publiés")),
    (CommentStatus.SPAM, _l("Spam")),
    (CommentStatus.DELETED, _l("Supprimés")),
)

#: The actions offered in each tab: a comment is never moved to where it is.
ACTIONS = {
    "approve": _l("Publier"),
    "delete": _l("Supprimer"),
    "spam": _l("Spam"),
}
_CURRENT = {
    CommentStatus.APPROVED: "approve",
    CommentStatus.DELETED: "delete",
    CommentStatus.SPAM: "spam",
}


@dataclass(frozen=True)
class Row:
    """One comment in the queue, with the post it belongs to."""

    comment: Comment
    post_title: str | None
    post_url: str
    website: str | None
    body_html: Any


def tab_status(value: str | None) -> CommentStatus:
    """Return the state a tab shows (pending when unknown)."""
    try:
        return CommentStatus(value or "pending")
    except ValueError:
        return CommentStatus.PENDING


def _row(comment: Comment) -> Row:
    """Attach the post's title to a comment, following aliases."""
    index = post_index()
    post = index.by_url(comment.post_url) or index.by_alias(comment.post_url)
    return Row(
        comment=comment,
        post_title=post.title if post else None,
        post_url=post.url if post else comment.post_url,
        website=safe_website(comment.website),
        body_html=comment_html(comment.body),
    )


def context(args: Mapping[str, str]) -> dict[str, Any]:
    """Return the template context of one page of one tab of the queue."""
    status = tab_status(args.get("tab"))
    page_arg = args.get("page", "")
    page = int(page_arg) if page_arg.isdigit() and int(page_arg) > 0 else 1
    counts = queue.counts()
    rows = queue.listing(status, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    index = post_index()
    return {
        "tabs": [(s, label, counts[s]) for s, label in TABS],
        "status": status,
        "rows": [_row(c) for c in rows],
        "page": page,
        "has_next": counts[status] > page * PER_PAGE,
        "actions": {
            name: label
            for name, label in ACTIONS.items()
            if _CURRENT.get(status) != name
        },
        "action_form": ActionForm(),
        "logout_form": LogoutForm(),
        "problems": list(index.problems),
    }


def apply(action: str, ids: Iterable[int]) -> list[int]:
    """Apply a moderation action to the comments ``ids``."""
    return queue.apply(action, ids)
