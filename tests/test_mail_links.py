"""One-click moderation from the mail: signed links, a confirmation page, one POST."""

from __future__ import annotations

import re

import pytest
from helpers import status_of
from sinks import (
    GUITARISTE,
    clock_at,
    comment_form,
    mail_settings,
    running_sink,
    send,
    text_and_html,
)

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.mail import tokens

# The comment rows behave alike on both databases the site supports.
pytestmark = pytest.mark.databases("sqlite", "postgresql")


@pytest.fixture
def clock():
    """Return a movable clock for the links' dates."""
    return clock_at(2026, 12, 1, 9, 0)


@pytest.fixture
def mailed(make_app, clock):
    """Return (app, {label: link path}) once a comment's message was sent."""
    with running_sink() as (handler, port):
        app = make_app(
            CARNET_MAIL_CLOCK=clock,
            settings={
                "site": {"base_url": "https://carnet.example"},
                "mail": mail_settings(port),
            },
        )
        app.test_client().post(
            GUITARISTE,
            data=comment_form(email="zoe@example.org", website="https://zoe.example"),
        )
        send(app)
        [message] = handler.messages
    text, _html = text_and_html(message)
    links = dict(
        re.findall(r"^(\w+) : https://carnet\.example(/mail/\S+)$", text, re.M)
    )
    assert set(links) == {"Publier", "Spam", "Supprimer"}
    return app, links


def test_opening_a_link_shows_the_comment_and_one_button_and_changes_nothing(
    mailed,
):
    app, links = mailed
    client = app.test_client()
    for _ in range(3):  # a mail scanner, a preview, the moderator
        response = client.get(links["Publier"])
        assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Un avis à valider" in page and "Zoé" in page
    assert "https://zoe.example" in page
    assert page.count("<button") == 2  # the site's search, and this one
    assert 'method="post"' in page and ">Publier</button>" in page
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Set-Cookie" not in response.headers
    assert status_of(app, 1) is CommentStatus.PENDING


def test_the_button_publishes_and_the_link_is_then_spent(mailed):
    app, links = mailed
    client = app.test_client()
    response = client.post(links["Publier"])
    assert response.status_code == 200
    assert "1 commentaire publié." in response.get_data(as_text=True)
    assert f'href="{GUITARISTE}#c1"' in response.get_data(as_text=True)
    assert status_of(app, 1) is CommentStatus.APPROVED
    assert 'id="c1"' in client.get(GUITARISTE).get_data(as_text=True)
    for method, label in [
        (client.post, "Publier"),
        (client.get, "Publier"),
        (client.post, "Spam"),
        (client.get, "Supprimer"),
    ]:
        again = method(links[label])
        assert again.status_code == 410
        text = again.get_data(as_text=True)
        assert "Lien déjà utilisé" in text and "maintenant publié" in text
        assert again.headers["Cache-Control"] == "private, no-store"
    assert status_of(app, 1) is CommentStatus.APPROVED


def test_the_spam_link_files_the_comment_as_spam(mailed):
    app, links = mailed
    response = app.test_client().post(links["Spam"])
    assert response.status_code == 200
    assert "1 commentaire classé comme spam." in response.get_data(as_text=True)
    assert status_of(app, 1) is CommentStatus.SPAM


def test_the_delete_link_deletes_the_comment_and_its_email_address(mailed):
    app, links = mailed
    response = app.test_client().post(links["Supprimer"])
    assert response.status_code == 200
    assert "1 commentaire supprimé." in response.get_data(as_text=True)
    with app.app_context():
        comment = db.session.get(Comment, 1)
        assert (comment.status, comment.email) == (CommentStatus.DELETED, None)
        assert comment.body == "Un avis à valider"  # the placeholder row stays


def test_a_link_moderated_from_the_queue_first_is_spent(mailed):
    app, links = mailed
    assert app.test_cli_runner().invoke(args=["comments", "delete", "1"]).exit_code == 0
    response = app.test_client().get(links["Publier"])
    assert response.status_code == 410
    assert "maintenant supprimé" in response.get_data(as_text=True)
    assert status_of(app, 1) is CommentStatus.DELETED


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path: path[:-3] + ("abc" if not path.endswith("abc") else "abd"),
        lambda path: path.replace("WzEsImFwcHJvdmUiXQ", "WzIsImFwcHJvdmUiXQ"),
        lambda path: "/mail/moderate/n-importe-quoi",
    ],
    ids=["signature", "other comment", "garbage"],
)
def test_a_forged_link_is_refused_and_changes_nothing(mailed, tamper):
    app, links = mailed
    client = app.test_client()
    forged = tamper(links["Publier"])
    for method in (client.get, client.post):
        response = method(forged)
        assert response.status_code == 400
        assert "Lien non valable" in response.get_data(as_text=True)
    assert status_of(app, 1) is CommentStatus.PENDING


def test_a_link_signed_for_an_unknown_action_is_refused(mailed):
    app, _links = mailed
    with app.test_request_context():
        token = tokens.moderation_token(1, "approuver-tout")
    response = app.test_client().post(f"/mail/moderate/{token}")
    assert response.status_code == 400
    assert status_of(app, 1) is CommentStatus.PENDING


def test_a_link_works_for_14_days_then_expires(mailed, clock):
    app, links = mailed
    client = app.test_client()
    clock.advance(days=13, hours=23)
    assert client.get(links["Spam"]).status_code == 200
    clock.advance(hours=2)
    for method in (client.get, client.post):
        response = method(links["Publier"])
        assert response.status_code == 410
        assert "Lien expiré" in response.get_data(as_text=True)
    assert status_of(app, 1) is CommentStatus.PENDING


def test_a_post_from_another_site_is_refused(mailed):
    app, links = mailed
    response = app.test_client().post(
        links["Publier"], headers={"Origin": "https://ailleurs.example"}
    )
    assert response.status_code == 403
    assert status_of(app, 1) is CommentStatus.PENDING


def test_a_link_to_a_comment_no_longer_stored_is_gone(make_app):
    app = make_app()
    with app.test_request_context():
        token = tokens.moderation_token(99, "approve")
    response = app.test_client().get(f"/mail/moderate/{token}")
    assert response.status_code == 410
    assert "Commentaire introuvable" in response.get_data(as_text=True)
