"""The moderator's mail goes through the outbox: never in the reader's request."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from helpers import status_of
from sinks import (
    GUITARISTE,
    MODERATOR,
    clock_at,
    comment_form,
    mail_settings,
    outbox_rows,
    running_sink,
    send,
    starttls_sink,
    text_and_html,
)

from app.comments.models import Comment, CommentStatus
from app.extensions import db

# The comment rows behave alike on both databases the site supports.
pytestmark = pytest.mark.databases("sqlite", "postgresql")


@pytest.fixture
def sink():
    """Run a local SMTP server; yield (handler, port)."""
    with running_sink() as running:
        yield running


@pytest.fixture
def comments_log(caplog):
    """Return a function that captures a logger after an app is made."""
    added = []

    def enable(name: str = "carnet.comments"):
        """Undo what Alembic's fileConfig may have done to logging."""
        logger = logging.getLogger(name)
        logger.disabled = False
        logger.addHandler(caplog.handler)
        added.append(logger)

    yield enable
    for logger in added:
        logger.removeHandler(caplog.handler)


def mail_app(make_app, port, clock=None, sections=None, **mail):
    """Return an app that mails through 127.0.0.1:``port`` (no sender thread)."""
    config = {
        "settings": {
            "site": {"base_url": "https://carnet.example"},
            "mail": mail_settings(port, **mail),
            **(sections or {}),
        }
    }
    if clock is not None:
        config["CARNET_MAIL_CLOCK"] = clock
    return make_app(**config)


def test_a_comment_is_answered_while_the_mail_server_hangs_then_mailed(make_app, sink):
    handler, port = sink
    app = make_app(
        CARNET_MAIL_THREAD=True,
        CARNET_MAIL_INTERVAL=0.2,
        settings={"mail": mail_settings(port)},
    )
    thread = app.extensions["carnet_mail_thread"]
    handler.hold()
    try:
        response = app.test_client().post(GUITARISTE, data=comment_form())
        # The reader has their answer; the sender is still stuck in SMTP.
        assert response.status_code == 303
        assert handler.entered.wait(60), "the sender never reached the server"
        assert handler.envelopes == []
        [row] = outbox_rows(app)
        assert row["state"] == "queued" and row["claimed_by"]
    finally:
        handler.release()
    [message] = handler.wait_for(1)
    assert message["To"] == MODERATOR
    thread.wait_for_rounds(1)
    assert [row["state"] for row in outbox_rows(app)] == ["sent"]
    thread.stop()


def test_the_moderators_message_shows_the_comment_and_three_signed_links(
    make_app, sink
):
    handler, port = sink
    app = mail_app(make_app, port)
    response = app.test_client().post(
        GUITARISTE,
        data=comment_form(website="https://zoe.example/", body="Un <b>avis</b>"),
    )
    assert response.status_code == 303
    assert handler.envelopes == []  # nothing sent inside the request
    assert "1 message(s) envoyé(s)" in send(app).output
    [envelope] = handler.envelopes
    assert envelope.rcpt_tos == [MODERATOR]
    [message] = handler.messages
    assert message["Subject"] == (
        "[Carnet] Commentaire à modérer sur « Un guitariste, des humains et le "
        "numérique »"
    )
    assert message["From"] == "Carnet <blog@carnet.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = text_and_html(message)
    for part in (text, html):
        assert "Un guitariste, des humains et le numérique" in part
        assert f"https://carnet.example{GUITARISTE}" in part
        assert "Zoé" in part and "https://zoe.example/" in part
    assert "Un <b>avis</b>" in text
    assert "Un <b>avis</b>" in html  # the comment's own allowed markup
    for label in ("Publier", "Spam", "Supprimer"):
        assert f"{label} : https://carnet.example/mail/moderate/" in text
        assert f">{label}</a>" in html
    assert "https://carnet.example/moderation/" in text


def test_without_mail_a_log_line_names_the_queue_and_nothing_is_queued(
    app, caplog, comments_log
):
    comments_log()
    with caplog.at_level(logging.INFO, logger="carnet.comments"):
        app.test_client().post(GUITARISTE, data=comment_form())
    assert any(
        "awaits moderation" in r.getMessage() and "/moderation/" in r.getMessage()
        for r in caplog.records
    )
    assert outbox_rows(app) == []
    assert "Pas de [mail] smtp_host" in send(app).output


