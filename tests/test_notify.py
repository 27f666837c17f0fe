"""A moderator hears about each pending comment: by email, or in the log."""

from __future__ import annotations

import logging
import shutil
import ssl
import subprocess
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from helpers import GUITARISTE, free_port, send, stored

from app.comments.models import CommentStatus


class Sink:
    """An SMTP handler that keeps every message it receives."""

    def __init__(self) -> None:
        """Start with an empty mailbox."""
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        """Keep the message and accept it."""
        self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def comments_log(caplog):
    """Return a function that captures the comments logger after an app is made."""
    logger = logging.getLogger("carnet.comments")

    def enable():
        """Undo what Alembic's fileConfig did to logging during the migrations."""
        # migrations/env.py calls logging.config.fileConfig, which disables the
        # loggers created before it and drops pytest's handler from the root.
        logger.disabled = False
        logger.addHandler(caplog.handler)

    yield enable
    logger.removeHandler(caplog.handler)


@pytest.fixture
def smtp_sink():
    """Run a local SMTP server that stores what it gets."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def test_pending_comment_emails_the_moderator_with_a_queue_link(make_app, smtp_sink):
    sink, port = smtp_sink
    app = make_app(
        settings={
            "site": {"base_url": "https://carnet.example"},
            "mail": {
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "sender": "blog@carnet.example",
                "moderator_email": "modo@carnet.example",
            },
        }
    )
    response = send(app.test_client(), body="Un avis à valider")
    assert response.status_code == 303
    [envelope] = sink.messages
    assert envelope.rcpt_tos == ["modo@carnet.example"]
    message = message_from_bytes(envelope.content, policy=default)
    body = message.get_content()
    assert "Un guitariste" in message["Subject"]
    assert "https://carnet.example/moderation/" in body
    assert "Un avis à valider" in body and "Zoé" in body


def test_approved_comment_sends_no_email(make_app, smtp_sink):
    sink, port = smtp_sink
    app = make_app(
        settings={
            "comments": {"moderation": "never"},
            "mail": {
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "moderator_email": "modo@carnet.example",
            },
        }
    )
    client = app.test_client()
    response = send(client, body="Direct")
    assert response.status_code == 303
    [comment] = stored(app)
    assert (comment.author, comment.status) == ("Zoé", CommentStatus.APPROVED)
    assert response.headers["Location"] == f"{GUITARISTE}#c{comment.id}"
    assert "Direct" in client.get(GUITARISTE).text
    assert sink.messages == []


def test_without_mail_a_log_line_names_the_queue(app, caplog, comments_log):
    comments_log()
    with caplog.at_level(logging.INFO, logger="carnet.comments"):
        send(app.test_client(), body="Log")
    assert any(
        "awaits moderation" in r.getMessage() and "/moderation/" in r.getMessage()
        for r in caplog.records
    )


def test_unreachable_mail_server_keeps_the_comment(make_app, caplog, comments_log):
    app = make_app(
        settings={
            "mail": {
                "smtp_host": "127.0.0.1",
                "smtp_port": free_port(),
                "moderator_email": "modo@carnet.example",
            },
        }
    )
    comments_log()
    with caplog.at_level(logging.WARNING, logger="carnet.comments"):
        response = send(app.test_client(), body="Malgré tout")
    assert response.status_code == 303
    assert any("could not email" in r.getMessage() for r in caplog.records)
    assert "1\t" in app.test_cli_runner().invoke(args=["comments", "list"]).output


class SecureSink(Sink):
    """A sink that also notes whether each message came over TLS and by whom."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        """Keep the message with how its session was secured."""
        envelope.came_over_tls = session.ssl is not None
        envelope.login = session.auth_data.login if session.authenticated else None
        return await super().handle_DATA(server, session, envelope)


def check_login(server, session, envelope, mechanism, auth_data):
    """Accept only blog / s3cret, as a mail provider would."""
    ok = isinstance(auth_data, LoginPassword) and auth_data == (b"blog", b"s3cret")
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@pytest.fixture
def starttls_sink(tmp_path):
    """Run an SMTP server that demands STARTTLS, then a login, before any mail."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: no certificate for the STARTTLS test")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sink = SecureSink()
    port = free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=check_login,
    )
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def mail_settings(port: int, password: str) -> dict:
    """Return settings that send through STARTTLS with a login."""
    return {
        "mail": {
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "use_tls": True,
            "smtp_user": "blog",
            "smtp_password": password,
            "sender": "blog@carnet.example",
            "moderator_email": "modo@carnet.example",
        }
    }


def test_mail_goes_through_starttls_and_login_when_configured(make_app, starttls_sink):
    sink, port = starttls_sink
    app = make_app(settings=mail_settings(port, "s3cret"))
    response = send(app.test_client(), body="Par un canal chiffré")
    assert response.status_code == 303
    [envelope] = sink.messages
    assert envelope.came_over_tls
    assert envelope.login == b"blog"
    assert envelope.rcpt_tos == ["modo@carnet.example"]
    body = message_from_bytes(envelope.content, policy=default).get_content()
    assert "Par un canal chiffré" in body


def test_refused_smtp_login_keeps_the_comment_and_logs_why(
    make_app, starttls_sink, caplog, comments_log
):
    sink, port = starttls_sink
    app = make_app(settings=mail_settings(port, "mauvais"))
    comments_log()
    with caplog.at_level(logging.WARNING, logger="carnet.comments"):
        response = send(app.test_client(), body="Mot de passe faux")
    assert response.status_code == 303
    assert sink.messages == []
    assert any("could not email" in r.getMessage() for r in caplog.records)
    [comment] = stored(app)
    assert (comment.body, comment.status) == (
        "Mot de passe faux",
        CommentStatus.PENDING,
    )
