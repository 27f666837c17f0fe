"""The links' pages: GET shows what the link does and one button; POST does it.

Mail programs and scanners open links to look at them: a GET never changes
anything. The button's POST carries no session token, only the signed
token in its address, which no other site knows; a moderation POST from
another site is refused all the same (Origin). The RFC 8058 one-click
unsubscribe is a POST from the reader's mail provider: no Origin check.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from app import availability
from app.extensions import csrf
from app.mail import outbox, tokens
from app.mail_links import checks
from app.moderation.actions import Action
from app.security import cross_site

bp = Blueprint("mail_links", __name__, url_prefix="/mail")
# No session, so no session CSRF token: the signed token is the credential.
csrf.exempt(bp)


@bp.after_request
def _keep_the_token_here(response: Response) -> Response:
    """Keep the token out of other sites' Referer headers and search engines."""
    # Not no-referrer: browsers would then send "Origin: null" with the button.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _notice(title: str, message: str, status: int, link: tuple[str, str] | None):
    """Render a page that says one thing, with at most one link onwards."""
    return render_template(
        "mail_links/notice.html", title=title, message=message, link=link
    ), status


def _queue_link() -> tuple[str, str]:
    """Return the link to the moderation queue."""
    return url_for("moderation.queue"), _("Ouvrir la file de modération")


def _home_link() -> tuple[str, str]:
    """Return the link to the home page."""
    return url_for("blog.home"), _("Retour à l’accueil")


def _refused(refusal: checks.Refusal, link: tuple[str, str]):
    """Render the page of a link that cannot be followed."""
    return _notice(str(refusal.title), str(refusal.message), refusal.status, link)


def _with_database(what: str, call):
    """Run ``call``, or answer 503 when the database does not answer."""
    try:
        return availability.needed(what, call)
    except availability.Unavailable:
        abort(503)


@bp.route("/moderate/<token>", methods=["GET", "POST"])
def moderate(token: str):
    """Show a moderation link's comment and its button (GET); act on it (POST)."""
    if request.method == "POST" and cross_site(request):
        abort(403)
    asked = _with_database(
        "reading a moderation link", lambda: checks.moderation_request(token)
    )
    if isinstance(asked, checks.Refusal):
        return _refused(asked, _queue_link())
    if request.method == "GET":
        return render_template("mail_links/moderate.html", asked=asked)
    done = _with_database(
        "following a moderation link", lambda: checks.carry_out(asked)
    )
    if not done.changed:
        # Another click (a sibling link, the queue) was quicker.
        spent = _with_database(
            "reading a comment", lambda: checks.spent_now(asked.comment_id)
        )
        return _refused(spent, _queue_link())
    link = _queue_link()
    if asked.action is Action.APPROVE:
        link = (f"{asked.post_url}#c{asked.comment_id}", _("Voir le commentaire"))
    return _notice(asked.action.done_message(1), "", 200, link)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Offer to stop reply notifications (GET); stop them (POST, RFC 8058 too)."""
    key = tokens.read_unsubscribe_token(token)
    if key is None:
        return _refused(checks.FORGED, _home_link())
    if request.method == "GET":
        return render_template("mail_links/unsubscribe.html")
    _with_database("unsubscribing", lambda: outbox.unsubscribe(key))
    return _notice(
        _("Désabonnement enregistré"),
        _(
            "Vous ne recevrez plus aucun avis de réponse de ce blog. Pour en "
            "recevoir de nouveau, cochez la case en écrivant un commentaire."
        ),
        200,
        _home_link(),
    )
