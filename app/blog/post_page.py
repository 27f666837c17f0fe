"""The post page: an article with its comments (GET), and the comment form's POST.

The blog owns the page; the comments package is a service it calls with
plain values (:func:`comment_section`, :func:`submit`).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.blog.listing import sidebar
from app.comments import forms
from app.comments.guard import Verdict
from app.comments.section import FormState, comment_section
from app.comments.service import submit
from app.config import current_settings
from app.content.post import Post
from app.extensions import csrf, limiter, post_index
from app.params import whole_number

bp = Blueprint("posts", __name__)

RULE = "/<int:year>/<month>/<slug>.html"


def _published(year: int, month: str, slug: str) -> Post | None:
    """Return the published post at this address, if any."""
    if not (month.isascii() and month.isdigit()) or len(month) > 2:
        return None
    return post_index().get(year, int(month), slug)


def render_post(
    post: Post,
    form_state: FormState | None = None,
    reply_to: int | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render a post's page with its comments and the comment form."""
    index = post_index()
    section = comment_section(
        post, form_state, reply_to, as_moderator=current_user.is_authenticated
    )
    html = render_template(
        "blog/post.html",
        post=post,
        newer=index.newer(post),
        older=index.older(post),
        section=section,
        **sidebar(post.year, post.month),
    )
    return html, status


@bp.get(RULE)
def show(year: int, month: str, slug: str):
    """Show one post; an old address answers 404, which redirects aliases."""
    post = _published(year, month, slug)
    if post is None or post.url != request.path:
        abort(404)
    return render_post(post, reply_to=whole_number(request.args.get("reply")))


def _comment_rate_limit() -> str:
    """Return the per-client comment rate limit from blog.toml."""
    return current_settings().comments.rate_limit


def _only_stored(response: Response) -> bool:
    """Count a POST against the limit unless the form came back with errors."""
    return response.status_code != 422


# The form checks its own CSRF token so that an expired token shows an error
# next to the reader's text instead of a bare 400 page that loses it.
@csrf.exempt
@bp.post(RULE)
@limiter.limit(_comment_rate_limit, methods=["POST"], deduct_when=_only_stored)
def comment(year: int, month: str, slug: str):
    """Store a reader's comment and send them back to the post (POST/redirect/GET)."""
    post = _published(year, month, slug)
    if post is None:
        abort(404)
    form = forms.CommentForm()
    if not form.validate_on_submit():
        state = forms.state_of(form)
        return render_post(post, state, form.parent_id.data, status=422)
    draft = forms.draft_of(
        form,
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
        as_moderator=current_user.is_authenticated,
    )
    outcome = submit(post, draft)
    if outcome.verdict is Verdict.REJECT:
        state = forms.state_of(form, body=_("Vous avez déjà envoyé ce commentaire."))
        return render_post(post, state, draft.parent_id, status=422)
    if outcome.verdict is Verdict.PUBLISH:
        return redirect(f"{post.url}#c{outcome.comment_id}", code=303)
    # Spam is answered like a moderated comment: a bot learns nothing.
    flash(_("Votre commentaire sera visible après validation."), "info")
    return redirect(f"{post.url}#comments", code=303)
