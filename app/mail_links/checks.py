"""What a signed link asks for, and whether it may still be followed.

A moderation link is refused (nothing changes) when forged (400), expired
(410) or spent (410): its comment no longer waits for moderation, whether
this link, one of its two siblings or the queue moved it. Comments never
go back to pending, so a link moves its comment at most once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.comments.models import Comment, CommentStatus
from app.comments.sanitize import comment_html, safe_website
from app.extensions import db, post_index
from app.mail import tokens
from app.moderation.actions import Action, Applied, apply

# How a refused page names the state a comment was moved to.
NOW_IN = {
    CommentStatus.APPROVED: _l("publié"),
    CommentStatus.SPAM: _l("classé comme spam"),
    CommentStatus.DELETED: _l("supprimé"),
}


@dataclass(frozen=True)
class Refusal:
    """A link that cannot be followed: the status, the page's title and text."""

    status: int
    title: str
    message: str


@dataclass(frozen=True)
class ModerationRequest:
    """A valid moderation link: the action and the comment as the page shows it."""

    action: Action
    comment_id: int
    author: str
    website: str | None
    body_html: Markup
    post_title: str
    post_url: str


FORGED = Refusal(
    400,
    _l("Lien non valable"),
    _l(
        "Ce lien n'a pas été fait par ce blog, ou il a été abîmé en route "
        "(copiez-le en entier). Rien n'a été modifié."
    ),
)
EXPIRED = Refusal(
    410,
    _l("Lien expiré"),
    _l(
        "Ce lien n'est valable que %(days)d jours. Rien n'a été modifié : "
        "modérez ce commentaire depuis la file de modération.",
        days=tokens.LINK_LIFETIME.days,
    ),
)
GONE = Refusal(
    410,
    _l("Commentaire introuvable"),
    _l("Ce commentaire n'existe plus. Rien n'a été modifié."),
)


def _spent(status: CommentStatus) -> Refusal:
    """Return the refusal of a link whose comment was already moderated."""
    return Refusal(
        410,
        str(_l("Lien déjà utilisé")),
        str(
            _l(
                "Ce commentaire a déjà été modéré : il est maintenant %(state)s. "
                "Rien n'a été modifié.",
                state=NOW_IN[status],
            )
        ),
    )


def moderation_request(token: str) -> ModerationRequest | Refusal:
    """Return what a moderation link asks for, or why it is refused."""
    link = tokens.read_moderation_token(token)
    if link is tokens.LinkProblem.EXPIRED:
        return EXPIRED
    if link is tokens.LinkProblem.FORGED or link.action not in {
        a.value for a in Action
    }:
        return FORGED
    comment = db.session.get(Comment, link.comment_id)
    if comment is None:
        return GONE
    if comment.status is not CommentStatus.PENDING:
        return _spent(comment.status)
    index = post_index()
    post = index.by_url(comment.post_url) or index.by_alias(comment.post_url)
    return ModerationRequest(
        action=Action(link.action),
        comment_id=comment.id,
        author=comment.author,
        website=safe_website(comment.website),
        body_html=comment_html(comment.body),
        post_title=post.title if post else comment.post_url,
        post_url=post.url if post else comment.post_url,
    )


def carry_out(request: ModerationRequest) -> Applied:
    """Apply the link's action, if the comment still waits (one UPDATE … WHERE)."""
    return apply(request.action, [request.comment_id], expected=CommentStatus.PENDING)


def spent_now(comment_id: int) -> Refusal:
    """Return the refusal of a link another click has just spent."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        return GONE
    return _spent(comment.status)
