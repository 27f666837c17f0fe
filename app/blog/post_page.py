"""The post page: an article with its comments (GET), and the comment form's POST.

The blog owns the page; the comments package is a service it calls with
plain values (:func:`comment_section`, :func:`submit`). The page is the same
document for every anonymous reader: its form carries a stateless token
(app.comments.token), not a session.
"""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import availability, httpcache
from app.blog.listing import sidebar
from app.blog.preview import NOINDEX, preview_of
from app.comments import forms, token
from app.comments.guard import Verdict
from app.comments.section import FormState, comment_section, unavailable_section
from app.comments.service import submit
from app.config import current_settings
from app.content.pictures import first_image
from app.content.post import Post
from app.extensions import csrf, limiter, post_index
from app.links import absolute_address
from app.params import whole_number
from app.security import cross_site

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
    """Render a post's page with its comments and the comment form.

    Without the database the page still renders: the comments give way to
    a notice, and the form keeps what the reader wrote.
    """
    index = post_index()
    as_moderator = current_user.is_authenticated
    try:
        section = availability.needed(
            "showing comments",
            lambda: comment_section(post, form_state, reply_to, as_moderator),
        )
    except availability.Unavailable:
        section = unavailable_section(form_state)
    now = time.time()
    newer, older = index.newer(post), index.older(post)
    httpcache.shows_posts([post])
    httpcache.shows_comments_of([post])
    httpcache.depends_on(*(f"title:{p.url}" for p in (newer, older) if p))
    httpcache.modified(section.newest)
    # The form's token changes every few hours: so does the page.
    httpcache.expires_at(token.next_issue(now))
    html = render_template(
        "blog/post.html",
        post=post,
        newer=newer,
        older=older,
        section=section,
        form_token=token.issue(current_app.secret_key, post.url, now),
        cover=cover_of(post),
        **sidebar(post.year, post.month),
    )
    return html, status


def cover_of(post: Post) -> dict | None:
    """Return the post's first image as Open Graph wants it (absolute URL)."""
    image = first_image(post_index().renderer.html(post))
    url = absolute_address(image.src) if image is not None else None
    if image is None or url is None:
        return None
    return {"url": url, "alt": image.alt, "width": image.width, "height": image.height}


def render_preview(post: Post, template: str = "blog/post.html"):
    """Render a draft or scheduled post for its author: banner, no comments."""
    html = render_template(
        template,
        post=post,
        preview=True,
        cover=cover_of(post),
        **(sidebar() if post.is_page else sidebar(post.year, post.month)),
    )
    return html, 200, NOINDEX


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
    """Count a POST against the limit unless the form came back with errors."""
    return response.status_code not in (422, 503)


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
        return redirect(f"{post.url}#c{outcome.comment_id}", code=303)
    # Spam is answered like a moderated comment: a bot learns nothing.
    flash(_("Votre commentaire sera visible après validation."), "info")
    return redirect(f"{post.url}#comments", code=303)
