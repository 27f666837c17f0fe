"""The comment form's CSRF defence without a session: a signed token and the Origin."""

from __future__ import annotations

import time

import pytest
from helpers import GUITARISTE, VOEUX, form_token_of, send, stored

from app.comments import token

# Every test here that uses the database runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.databases("sqlite", "postgresql")

SECRET = "test-secret"  # the BLOG_SECRET_KEY of the test apps


@pytest.fixture
def guarded(make_app):
    """Return an app that checks the comment form's token, as in production."""
    return make_app(WTF_CSRF_ENABLED=True)


def page_token(client, url=GUITARISTE) -> str:
    """Return the form token of a post page."""
    return form_token_of(client.get(url).get_data(as_text=True))


def post(client, form_token, **fields):
    """Send the comment form with a token."""
    return send(client, form_token=form_token, body="Mon commentaire soigné", **fields)


def bodies(app) -> list[str]:
    """Return the bodies of every stored comment."""
    return [comment.body for comment in stored(app)]


def test_a_reader_comments_with_the_token_of_the_page_and_no_cookie(guarded):
    client = guarded.test_client()
    response = post(client, page_token(client), headers={"Origin": "http://localhost"})
    assert response.status_code == 303
    assert bodies(guarded) == ["Mon commentaire soigné"]


def test_a_token_stays_good_for_a_day_and_more(guarded):
    issued = token.issue(SECRET, GUITARISTE, time.time() - 30 * 3600)
    assert post(guarded.test_client(), issued).status_code == 303


@pytest.mark.parametrize(
    ("form_token", "why"),
    [
        (token.issue(SECRET, GUITARISTE, time.time() - 60 * 3600), "expired"),
        (token.issue(SECRET, VOEUX, time.time()), "another post's"),
        (token.issue("another secret", GUITARISTE, time.time()), "forged"),
        ("", "missing"),
        ("²³.abc", "garbled"),
    ],
)
def test_a_bad_token_keeps_the_text_and_says_the_page_expired(guarded, form_token, why):
    response = post(guarded.test_client(), form_token)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, why
    assert "La page a expiré" in page
    assert "Mon commentaire soigné" in page
    assert bodies(guarded) == []
    # The page sent back carries a fresh token that works.
    fresh = form_token_of(page)
    assert post(guarded.test_client(), fresh).status_code == 303


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Referer": "https://evil.example/page.html"},
    ],
)
def test_a_post_from_another_site_is_refused_even_with_a_good_token(guarded, headers):
    client = guarded.test_client()
    response = post(client, page_token(client), headers=headers)
    assert response.status_code == 403
    assert "Accès refusé" in response.get_data(as_text=True)
    assert bodies(guarded) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost"},
        {"Origin": "http://127.0.0.1:5000"},  # the site's base_url
        {"Sec-Fetch-Site": "same-origin"},
        {"Referer": "http://localhost/2011/10/"},
        {},  # a script or an old browser: the token alone decides
    ],
)
def test_a_post_from_the_site_itself_is_taken(guarded, headers):
    client = guarded.test_client()
    assert post(client, page_token(client), headers=headers).status_code == 303


def test_the_moderators_forms_keep_their_session_token(guarded):
    response = guarded.test_client().post(
        "/login", data={"username": "x", "password": "y"}
    )
    assert response.status_code == 400  # no session token: refused
