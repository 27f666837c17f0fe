"""SMTP servers for the mail tests (aiosmtpd), a clock to move, and helpers.

``Sink`` keeps what it receives; its ``replies`` queue makes it answer the
next DATA commands with given SMTP replies (``451 …`` to make the sender
retry); ``hold()`` makes it hang on DATA until ``release()``.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.extensions import db
from app.mail.models import Outbox

GUITARISTE = "/2011/10/un-guitariste-des-humains-et-le.html"
MODERATOR = "modo@carnet.example"


class Sink:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        """Start with an empty mailbox, answering 250 to everything."""
        self.envelopes = []
        self.replies: list[str] = []  # answers to give to the next DATAs
        self.entered = threading.Event()  # a DATA arrived (while held, too)
        self._free = threading.Event()
        self._free.set()

    def hold(self) -> None:
        """Hang on the next DATA until :meth:`release`."""
        self._free.clear()

    def release(self) -> None:
        """Answer the DATA being held."""
        self._free.set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        """Keep the message and accept it, or give the next planned reply."""
        self.entered.set()
        if not self._free.is_set():
            await asyncio.get_running_loop().run_in_executor(None, self._free.wait)
        if self.replies:
            return self.replies.pop(0)
        envelope.came_over_tls = session.ssl is not None
        envelope.login = session.auth_data.login if session.authenticated else None
        self.envelopes.append(envelope)
        return "250 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        """Return the accepted messages, parsed."""
        return [
            message_from_bytes(envelope.content, policy=default)
            for envelope in self.envelopes
        ]

    def wait_for(self, count: int, seconds: float = 60) -> list[EmailMessage]:
        """Wait until ``count`` messages arrived (or fail saying how many did)."""
        deadline = time.monotonic() + seconds
        while len(self.envelopes) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.envelopes) >= count, f"{len(self.envelopes)} message(s)"
        return self.messages


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_sink(**options) -> Iterator[tuple[Sink, int]]:
    """Run a local SMTP server; yield its handler and port."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield sink, port
    finally:
        sink.release()
        controller.stop()


def check_login(server, session, envelope, mechanism, auth_data):
    """Accept only blog / s3cret, as a mail provider would."""
    ok = isinstance(auth_data, LoginPassword) and auth_data == (b"blog", b"s3cret")
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@contextmanager
def starttls_sink(tmp_path: Path) -> Iterator[tuple[Sink, int]]:
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
    with running_sink(
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=check_login,
    ) as running:
        yield running


def mail_settings(port: int, **extra) -> dict:
    """Return blog.toml's [mail] sending to 127.0.0.1:``port``."""
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "sender": "blog@carnet.example",
        "moderator_email": MODERATOR,
        **extra,
    }


@dataclass
class Clock:
    """A clock tests move by hand (``CARNET_MAIL_CLOCK``)."""

    now: datetime

    def __call__(self) -> datetime:
        """Return the time it shows."""
        return self.now

    def advance(self, **delta: float) -> None:
        """Move it forward."""
        self.now += timedelta(**delta)


def clock_at(*args: int) -> Clock:
    """Return a clock showing this UTC date and time."""
    return Clock(datetime(*args, tzinfo=UTC))


def outbox_rows(app) -> list[dict]:
    """Return every outbox row, as dicts, in id order."""
    with app.app_context():
        table = Outbox.__table__
        rows = db.session.execute(sa.select(table).order_by(table.c.id)).mappings()
        return [dict(row) for row in rows]


def comment_form(**fields: str) -> dict[str, str]:
    """Return a comment form's fields, with an author and a body by default."""
    return {"author": "Zoé", "body": "Un avis à valider", **fields}


def send(app, *args: str):
    """Run ``flask mail send`` on ``app``; return the Click result."""
    result = app.test_cli_runner().invoke(args=["mail", "send", *args])
    assert result.exit_code == 0, result.output
    return result


def text_and_html(message: EmailMessage) -> tuple[str, str]:
    """Return the plain text and the HTML parts of a message, with LF line ends."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return "\n".join(text.splitlines()), "\n".join(html.splitlines())


Waiter = Callable[[], bool]


def eventually(check: Waiter, seconds: float = 60, what: str = "") -> None:
    """Wait until ``check()`` is true (or fail naming ``what``)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"still not true after {seconds} s: {what}")
        time.sleep(0.05)
