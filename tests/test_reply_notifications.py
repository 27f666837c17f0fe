"""Replies that reach the commenter: opt-in, one message an hour, unsubscribe."""

from __future__ import annotations

import re

import pytest
from helpers import store_comment
from sinks import (
    GUITARISTE,
    clock_at,
    comment_form,
    mail_settings,
    outbox_rows,
    running_sink,
    send,
    text_and_html,
)

from app.comments.models import Comment, CommentStatus
from app.extensions import db

# The comment rows behave alike on both databases the site supports.
pytestmark = pytest.mark.databases("sqlite", "postgresql")

ANNE = "anne@example.org"


@pytest.fixture
def clock():
    """Return a movable clock for the sender."""
    return clock_at(2026, 12, 1, 9, 0)


@pytest.fixture
def sink():
    """Run a local SMTP server; yield (handler, port)."""
    with running_sink() as running:
        yield running


@pytest.fixture
def blog(make_app, sink, clock):
    """Return an app publishing comments at once and mailing to the sink."""
    _handler, port = sink
    return make_app(
        CARNET_MAIL_CLOCK=clock,
        settings={
            "site": {"base_url": "https://carnet.example"},
            "comments": {"moderation": "never"},
            "mail": mail_settings(port),
        },
    )


def anne_asks_for_replies(blog, **fields) -> int:
    """Post Anne's comment asking for replies; return its id."""
    form = comment_form(author="Anne", email=ANNE, notify="y", body="Question ?")
    response = blog.test_client().post(GUITARISTE, data={**form, **fields})
    assert response.status_code == 303
    return int(response.headers["Location"].rpartition("#c")[2])


def reply(blog, parent: int, body: str, post: str = GUITARISTE, **fields) -> int:
    """Post a reply to comment ``parent`` (by Paul unless told); return its id."""
    form = comment_form(**{"author": "Paul", **fields})
    form.update(body=body, parent_id=str(parent))
    response = blog.test_client().post(post, data=form)
    assert response.status_code == 303
    return int(response.headers["Location"].rpartition("#c")[2])


def unsubscribe_path(message) -> str:
    """Return the site path of a message's unsubscribe link."""
    header = message["List-Unsubscribe"]
    return re.fullmatch(r"<https://carnet\.example(/mail/unsubscribe/\S+)>", header)[1]


def test_the_form_offers_reply_notifications_with_an_email_address(blog, app):
    page = blog.test_client().get(GUITARISTE).get_data(as_text=True)
    assert '<input id="notify" name="notify" type="checkbox"' in page
    assert '<label for="notify">M\'avertir par e-mail des réponses</label>' in page
    assert 'aria-describedby="notify-help"' in page
    assert (
        "Seulement avec une adresse e-mail : sans elle, cette case est ignorée" in page
    )
    # Without [mail] nothing could be sent: the box is not offered.
    assert 'name="notify"' not in app.test_client().get(GUITARISTE).text


def test_the_box_stays_ticked_when_the_form_comes_back_with_errors(blog):
    form = comment_form(email=ANNE, notify="y", website="javascript:alert(1)")
    page = blog.test_client().post(GUITARISTE, data=form).get_data(as_text=True)
    assert re.search(r'<input id="notify"[^>]* checked', page)
    page = blog.test_client().post(GUITARISTE, data={**form, "notify": ""}).text
    assert not re.search(r'<input id="notify"[^>]* checked', page)


def test_the_wish_is_kept_only_with_an_email_address(blog):
    with_address = anne_asks_for_replies(blog)
    without = anne_asks_for_replies(blog, email="", body="Sans adresse")
    with blog.app_context():
        assert db.session.get(Comment, with_address).notify is True
        assert db.session.get(Comment, without).notify is False


