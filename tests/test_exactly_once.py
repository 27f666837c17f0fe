"""A comment form sent twice stores one comment (issue 11, finding 6).

The repeat check read, then inserted: the same comment sent at once to two
workers was stored twice. A submission is now named by the post, the author,
the text and the form token's issue time, and that name is unique in the
database; both requests are answered as the first one was.
"""

from __future__ import annotations

import threading
import time

import pytest
from helpers import GUITARISTE, form_token_of, send, stored, text

from app.comments import service, token

requests = pytest.importorskip("requests")

pytestmark = pytest.mark.databases("sqlite", "postgresql")


@pytest.fixture
def app(make_app):
    """Return an app publishing comments at once, so that each has its anchor."""
    return make_app(settings={"comments": {"moderation": "never"}})


def test_a_form_sent_twice_stores_one_comment_and_answers_both_alike(app, client):
    token = form_token_of(text(client.get(GUITARISTE)))
    first = send(client, author="Zoé", body="Deux clics", form_token=token)
    second = send(client, author="Zoé", body="Deux clics", form_token=token)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert first.headers["Location"].endswith("#c1")
    assert [c.body for c in stored(app)] == ["Deux clics"]


def test_two_requests_that_both_read_before_either_wrote_store_one_comment(
    app, client, monkeypatch
):
    # What two workers do at once: each looks for the same comment, finds
    # none (the other has not committed yet), and inserts it. The database's
    # unique key decides.
    monkeypatch.setattr(service, "is_repeat", lambda *args: False)
    token = form_token_of(text(client.get(GUITARISTE)))
    answers = [
        send(client, author="Zoé", body="En même temps", form_token=token)
        for _ in range(2)
    ]
    monkeypatch.undo()
    assert [c.body for c in stored(app)] == ["En même temps"]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]


def test_a_double_submit_to_a_threaded_server_stores_each_comment_once(
    app, client, live_server
):
    token = form_token_of(text(client.get(GUITARISTE)))
    rounds = 4
    locations: list[list[str]] = [[] for _ in range(rounds)]

    def post_twice(number: int) -> None:
        """Send the same form from two threads released together."""
        start = threading.Barrier(2)

        def one() -> None:
            """Wait for the other thread, then send the form."""
            start.wait(timeout=30)
            answer = requests.post(
                live_server + GUITARISTE,
                data={"author": "Zoé", "body": f"Course {number}", "form_token": token},
                allow_redirects=False,
                timeout=60,
            )
            where = answer.headers.get("Location")
            locations[number].append(f"{answer.status_code} {where}")

        threads = [threading.Thread(target=one) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)

    for number in range(rounds):
        post_twice(number)
    bodies = sorted(c.body for c in stored(app))
    assert bodies == [f"Course {n}" for n in range(rounds)]
    for pair in locations:
        assert len(pair) == 2 and pair[0] == pair[1], pair
        assert pair[0].startswith("303 ") and "#c" in pair[0]


def test_the_same_text_in_a_later_form_is_still_refused_as_a_repeat(app, client):
    # A page served five hours earlier carries the token of another window.
    earlier = token.issue("test-secret", GUITARISTE, time.time() - 5 * 3600)
    assert (
        send(client, author="Zoé", body="Encore", form_token=earlier).status_code == 303
    )
    now = form_token_of(text(client.get(GUITARISTE)))
    again = send(client, author="Zoé", body="Encore", form_token=now)
    assert again.status_code == 422
    assert "Vous avez déjà envoyé ce commentaire." in text(again)
    assert len(stored(app)) == 1