def test_a_published_or_refused_comment_sends_the_moderator_nothing(make_app, sink):
    handler, port = sink
    app = mail_app(make_app, port, sections={"comments": {"moderation": "never"}})
    client = app.test_client()
    assert client.post(GUITARISTE, data=comment_form(body="Direct")).status_code == 303
    again = client.post(GUITARISTE, data=comment_form(body="Direct"))
    assert again.status_code == 422  # a repeat is not stored
    send(app)
    assert outbox_rows(app) == [] and handler.envelopes == []


def test_a_comment_moderated_before_its_message_left_is_not_announced(make_app, sink):
    handler, port = sink
    app = mail_app(make_app, port)
    app.test_client().post(GUITARISTE, data=comment_form())
    assert app.test_cli_runner().invoke(args=["comments", "spam", "1"]).exit_code == 0
    send(app)
    assert handler.envelopes == []
    assert [row["state"] for row in outbox_rows(app)] == ["dropped"]


def test_a_refused_message_is_retried_after_1_5_30_120_minutes_then_failed(
    make_app, sink, comments_log, caplog
):
    handler, port = sink
    clock = clock_at(2026, 12, 1, 9, 0)
    app = mail_app(make_app, port, clock=clock)
    app.test_client().post(GUITARISTE, data=comment_form())
    handler.replies = ["451 4.3.0 Essayez plus tard"] * 5
    comments_log("carnet.mail")
    waits = (1, 5, 30, 120)
    for number, minutes in enumerate(waits, start=1):
        assert "1 à réessayer" in send(app).output
        [row] = outbox_rows(app)
        assert (row["state"], row["attempts"]) == ("queued", number)
        assert "451 4.3.0 Essayez plus tard" in row["error"]
        clock.advance(minutes=minutes - 0.5)
        assert "0 message(s) envoyé(s), 0 à réessayer" in send(app).output
        clock.advance(minutes=0.5)
    with caplog.at_level(logging.WARNING, logger="carnet.mail"):
        assert "1 en échec" in send(app).output
    [row] = outbox_rows(app)
    assert (row["state"], row["attempts"]) == ("failed", 5)
    assert any("gave up" in r.getMessage() for r in caplog.records)
    clock.advance(days=1)
    send(app)
    assert handler.envelopes == []  # a failed message is not tried again
    client = app.test_client()
    store_moderator(app)
    client.post("/login", data={"username": "modo", "password": "secret-pass"})
    queue = client.get("/moderation/").get_data(as_text=True)
    assert "Messages non envoyés" in queue
    assert "451 4.3.0 Essayez plus tard" in queue
    # The owner fixed the server: the message goes again, with fresh tries.
    resent = client.post("/moderation/mail", data={"ids": ["1"]})
    assert resent.status_code == 303
    assert "1 message(s) envoyé(s)" in send(app).output
    assert len(handler.envelopes) == 1
    assert "Messages non envoyés" not in client.get("/moderation/").text


def store_moderator(app) -> None:
    """Create the moderator modo / secret-pass."""
    result = app.test_cli_runner().invoke(
        args=["moderator", "create", "modo", "--password-stdin"],
        input="secret-pass\n",
    )
    assert result.exit_code == 0, result.output


def test_a_temporary_failure_then_success_sends_the_message_once(make_app, sink):
    handler, port = sink
    clock = clock_at(2026, 12, 1, 9, 0)
    app = mail_app(make_app, port, clock=clock)
    app.test_client().post(GUITARISTE, data=comment_form())
    handler.replies = ["421 4.7.0 Trop de connexions"]
    send(app)
    clock.advance(minutes=1)
    assert "1 message(s) envoyé(s)" in send(app).output
    assert len(handler.envelopes) == 1
    [row] = outbox_rows(app)
    assert (row["state"], row["attempts"], row["error"]) == ("sent", 1, None)


def test_a_refusal_for_good_fails_at_once(make_app, sink):
    handler, port = sink
    app = mail_app(make_app, port)
    app.test_client().post(GUITARISTE, data=comment_form())
    handler.replies = ["554 5.7.1 Refusé"]
    assert "1 en échec" in send(app).output
    [row] = outbox_rows(app)
    assert (row["state"], row["attempts"]) == ("failed", 1)