def test_a_published_reply_reaches_the_commenter_with_a_link_and_unsubscribe(
    blog, sink
):
    handler, _port = sink
    anne = anne_asks_for_replies(blog)
    paul = reply(blog, anne, "Voici la réponse.", email="paul@example.org")
    assert "1 message(s) envoyé(s)" in send(blog).output
    [envelope] = handler.envelopes
    assert envelope.rcpt_tos == [ANNE]  # not Paul: he wrote the reply
    [message] = handler.messages
    assert message["Subject"] == (
        "[Carnet] 1 réponse sur « Un guitariste, des humains et le numérique »"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe_path(message)
    text, html = text_and_html(message)
    assert text.startswith("Bonjour Anne,")
    assert "Paul" in text and "Voici la réponse." in text
    assert f"https://carnet.example{GUITARISTE}#c{paul}" in text
    assert f"https://carnet.example{path}" in text
    assert f'href="https://carnet.example{GUITARISTE}#c{paul}"' in html
    assert f'href="https://carnet.example{path}"' in html
    assert ANNE not in path and "anne" not in path


def test_nobody_is_told_without_asking(blog, sink):
    handler, _port = sink
    quiet = anne_asks_for_replies(blog, notify="")
    reply(blog, quiet, "Une réponse.")
    send(blog)
    assert handler.envelopes == [] and outbox_rows(blog) == []


def test_a_reply_published_by_the_moderator_reaches_the_commenter(
    make_app, sink, clock
):
    handler, port = sink
    app = make_app(CARNET_MAIL_CLOCK=clock, settings={"mail": mail_settings(port)})
    anne = store_comment(
        app, author="Anne", email=ANNE, notify=True, status=CommentStatus.APPROVED
    )
    app.test_client().post(
        GUITARISTE, data=comment_form(body="En attente", parent_id=str(anne))
    )
    send(app)
    assert [e.rcpt_tos for e in handler.envelopes] == [["modo@carnet.example"]]
    result = app.test_cli_runner().invoke(args=["comments", "approve", "2"])
    assert result.exit_code == 0
    send(app)
    assert [e.rcpt_tos for e in handler.envelopes][1:] == [[ANNE]]
    assert "En attente" in text_and_html(handler.messages[1])[0]


def test_everyone_asking_in_the_thread_is_told_once_per_address(blog, sink):
    handler, _port = sink
    anne = anne_asks_for_replies(blog)
    reply(blog, anne, "Moi aussi.", author="Bea", email="bea@example.org", notify="y")
    send(blog)  # Anne hears of Bea's reply
    reply(blog, anne, "Encore moi", author="Anne", email=ANNE.upper(), notify="y")
    send(blog)  # Bea hears of Anne's; Anne, who wrote it, does not
    assert [e.rcpt_tos for e in handler.envelopes] == [[ANNE], ["bea@example.org"]]


def test_at_most_one_message_an_hour_per_thread_and_address(blog, sink, clock):
    handler, _port = sink
    anne = anne_asks_for_replies(blog)
    reply(blog, anne, "Première réponse.")
    send(blog)
    clock.advance(minutes=10)
    reply(blog, anne, "Deuxième réponse.")
    clock.advance(minutes=10)
    reply(blog, anne, "Troisième réponse.")
    send(blog)
    clock.advance(minutes=39)
    send(blog)
    assert len(handler.envelopes) == 1
    clock.advance(minutes=1)  # an hour after the first message
    assert "1 message(s) envoyé(s)" in send(blog).output
    assert len(handler.envelopes) == 2
    second = handler.messages[1]
    assert second["Subject"].startswith("[Carnet] 2 réponses sur")
    text, _html = text_and_html(second)
    assert "Deuxième réponse." in text and "Troisième réponse." in text
    assert "Première réponse." not in text


def test_the_unsubscribe_link_asks_then_stops_every_notification(blog, sink, clock):
    handler, _port = sink
    anne = anne_asks_for_replies(blog)
    other_post = "/2011/12/voeux-pour-lannee-nouvelle.html"
    elsewhere = store_comment(
        blog,
        post_url=other_post,
        author="Anne",
        email="Anne@Example.org",
        notify=True,
        status=CommentStatus.APPROVED,
    )
    reply(blog, anne, "Première réponse.")
    send(blog)
    path = unsubscribe_path(handler.messages[0])
    client = blog.test_client()
    page = client.get(path)
    assert page.status_code == 200
    assert "Me désabonner" in page.text and 'method="post"' in page.text
    assert page.headers["Cache-Control"] == "private, no-store"
    with blog.app_context():
        assert db.session.get(Comment, anne).notify is True  # a GET changes nothing
    reply(blog, anne, "Deuxième réponse.")  # queued, due in an hour
    done = client.post(path)
    assert done.status_code == 200
    assert "Vous ne recevrez plus aucun avis de réponse" in done.text
    assert "Set-Cookie" not in done.headers
    with blog.app_context():
        assert db.session.get(Comment, anne).notify is False
        assert db.session.get(Comment, elsewhere).notify is False
    clock.advance(hours=2)
    reply(blog, elsewhere, "Ailleurs.", post=other_post)
    send(blog)
    assert len(handler.envelopes) == 1
    assert client.post(path).status_code == 200  # again: still unsubscribed


def test_the_one_click_post_of_rfc_8058_unsubscribes(blog, sink):
    handler, _port = sink
    anne = anne_asks_for_replies(blog)
    reply(blog, anne, "Réponse.")
    send(blog)
    path = unsubscribe_path(handler.messages[0])
    response = blog.test_client().post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    with blog.app_context():
        assert db.session.get(Comment, anne).notify is False


def test_a_forged_unsubscribe_link_is_refused(blog):
    anne = anne_asks_for_replies(blog)
    client = blog.test_client()
    for method in (client.get, client.post):
        response = method("/mail/unsubscribe/bWFsaW4.abc")
        assert response.status_code == 400
        assert "Lien non valable" in response.text
    with blog.app_context():
        assert db.session.get(Comment, anne).notify is True


def test_a_deleted_comment_loses_its_address_and_its_notifications(blog, sink):
    handler, _port = sink
    anne = anne_asks_for_replies(blog)
    assert blog.test_cli_runner().invoke(args=["comments", "delete", str(anne)])
    with blog.app_context():
        comment = db.session.get(Comment, anne)
        assert (comment.email, comment.notify) == (None, False)
    reply(blog, anne, "Trop tard.")
    send(blog)
    assert handler.envelopes == []


def test_a_reply_deleted_before_its_message_left_is_not_announced(blog, sink, clock):
    handler, _port = sink
    anne = anne_asks_for_replies(blog)
    reply(blog, anne, "Première.")
    send(blog)
    regret = reply(blog, anne, "Regrettable.")
    blog.test_cli_runner().invoke(args=["comments", "delete", str(regret)])
    clock.advance(hours=1)
    send(blog)
    assert len(handler.envelopes) == 1
    assert outbox_rows(blog)[-1]["state"] == "dropped"


def test_an_address_is_never_shown_to_readers(blog):
    anne = anne_asks_for_replies(blog)
    reply(blog, anne, "Réponse.", email="paul@example.org", notify="y")
    client = blog.test_client()
    for path in (
        GUITARISTE,
        "/feeds/comments/default",
        "/feeds/posts/default",
        f"{GUITARISTE}?reply={anne}",
    ):
        text = client.get(path).get_data(as_text=True)
        assert ANNE not in text and "paul@example.org" not in text
