"""Moderation pages: login, logout and the queue of comments."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from app.extensions import limiter
from app.mail.outbox import retry_failed
from app.moderation import accounts, actions, queue, throttle
from app.moderation.forms import ActionForm, LoginForm, LogoutForm, RetryMailForm
from app.moderation.safety import safe_next

bp = Blueprint("moderation", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def login():
    """Let a moderator in, then send them where they were going."""
    default = url_for("moderation.queue")
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    target = safe_next(form.next.data, default)
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target)
    status, headers = 200, {}
    if form.validate_on_submit():
        status, headers = _try_password(form)
        if status == 303:
            return redirect(target, code=303)
    elif request.method == "POST":
        status = 422
    form.next.data = target if target != default else ""
    return render_template("moderation/login.html", form=form), status, headers


def _try_password(form: LoginForm) -> tuple[int, dict[str, str]]:
    """Log the moderator in (303), or say why not: 401, or 429 while the account waits.

    A waiting account's password is not even checked: a right one must not
    show through the wait.
    """
    username = form.username.data
    wait = throttle.seconds_left(username)
    if wait:
        form.password.errors.append(
            ngettext(
                "Trop d'essais pour cet identifiant : réessayez dans %(num)d seconde.",
                "Trop d'essais pour cet identifiant : réessayez dans %(num)d secondes.",
                wait,
            )
        )
        return 429, {"Retry-After": str(wait)}
    moderator = accounts.authenticate(username, form.password.data)
    if moderator is None:
        throttle.failed(username)
        form.password.errors.append(_("Identifiant ou mot de passe incorrect."))
        return 401, {}
    throttle.succeeded(username)
    login_user(moderator)
    _new_csrf_token()
    return 303, {}


def _new_csrf_token() -> None:
    """Forget the CSRF token of the anonymous visitor; the next form gets a new one.

    A token planted or read before login (a shared computer, a fixation
    attack) must not be worth anything once a moderator is in.
    """
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)


@bp.post("/logout")
def logout():
    """Close the moderator's session (a POST with CSRF, never a link).

    The account's session generation moves on: a copy of the cookie taken
    before stops working too (and so do the moderator's other sessions).
    """
    if LogoutForm().validate_on_submit():
        if current_user.is_authenticated:
            accounts.end_sessions(current_user)
        logout_user()
        flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("blog.home"), code=303)


@bp.post("/moderation/sessions", endpoint="end_other_sessions")
@login_required
def end_other_sessions():
    """End every other session of this moderator; this one goes on."""
    if LogoutForm().validate_on_submit():
        accounts.end_sessions(current_user)
        # The session generation moved: this session takes the new one.
        login_user(current_user._get_current_object())
        flash(_("Vos autres sessions sont fermées."), "info")
    return redirect(url_for("moderation.queue"), code=303)


@bp.get("/moderation/", endpoint="queue")
@login_required
def queue_page():
    """Show one tab of the comment queue."""
    return render_template("moderation/queue.html", **queue.context(request.args))


@bp.post("/moderation/")
@login_required
def act():
    """Publish, delete or mark as spam the selected comments."""
    form = ActionForm()
    tab = queue.tab_status(form.tab.data)
    back = redirect(url_for("moderation.queue", tab=tab.value), code=303)
    if not form.validate_on_submit() or not form.ids.data:
        flash(_("Sélectionnez au moins un commentaire et une action."), "error")
        return back
    action = actions.Action(form.action.data)
    # Only the comments still in the tab's state: a colleague may have been quicker.
    done = actions.apply(action, form.ids.data, expected=tab)
    flash(action.done_message(len(done.changed)), "info")
    return back


@bp.post("/moderation/mail")
@login_required
def retry_mail():
    """Queue failed messages again, due now."""
    form = RetryMailForm()
    if form.validate_on_submit() and form.ids.data:
        count = retry_failed(form.ids.data)
        flash(
            ngettext(
                "%(num)d message remis dans la file d'envoi.",
                "%(num)d messages remis dans la file d'envoi.",
                count,
            ),
            "info",
        )
    return redirect(url_for("moderation.queue"), code=303)
