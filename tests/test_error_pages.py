"""Error pages speak French, keep the site's layout and never show a traceback."""

from __future__ import annotations

import logging

import pytest
from flask import abort
from helpers import BROUILLON, GUITARISTE, NULLE_PART, send, text
from lxml import html


def assert_french_page_with_layout(response, code: int, title: str) -> None:
    """Check the status, the French title and the site's header and sidebar."""
    assert response.status_code == code
    assert response.mimetype == "text/html"
    tree = html.fromstring(response.data)
    assert tree.get("lang") == "fr"
    assert tree.findtext(".//h1").strip() == title
    assert title in tree.findtext(".//title")
    assert tree.find(".//header") is not None, "no site header"
    assert tree.find(".//main") is not None, "no main landmark"
    assert tree.find(".//aside") is not None, "no sidebar"
    assert tree.xpath("//a[@href='/']"), "no way back home"
    # The security headers are on error pages too.
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_unknown_address_gives_a_french_404_with_the_layout(client):
    response = client.get(NULLE_PART)
    assert_french_page_with_layout(response, 404, "Page introuvable")
    assert "n'existe pas" in response.get_data(as_text=True).replace("’", "'")


def test_draft_gives_the_same_404_as_a_missing_page(client):
    response = client.get(BROUILLON)
    assert_french_page_with_layout(response, 404, "Page introuvable")


def test_form_without_csrf_token_gives_a_french_400(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/login", data={"username": "x", "password": "y"})
    assert_french_page_with_layout(response, 400, "Requête incorrecte")
    assert "rechargez la page" in response.get_data(as_text=True)


def test_comment_without_csrf_token_keeps_the_reader_text(make_app):
    """The comment form checks its token itself so the reader loses nothing."""
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = send(client, author="Lucie", body="Mon long commentaire")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Mon long commentaire" in text
    assert "La page a expiré" in text


def test_forbidden_page_is_french(make_app):
    app = make_app()
    app.add_url_rule("/interdit", "interdit", lambda: abort(403))
    response = app.test_client().get("/interdit")
    assert_french_page_with_layout(response, 403, "Accès refusé")


def test_too_many_login_attempts_give_a_french_429(make_app):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    # Ten names, so that only the per-address limit is reached (not an account's).
    for n in range(10):
        answer = client.post("/login", data={"username": f"x{n}", "password": "y"})
        assert answer.status_code == 401
    response = client.post("/login", data={"username": "x", "password": "y"})
    assert_french_page_with_layout(response, 429, "Trop de requêtes")
    assert "Patientez" in response.get_data(as_text=True)


@pytest.fixture
def broken_app(make_app):
    """Return an app, not in testing mode, with a route that fails like a bug."""
    # Built during set-up: Alembic's logging set-up, run by the migration,
    # replaces the root handlers, caplog's among them.
    app = make_app(TESTING=False)

    def broken():
        """Fail like a bug would."""
        raise RuntimeError("détail interne secret")

    app.add_url_rule("/casse", "casse", broken)
    return app


def test_server_error_logs_the_traceback_and_shows_none(broken_app, caplog):
    with caplog.at_level(logging.ERROR):
        response = broken_app.test_client().get("/casse")
    assert_french_page_with_layout(response, 500, "Erreur du serveur")
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    assert "détail interne secret" not in text
    assert "RuntimeError" not in text
    logged = [r for r in caplog.records if r.exc_info]
    assert logged, "the exception was not logged"
    assert "détail interne secret" in caplog.text
    assert "Traceback" in caplog.text


def test_too_many_comments_give_a_french_429_that_keeps_the_text(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True,
        settings={"comments": {"rate_limit": "2/minute", "moderation": "never"}},
    )
    client = app.test_client()
    for n in range(2):
        sent = send(client, author="Lucie", body=f"Avis {n}")
        assert sent.status_code == 303
    response = send(client, author="Lucie", body="Encore un")
    assert response.status_code == 429
    assert response.headers["Retry-After"]
    assert response.headers["Cache-Control"] == "private, no-store"
    tree = html.fromstring(response.data)
    assert tree.get("lang") == "fr"
    assert tree.find(".//main") is not None
    assert tree.xpath("//textarea[@name='body']")[0].text.strip() == "Encore un"
    assert tree.xpath("//input[@name='author']/@value") == ["Lucie"]
    assert "beaucoup de commentaires en peu de temps" in text(response)


def test_a_405_says_which_methods_the_address_accepts(client):
    response = client.put(GUITARISTE)
    assert_french_page_with_layout(response, 405, "Méthode non autorisée")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD", "POST"}
    response = client.post("/feeds/posts/default")
    assert response.status_code == 405
    assert "POST" not in response.headers["Allow"]


def test_a_request_too_large_gets_the_french_413_page(client):
    response = client.post("/login", data={"username": "x" * (2 * 1024 * 1024)})
    assert_french_page_with_layout(response, 413, "Envoi trop volumineux")


def test_a_comment_too_large_to_be_received_comes_back_cut_with_the_reason(client):
    long_text = "Un très long avis. " * 120_000  # about 2.3 MB, over the 1 MiB limit
    # In the order a browser sends the fields: the text comes last but one.
    fields = {"author": "Lucie", "email": "lucie@example.org", "body": long_text}
    response = client.post(GUITARISTE, data={**fields, "homepage": ""})
    assert response.status_code == 413
    assert response.headers["Cache-Control"] == "private, no-store"
    tree = html.fromstring(response.data)
    assert tree.get("lang") == "fr"
    assert tree.xpath("//input[@name='author']/@value") == ["Lucie"]
    assert tree.xpath("//input[@name='email']/@value") == ["lucie@example.org"]
    kept = tree.xpath("//textarea[@name='body']")[0].text.strip()
    assert len(kept) <= 4096
    assert long_text.startswith(kept)
    assert len(kept) > 4000
    assert "trop long pour être reçu" in text(response)
    assert "coupé à 4096 caractères" in text(response)


def test_a_browser_sending_a_too_large_comment_gets_the_page_back(live_server):
    requests = pytest.importorskip("requests")
    long_text = "Encore un très long avis. " * 80_000  # about 2 MB
    response = requests.post(
        live_server + GUITARISTE,
        data={"author": "Lucie", "body": long_text},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 413
    assert "trop long pour être reçu" in response.text
    assert "Encore un très long avis." in response.text


def test_a_too_large_comment_over_the_rate_limit_still_comes_back(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True, settings={"comments": {"rate_limit": "1/minute"}}
    )
    client = app.test_client()
    assert send(client, author="Lucie", body="Premier").status_code == 303
    long_text = "Un très long avis. " * 120_000
    response = client.post(GUITARISTE, data={"author": "Lucie", "body": long_text})
    assert response.status_code == 429
    kept = html.fromstring(response.data).xpath("//textarea[@name='body']")[0].text
    assert long_text.startswith(kept.strip()) and len(kept.strip()) > 4000
    assert "coupé à 4096 caractères" in text(response)