def test_an_unreachable_mail_server_keeps_the_comment_and_the_message(make_app):
    from sinks import free_port

    app = mail_app(make_app, free_port())
    response = app.test_client().post(GUITARISTE, data=comment_form(body="Malgré"))
    assert response.status_code == 303
    assert "1 à réessayer" in send(app).output
    [row] = outbox_rows(app)
    assert row["state"] == "queued" and "ConnectionRefusedError" in row["error"]
    assert status_of(app, 1) is CommentStatus.PENDING


@pytest.mark.parametrize("name", ["starttls", "use_tls"])
def test_mail_goes_through_starttls_and_login_when_configured(make_app, tmp_path, name):
    with starttls_sink(tmp_path) as (handler, port):
        settings = {name: True, "smtp_user": "blog", "smtp_password": "s3cret"}
        app = mail_app(make_app, port, **settings)
        app.test_client().post(GUITARISTE, data=comment_form(body="Chiffré"))
        send(app)
        [envelope] = handler.envelopes
        assert envelope.came_over_tls and envelope.login == b"blog"
        assert "Chiffré" in text_and_html(handler.messages[0])[0]


def test_a_refused_smtp_login_is_retried_and_keeps_the_comment(make_app, tmp_path):
    with starttls_sink(tmp_path) as (handler, port):
        settings = {"starttls": True, "smtp_user": "blog", "smtp_password": "faux"}
        app = mail_app(make_app, port, **settings)
        app.test_client().post(GUITARISTE, data=comment_form(body="Faux"))
        assert "1 à réessayer" in send(app).output
        assert handler.envelopes == []
        [row] = outbox_rows(app)
        assert row["state"] == "queued" and row["error"].startswith("535")
    with app.app_context():
        [comment] = db.session.scalars(sa.select(Comment)).all()
        assert (comment.body, comment.status) == ("Faux", CommentStatus.PENDING)


def test_a_daily_digest_sends_one_message_a_day_with_every_waiting_comment(
    make_app, sink
):
    handler, port = sink
    clock = clock_at(2026, 12, 1, 9, 0)
    app = mail_app(make_app, port, clock=clock, digest="daily")
    client = app.test_client()
    client.post(GUITARISTE, data=comment_form(body="Premier"))
    send(app)
    assert len(handler.envelopes) == 1  # the first one goes at once
    for body in ("Deuxième", "Troisième", "Quatrième"):
        clock.advance(hours=2)
        client.post(GUITARISTE, data=comment_form(body=body))
        send(app)
    assert len(handler.envelopes) == 1
    # Moderated from the queue meanwhile: left out of the digest.
    assert (
        app.test_cli_runner().invoke(args=["comments", "approve", "4"]).exit_code == 0
    )
    clock.advance(hours=18)
    assert "1 message(s) envoyé(s)" in send(app).output
    digest = handler.messages[1]
    assert digest["Subject"] == "[Carnet] 2 commentaires à modérer"
    text, html = text_and_html(digest)
    assert "Deuxième" in text and "Troisième" in text and "Quatrième" not in text
    assert text.count("Publier : https://carnet.example/mail/moderate/") == 2
    assert status_of(app, 4) is CommentStatus.APPROVED


def test_a_message_queued_with_a_comment_that_fails_to_store_is_not_kept(
    make_app, sink, monkeypatch
):
    handler, port = sink
    app = mail_app(make_app, port)
    from app.comments import service

    def broken_commit():
        """Fail as a full disk would, after the rows were added."""
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    with app.app_context():
        monkeypatch.setattr(db.session, "commit", broken_commit)
        post = app.extensions["carnet_posts"].by_url(GUITARISTE)
        with pytest.raises(sa.exc.OperationalError):
            service.submit(post, service.Draft(author="Zoé", body="Perdu"))
        db.session.rollback()
    assert outbox_rows(app) == []
    with app.app_context():
        assert db.session.scalars(sa.select(Comment)).all() == []


def test_the_message_follows_the_sites_language(make_app, sink):
    handler, port = sink
    site = {"locale": "en", "base_url": "https://carnet.example"}
    app = mail_app(make_app, port, sections={"site": site})
    app.test_client().post(GUITARISTE, data=comment_form())
    send(app)
    [message] = handler.messages
    assert message["Subject"].startswith("[Carnet] Comment to moderate on “")
    text, _html = text_and_html(message)
    assert text.startswith("1 comment awaits your decision.")
    assert "Publish: https://carnet.example/mail/moderate/" in text
    assert "Delete: https://carnet.example/mail/moderate/" in text
