"""Comment endpoints: the form's POST under each post, and the comment feeds."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from app.comments import feeds, service
from app.comments.forms import CommentForm
from app.comments.models import CommentStatus
from app.config import current_settings
from app.extensions import csrf, limiter, post_index

bp = Blueprint("comments", __name__)


def _comment_rate_limit() -> str:
    """Return the per-client comment rate limit from blog.toml."""
    return current_settings().comments.rate_limit


def _only_stored(response: Response) -> bool:
    """Count a POST against the limit unless the form came back with errors."""
    return response.status_code != 422


# The form checks its own CSRF token so that an expired token shows an error
# next to the reader's text instead of a bare 400 page that loses it.
@csrf.exempt
@bp.post("/<int:year>/<month>/<slug>.html")
@limiter.limit(_comment_rate_limit, methods=["POST"], deduct_when=_only_stored)
def post_comment(year: int, month: str, slug: str):
    """Store a reader's comment and send them back to the post."""
    from app.blog.routes import render_post

    post = post_index().get(year, int(month), slug) if month.isdigit() else None
    if post is None:
        abort(404)
    form = CommentForm()
    if not form.validate_on_submit():
        if getattr(form, "csrf_token", None) and form.csrf_token.errors:
            form.csrf_token.errors = [
                _(
                    "La page a expiré : renvoyez le formulaire, "
                    "votre texte est conservé."
                )
            ]
        return render_post(post, comment_form=form, status=422)
    result = service.submit(
        post,
        form,
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
        by_moderator=current_user.is_authenticated,
    )
    if result.rejected:
        form.body.errors.append(_("Vous avez déjà envoyé ce commentaire."))
        return render_post(post, comment_form=form, status=422)
    if result.status == CommentStatus.APPROVED:
        return redirect(f"{post.url}#c{result.comment.id}", code=303)
    # Spam is answered like a moderated comment: a bot learns nothing.
    flash(_("Votre commentaire sera visible après validation."), "info")
    if result.status == CommentStatus.PENDING:
        from app.comments import notify

        notify.pending_comment(result.comment, post)
    return redirect(f"{post.url}#comments", code=303)


@bp.get("/feeds/comments/default")
def feed():
    """Serve the Atom feed of the newest approved comments on the whole blog."""
    return feeds.atom_response(None)


@bp.get("/feeds/<post_id>/comments/default")
def post_feed(post_id: str):
    """Serve the Atom feed of one post's approved comments."""
    post = post_index().by_post_id(post_id)
    if post is None:
        abort(404)
    return feeds.atom_response(post)
