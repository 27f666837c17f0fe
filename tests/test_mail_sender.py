"""The sender: one thread per process, started after any fork; one sender at a time."""

from __future__ import annotations

import asyncio
import os
import threading
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa
from databases import fresh_schema, schema_url
from helpers import form_token_of
from servers import blog_env, gunicorn
from sinks import (
    GUITARISTE,
    clock_at,
    comment_form,
    eventually,
    mail_settings,
    outbox_rows,
    running_sink,
    send,
)

from app.extensions import db
from app.mail import lease, sender
from app.mail.models import Outbox


@pytest.fixture
def slow_sink():
    """Run an SMTP server that takes a moment over each message."""
    with running_sink() as (handler, port):
        original = handler.handle_DATA

        async def slowly(server, session, envelope):
            """Answer after a pause, so that two senders overlap."""
            await asyncio.sleep(0.05)
            return await original(server, session, envelope)

        handler.handle_DATA = slowly
        yield handler, port


def sending_app(make_app, port, **config):
    """Return an app whose sender thread runs every 50 ms."""
    return make_app(
        CARNET_MAIL_THREAD=True,
        CARNET_MAIL_INTERVAL=0.05,
        settings={"mail": mail_settings(port)},
        **config,
    )


def deliver_once_with_two_senders(first, second, handler, count: int) -> None:
    """Queue ``count`` comments through both apps; check each is mailed once."""
    threads = [first.extensions["carnet_mail_thread"]]
    threads.append(second.extensions["carnet_mail_thread"])
    try:
        for number in range(count):
            app = (first, second)[number % 2]
            body = f"Commentaire n° {number}"
            response = app.test_client().post(GUITARISTE, data=comment_form(body=body))
            assert response.status_code == 303
        assert all(thread.running for thread in threads)
        eventually(
            lambda: all(r["state"] == "sent" for r in outbox_rows(first)),
            what="every row sent",
        )
        # A few more rounds of both: nothing goes a second time.
        for thread in threads:
            assert thread.wait_for_rounds(3)
        bodies = sorted(
            message.get_body(preferencelist=("plain",)).get_content()
            for message in handler.messages
        )
        assert len(bodies) == count
        for number in range(count):
            assert (
                sum(f"Commentaire n° {number}" in b.splitlines() for b in bodies) == 1
            )
    finally:
        for thread in threads:
            thread.stop()


def test_two_workers_on_one_sqlite_database_send_each_message_once(make_app, slow_sink):
    handler, port = slow_sink
    first, second = sending_app(make_app, port), sending_app(make_app, port)
    deliver_once_with_two_senders(first, second, handler, count=8)


@pytest.mark.postgres
def test_two_hosts_on_one_postgresql_database_send_each_message_once(
    make_app, slow_sink
):
    handler, port = slow_sink
    with fresh_schema() as schema:
        url = schema_url(schema)
        first = sending_app(make_app, port, BLOG_DATABASE_URL=url)
        second = sending_app(make_app, port, BLOG_DATABASE_URL=url)
        deliver_once_with_two_senders(first, second, handler, count=8)
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()


def test_only_one_sender_holds_the_lease_at_a_time(make_app):
    app = make_app()
    with app.app_context():
        assert lease.take("sender", "hôte-a", sender.LEASE)
        assert not lease.take("sender", "hôte-b", sender.LEASE)
        assert lease.take("sender", "hôte-a", sender.LEASE)  # renewed
        lease.release("sender", "hôte-a")
        assert lease.take("sender", "hôte-b", sender.LEASE)


def test_mail_send_leaves_the_work_to_a_sender_already_at_it(make_app):
    with running_sink() as (handler, port):
        app = make_app(settings={"mail": mail_settings(port)})
        app.test_client().post(GUITARISTE, data=comment_form())
        with app.app_context():
            assert lease.take("sender", "un-autre-hôte", sender.LEASE)
        assert "Un autre expéditeur est à l'œuvre" in send(app).output
        assert handler.envelopes == []
        assert [row["state"] for row in outbox_rows(app)] == ["queued"]


