"""Readers' data is kept no longer than needed: IP addresses, old outbox rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from helpers import store_comment
from sinks import GUITARISTE, clock_at, comment_form, mail_settings, outbox_rows, send

from app.comments.models import Comment
from app.comments.privacy import anonymised_ip
from app.extensions import db

# The comment rows behave alike on both databases the site supports.
pytestmark = pytest.mark.databases("sqlite", "postgresql")


def ips(app) -> list[str | None]:
    """Return the stored IP addresses, by comment id."""
    with app.app_context():
        return list(db.session.scalars(sa.select(Comment.ip).order_by(Comment.id)))


@pytest.mark.parametrize(
    ("stored", "kept"),
    [
        ("203.0.113.77", "203.0.113.0"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1::"),
        ("2001:db8:1:2::", "2001:db8:1::"),
        ("::ffff:198.51.100.9", "198.51.100.0"),
        ("203.0.113.0", "203.0.113.0"),
        ("pas une adresse", None),
    ],
)
def test_an_ip_address_is_cut_to_its_24_or_48_network(stored, kept):
    assert anonymised_ip(stored) == kept


def test_mail_send_anonymises_ip_addresses_older_than_keep_ip_days(make_app):
    clock = clock_at(2026, 12, 1, 9, 0)
    app = make_app(CARNET_MAIL_CLOCK=clock)
    old = clock.now - timedelta(days=30, minutes=1)
    young = clock.now - timedelta(days=29, hours=23)
    store_comment(app, ip="203.0.113.77", created=old)
    store_comment(app, ip="2001:db8:1:2:3:4:5:6", created=old)
    store_comment(app, ip="198.51.100.9", created=young)
    store_comment(app, ip=None, created=old)
    output = send(app).output
    assert "2 adresse(s) IP anonymisée(s)" in output
    assert ips(app) == ["203.0.113.0", "2001:db8:1::", "198.51.100.9", None]
    assert "0 adresse(s) IP anonymisée(s)" in send(app).output  # idempotent
    clock.advance(hours=1, minutes=1)
    assert "1 adresse(s) IP anonymisée(s)" in send(app).output
    assert ips(app)[2] == "198.51.100.0"
    # The moderation queue shows what is left.
    assert (
        "198.51.100.9"
        not in app.test_cli_runner().invoke(args=["comments", "list", "--json"]).output
    )


def test_keep_ip_days_is_read_from_blog_toml(make_app):
    clock = clock_at(2026, 12, 1, 9, 0)
    app = make_app(CARNET_MAIL_CLOCK=clock, settings={"comments": {"keep_ip_days": 7}})
    store_comment(app, ip="203.0.113.77", created=clock.now - timedelta(days=8))
    store_comment(app, ip="203.0.113.78", created=clock.now - timedelta(days=6))
    send(app)
    assert ips(app) == ["203.0.113.0", "203.0.113.78"]


def test_the_sender_thread_anonymises_once_a_day(make_app):
    clock = clock_at(2026, 12, 1, 9, 0)
    app = make_app(
        CARNET_MAIL_CLOCK=clock, CARNET_MAIL_THREAD=True, CARNET_MAIL_INTERVAL=0.05
    )
    thread = app.extensions["carnet_mail_thread"]
    store_comment(app, ip="203.0.113.77", created=clock.now - timedelta(days=31))
    app.test_client().get("/")  # the process's first request starts the sender
    try:
        assert thread.wait_for_rounds(2)
        assert ips(app) == ["203.0.113.0"]
        store_comment(app, ip="203.0.113.78", created=clock.now - timedelta(days=31))
        assert thread.wait_for_rounds(3)
        assert ips(app)[1] == "203.0.113.78"  # not before tomorrow
        clock.advance(days=1)
        assert thread.wait_for_rounds(2)
        assert ips(app)[1] == "203.0.113.0"
    finally:
        thread.stop()


def test_a_new_comment_keeps_its_whole_address_until_then(client, app):
    client.post(
        GUITARISTE, data=comment_form(), environ_base={"REMOTE_ADDR": "192.0.2.44"}
    )
    send(app)
    assert ips(app) == ["192.0.2.44"]


def test_outbox_rows_are_deleted_30_days_after_they_were_written(make_app):
    from sinks import running_sink

    clock = clock_at(2026, 12, 1, 9, 0)
    with running_sink() as (_handler, port):
        app = make_app(CARNET_MAIL_CLOCK=clock, settings={"mail": mail_settings(port)})
        app.test_client().post(GUITARISTE, data=comment_form())
        send(app)
        clock.advance(days=29)
        send(app)
        assert [row["state"] for row in outbox_rows(app)] == ["sent"]
        clock.advance(days=1, seconds=1)
        assert "1 ancien(s) message(s) effacé(s)" in send(app).output
        assert outbox_rows(app) == []
