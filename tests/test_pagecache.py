"""Pages served from memory stay correct: per-reader tokens, flashes, moderators."""

from __future__ import annotations

import re

from app.extensions import db
from app.moderation.models import Moderator

GUITARISTE = "/2011/10/un-guitariste-des-humains-et-le.html"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token_of(client) -> str:
    """Fetch the post page and return its comment form's CSRF token."""
    return TOKEN.search(client.get(GUITARISTE).get_data(as_text=True))[1]


def test_each_reader_gets_a_working_token_from_a_cached_page(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    first, second = app.test_client(), app.test_client()
    first_token, second_token = token_of(first), token_of(second)
    assert first_token != second_token
    assert "carnet-csrf-token" not in second.get(GUITARISTE).get_data(as_text=True)
    response = second.post(
        GUITARISTE,
        data={"csrf_token": second_token, "author": "Zoé", "body": "Joli billet."},
    )
    assert response.status_code == 303


def test_flash_message_is_shown_once_then_the_cached_page_returns(client):
    client.get(GUITARISTE)  # cached without any message
    client.post(GUITARISTE, data={"author": "Zoé", "body": "Bonjour !"})
    shown = client.get(GUITARISTE).get_data(as_text=True)
    assert "Votre commentaire sera visible après validation." in shown
    again = client.get(GUITARISTE).get_data(as_text=True)
    assert "Votre commentaire sera visible après validation." not in again


def test_moderator_never_gets_the_readers_cached_page(app, client):
    with app.app_context():
        account = Moderator(username="marie")
        account.set_password("un mot de passe sûr")
        db.session.add(account)
        db.session.commit()
    assert "connecté comme modérateur" not in client.get(GUITARISTE).get_data(
        as_text=True
    )
    client.post("/login", data={"username": "marie", "password": "un mot de passe sûr"})
    page = client.get(GUITARISTE).get_data(as_text=True)
    assert "connecté comme modérateur" in page


def test_a_published_comment_replaces_the_cached_page(app, client):
    assert "Aucun commentaire:" in client.get(GUITARISTE).get_data(as_text=True)
    with app.app_context():
        from app.comments.models import Comment, CommentStatus

        db.session.add(
            Comment(
                post_url=GUITARISTE,
                author="Léa",
                body="Publié tout de suite",
                status=CommentStatus.APPROVED,
            )
        )
        db.session.commit()
    assert "1 commentaire:" in client.get(GUITARISTE).get_data(as_text=True)
    assert "1 commentaire" in client.get("/").get_data(as_text=True)
