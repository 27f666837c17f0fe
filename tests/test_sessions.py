"""Moderators' sessions can be ended (issue 11, findings 2 and 7).

A session cookie copied before ``POST /logout`` or ``flask moderator passwd``
used to keep opening the queue: the cookie is signed, not stored, so ending
it takes a session generation kept with the account. The CSRF token of the
login page is replaced once logged in, and every moderation page is private.
"""

from __future__ import annotations

import pytest
from helpers import csrf_token_of, status_of, store_comment, text

from app.comments.models import CommentStatus

pytestmark = pytest.mark.databases("sqlite", "postgresql")

COOKIE = "session"


def copy_of(client, app):
    """Return a new client holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def opens_the_queue(client) -> bool:
    """Tell whether ``client`` gets the queue (not the login page)."""
    return client.get("/moderation/").status_code == 200


def test_a_cookie_copied_before_logout_no_longer_opens_the_queue(app, client, auth):
    assert auth.login().status_code == 303
    thief = copy_of(client, app)
    assert opens_the_queue(thief)
    assert auth.logout().status_code == 303
    assert not opens_the_queue(client)
    assert not opens_the_queue(thief)
    # Logging in again gives a session that works.
    assert auth.login().status_code == 303
    assert opens_the_queue(client)
    assert not opens_the_queue(thief)


def test_a_new_password_ends_every_session_of_the_account(app, client, auth, runner):
    assert auth.login().status_code == 303
    thief = copy_of(client, app)
    changed = runner.invoke(
        args=["moderator", "passwd", auth._credentials.username, "--password-stdin"],
        input="un tout autre mot de passe\n",
    )
    assert changed.exit_code == 0, changed.output
    assert not opens_the_queue(client)
    assert not opens_the_queue(thief)


def test_log_out_everywhere_else_keeps_this_session_only(app, client, auth):
    assert auth.login().status_code == 303
    other_browser = app.test_client()
    assert auth.login(other_browser).status_code == 303
    thief = copy_of(client, app)
    page = text(client.get("/moderation/"))
    assert "Déconnecter mes autres sessions" in page
    response = client.post("/moderation/sessions")
    assert response.status_code == 303
    assert "Vos autres sessions sont fermées." in text(client.get("/moderation/"))
    assert opens_the_queue(client)
    assert not opens_the_queue(other_browser)
    assert not opens_the_queue(thief)


def test_a_made_up_session_id_opens_nothing(app, client, auth):
    assert auth.login().status_code == 303
    for forged in ("1", "1:", "1:x", "1:99", ":0", "²:0", "99999999999999999999:0"):
        with client.session_transaction() as session:
            session["_user_id"] = forged
        assert not opens_the_queue(client), forged


def test_the_csrf_token_changes_at_login(make_app, moderator):
    app = make_app(WTF_CSRF_ENABLED=True)
    comment = store_comment(app)
    client = app.test_client()
    before = csrf_token_of(text(client.get("/login")))
    response = client.post(
        "/login",
        data={
            "username": moderator.username,
            "password": moderator.password,
            "csrf_token": before,
        },
    )
    assert response.status_code == 303
    after = csrf_token_of(text(client.get("/moderation/")))
    # The token known before login is worth nothing now.
    refused = client.post(
        "/moderation/",
        data={"ids": comment, "action": "approve", "csrf_token": before},
    )
    assert refused.status_code == 400
    assert status_of(app, comment) == CommentStatus.PENDING
    client.post(
        "/moderation/", data={"ids": comment, "action": "approve", "csrf_token": after}
    )
    assert status_of(app, comment) == CommentStatus.APPROVED


@pytest.mark.parametrize(
    "path",
    [
        "/moderation/",
        "/moderation/?tab=spam",
        "/moderation/?page=%C2%B2",
        "/moderation/?page=99999999999999999999999",
        "/login",
    ],
)
def test_moderation_pages_are_never_stored(client, auth, path):
    assert auth.login().status_code == 303
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