def sender_threads() -> list[threading.Thread]:
    """Return the mail sender threads alive in this process."""
    return [t for t in threading.enumerate() if t.name == "carnet-mail-sender"]


def test_no_sender_thread_under_testing_nor_for_cli_commands(make_app):
    before = len(sender_threads())
    app = make_app(settings={"mail": mail_settings(25)})
    assert "carnet_mail_thread" not in app.extensions
    app.test_client().get("/")
    app.test_cli_runner().invoke(args=["comments", "list"])
    assert len(sender_threads()) == before


def test_the_sender_starts_on_the_first_request_as_a_daemon_and_once(make_app):
    app = make_app(CARNET_MAIL_THREAD=True, CARNET_MAIL_INTERVAL=0.05)
    thread = app.extensions["carnet_mail_thread"]
    before = len(sender_threads())
    app.test_cli_runner().invoke(args=["comments", "list"])
    assert not thread.running  # a command serves no request
    client = app.test_client()
    client.get("/")
    client.get("/")
    try:
        assert thread.running
        assert len(sender_threads()) == before + 1
        assert all(t.daemon for t in sender_threads())
    finally:
        thread.stop()


def test_a_forked_worker_starts_its_own_sender(make_app, monkeypatch):
    app = make_app(CARNET_MAIL_THREAD=True, CARNET_MAIL_INTERVAL=0.05)
    thread = app.extensions["carnet_mail_thread"]
    app.test_client().get("/")
    parent = thread._thread
    try:
        # What a worker forked from this process sees: another pid, no thread.
        monkeypatch.setattr(os, "getpid", lambda: -12345)
        assert not thread.running
        app.test_client().get("/")
        assert thread.running and thread._thread is not parent
    finally:
        thread.stop()
        monkeypatch.undo()
        parent.join(5)


@pytest.mark.slow
def test_gunicorn_workers_send_a_comment_once(tmp_path):
    with running_sink() as (handler, port):
        settings = (
            "[mail]\n"
            f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
            'moderator_email = "modo@carnet.example"\n'
        )
        env = blog_env(tmp_path, settings)
        with gunicorn(env, tmp_path / "gunicorn.log", workers=2) as web:
            base = f"http://127.0.0.1:{web}"
            page = urllib.request.urlopen(base + GUITARISTE, timeout=30).read()
            form = {**comment_form(), "form_token": form_token_of(page.decode())}
            request = urllib.request.Request(
                base + GUITARISTE,
                data=urllib.parse.urlencode(form).encode(),
                headers={"Origin": base},
            )
            urllib.request.urlopen(request, timeout=30)
            # Every worker gets requests, so every worker runs a sender.
            for _ in range(20):
                urllib.request.urlopen(base + "/", timeout=30).read()
            handler.wait_for(1)
            for _ in range(20):
                urllib.request.urlopen(base + "/", timeout=30).read()
        assert len(handler.envelopes) == 1


def test_a_message_in_flight_is_not_sent_again_by_the_next_sender(make_app):
    clock = clock_at(2026, 12, 1, 9, 0)
    with running_sink() as (handler, port):
        app = make_app(CARNET_MAIL_CLOCK=clock, settings={"mail": mail_settings(port)})
        app.test_client().post(GUITARISTE, data=comment_form())
        with app.app_context():
            # A sender took the lease and the row, then stalled in SMTP…
            assert lease.take("sender", "hôte-a", sender.LEASE)
            db.session.execute(
                sa.update(Outbox).values(
                    claimed_by="hôte-a", claimed_until=clock.now + sender.CLAIM
                )
            )
            db.session.commit()
        clock.advance(minutes=3)  # …past its lease: another sender leads.
        send(app)
        assert handler.envelopes == []
        clock.advance(minutes=10)  # Its claim ran out too: it died.
        assert "1 message(s) envoyé(s)" in send(app).output
        assert len(handler.envelopes) == 1
