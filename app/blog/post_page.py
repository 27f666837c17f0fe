"""The post page's routes: an article with its comments (GET), the comment form's POST.

The blog owns the page; the comments package is a service it calls with
plain values (:func:`submit`). The page is the same document for every
anonymous reader: its form carries a stateless token (app.comments.token),
not a session. Whatever refuses a comment (invalid fields, an expired page,
a text too large, too many comments, the database away) shows the page
again with the reader's text and the reason.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, abort, current_app, flash, redirect, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from app import availability
from app.blog.errors import exception_headers, render_error
from app.blog.post_render import render_post, render_preview
from app.blog.preview import preview_of
from app.comments import forms, token
from app.comments.guard import Verdict
from app.comments.service import submit
from app.config import current_settings
from app.content.post import Post
from app.extensions import csrf, limiter, post_index
from app.params import whole_number
from app.security import cross_site

bp = Blueprint("posts", __name__)

RULE = "/<int:year>/<month>/<slug>.html"


def _published(year: int, month: str, slug: str) -> Post | None:
    """Return the published post at this address, if any."""
    if not (month.isascii() and month.isdigit()) or len(month) > 2:
        return None
    return post_index().get(year, int(month), slug)


@bp.get(RULE)
def show(year: int, month: str, slug: str):
    """Show one post; an old address answers 404, which redirects aliases.

    A draft or scheduled post is shown to a moderator (or on the local
    ``serve --drafts`` server) as a preview.
    """
    post = _published(year, month, slug)
    if post is None or post.url != request.path:
        draft = preview_of(request.path)
        if draft is None:
            abort(404)
        return render_preview(draft)
    return render_post(post, reply_to=whole_number(request.args.get("reply")))


def _comment_rate_limit() -> str:
    """Return the per-client comment rate limit from blog.toml."""
    return current_settings().comments.rate_limit


def _only_stored(response: Response) -> bool:
    """Count a POST against the limit unless the form came back to be sent again."""
    return response.status_code not in (413, 422, 503)


def _token_problem(post: Post) -> tuple[str | None, int | None]:
    """Return why the form's token is refused (None: it is good), and its issue time.

    The issue time (None without a valid token) makes a form sent twice one
    submission (app.comments.service.submission_key).
    """
    sent = request.form.get("form_token")
    checked = token.check(current_app.secret_key, post.url, sent, time.time())
    if checked is token.TokenCheck.VALID:
        return None, token.issued_of(sent)
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return None, None  # tests that exercise the rest of the form
    return (
        _("La page a expiré : renvoyez le formulaire, votre texte est conservé."),
        None,
    )


def _cut_message() -> str:
    """Say that the text was too large to be received, and was cut."""
    limit = current_settings().comments.max_length
    return ngettext(
        "Votre commentaire était trop long pour être reçu : il a été coupé à "
        "%(num)d caractère. Relisez-le avant de l'envoyer à nouveau.",
        "Votre commentaire était trop long pour être reçu : il a été coupé à "
        "%(num)d caractères. Relisez-le avant de l'envoyer à nouveau.",
        limit,
    )


# The session CSRF of Flask-WTF is for moderators; this form has its own
# token, checked below so that a refusal keeps the reader's text.
@csrf.exempt
@bp.post(RULE)
@limiter.limit(_comment_rate_limit, methods=["POST"], deduct_when=_only_stored)
def comment(year: int, month: str, slug: str):
    """Store a reader's comment and send them back to the post (POST/redirect/GET)."""
    post = _published(year, month, slug)
    if post is None:
        abort(404)
    if cross_site(request):
        abort(403)
    form = forms.submitted()
    if form.cut:
        state = forms.state_of(form, body=_cut_message())
        return render_post(post, state, form.parent_id.data, status=413)
    refused, issued = _token_problem(post)
    if refused or form.errors:
        state = forms.state_of(form, **({"form": refused} if refused else {}))
        return render_post(post, state, form.parent_id.data, status=422)
    draft = forms.draft_of(
        form,
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
        as_moderator=current_user.is_authenticated,
        form_issued=issued,
    )
    try:
        outcome = availability.needed("storing a comment", lambda: submit(post, draft))
    except availability.Unavailable:
        message = _(
            "Les commentaires sont momentanément indisponibles : votre texte est "
            "conservé, renvoyez-le dans quelques minutes."
        )
        state = forms.state_of(form, form=message)
        html, _status = render_post(post, state, draft.parent_id)
        return html, 503, {"Retry-After": "120"}
    if outcome.verdict is Verdict.REJECT:
        state = forms.state_of(form, body=_("Vous avez déjà envoyé ce commentaire."))
        return render_post(post, state, draft.parent_id, status=422)
    if outcome.verdict is Verdict.PUBLISH:
        return redirect(landing(post, outcome.comment_id), code=303)
    # Spam is answered like a moderated comment: a bot learns nothing.
    flash(_("Votre commentaire sera visible après validation."), "info")
    return redirect(f"{post.url}#comments", code=303)


def landing(post: Post, comment_id: int) -> str:
    """Return where the writer of a published comment is sent: the page, fresh.

    The plain address may be kept by another worker or by a proxy for up to
    ``max_age`` seconds, without the comment. Blogger's own ``showComment``
    argument makes an address no cache holds (app.cachelayer keeps no page
    with an unknown argument), so the writer sees their comment at once.
    """
    return f"{post.url}?showComment={comment_id}#c{comment_id}"


@bp.errorhandler(429)
def too_many_comments(error: HTTPException):
    """Answer the rate limit with the post page and the reader's text, not a bare 429.

    Flask-Limiter refuses the POST before the view runs: the form is read
    here, so that what the reader typed comes back with the reason.
    """
    view_args = request.view_args or {}
    post = _published(**view_args) if request.endpoint == "posts.comment" else None
    if post is None:
        return render_error(error)
    form = forms.submitted()
    message = _(
        "Vous avez envoyé beaucoup de commentaires en peu de temps : votre texte "
        "est conservé, renvoyez-le dans quelques minutes."
    )
    cut = {"body": _cut_message()} if form.cut else {}
    state = forms.state_of(form, form=message, **cut)
    html, _status = render_post(post, state, form.parent_id.data)
    return html, 429, exception_headers(error)
