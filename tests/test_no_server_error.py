"""The requests of the attack run that answered 500 (issue 11, finding 3).

Unicode digits pass ``str.isdigit()`` but not ``int()``, 23 digits do not
fit SQLite's integers, a line break in a redirect's header is refused by
Werkzeug, a file in a form field is no text: each of these now gets an
ordinary answer. tests/test_fuzz.py throws the same kinds of values at
every route.
"""

from __future__ import annotations

import io

import pytest
from helpers import GUITARISTE, send, status_of, store_comment, stored, text

from app.comments.models import CommentStatus

pytestmark = pytest.mark.databases("sqlite", "postgresql")

HUGE = "99999999999999999999999"


@pytest.fixture
def app(make_app):
    """Return an app that answers as in production: errors as pages, not raised."""
    return make_app(TESTING=False, CARNET_MAIL_THREAD=False)


@pytest.mark.parametrize(
    "url",
    [
        f"{GUITARISTE}?reply=%C2%B2",
        f"{GUITARISTE}?reply={HUGE}",
        "/feeds/comments/default?max-results=%C2%B2",
        "/feeds/comments/default?start-index=%C2%B9",
        f"/feeds/comments/default?start-index={HUGE}&max-results={HUGE}",
        "/feeds/posts/default?max-results=%C2%B2&start-index=%C2%B9",
        "/?page=%C2%B2",
        f"/?page={HUGE}",
        # Found by tests/test_fuzz.py: a NUL in a file name.
        "/static/%00",
        "/static/css/carnet%00.css",
        "/media/%00.jpg",
    ],
)
def test_odd_values_in_reader_addresses_are_no_error(app, client, url):
    store_comment(app, status=CommentStatus.APPROVED)
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert "Traceback" not in text(response)


def test_a_line_break_in_a_label_redirect_stays_out_of_the_headers(client):
    response = client.get("/search?label=%0d%0a")
    assert response.status_code == 301
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location
    assert location == "/search/label/%0D%0A"
    assert client.get(location).status_code == 404


def test_a_file_sent_as_the_comment_text_is_refused_with_400(app, client):
    response = client.post(
        GUITARISTE,
        data={"author": "Zoé", "body": (io.BytesIO(b"Bonjour !"), "avis.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Requête incorrecte" in text(response)
    assert stored(app) == []


def test_a_multipart_form_without_a_file_is_still_read(app, client):
    response = client.post(
        GUITARISTE,
        data={"author": "Zoé", "body": "En plusieurs parties"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert [c.body for c in stored(app)] == ["En plusieurs parties"]


@pytest.mark.parametrize(
    "url", ["/moderation/?page=%C2%B2", f"/moderation/?page={HUGE}"]
)
def test_odd_queue_pages_show_the_first_page(app, client, auth, url):
    store_comment(app, author="Paul")
    assert auth.login().status_code == 303
    response = client.get(url)
    assert response.status_code == 200
    assert "Paul" in text(response)


def test_a_bulk_action_on_an_id_too_large_for_the_database_changes_nothing(
    app, client, auth
):
    comment = store_comment(app)
    assert auth.login().status_code == 303
    response = client.post(
        "/moderation/", data={"ids": [HUGE, str(comment)], "action": "approve"}
    )
    assert response.status_code == 303
    assert status_of(app, comment) == CommentStatus.PENDING
    page = text(client.get(response.headers["Location"]))
    assert "Sélectionnez au moins un commentaire et une action." in page


def test_a_comment_with_odd_numbers_in_its_fields_is_stored_or_refused(app, client):
    response = send(client, parent_id="²", body="Réponse à personne")
    assert response.status_code == 303
    response = send(client, parent_id=HUGE, body="Réponse au néant")
    assert response.status_code == 303
    assert [c.parent_id for c in stored(app)] == [None, None]
