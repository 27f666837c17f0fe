"""Hand one message to the configured SMTP server, and tell a refusal for good.

Only the sender calls this, never a reader's request: a slow or dead server
makes a message late, not a page.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from app.config import MailSettings

# Seconds a silent server is waited for, per step of the conversation.
TIMEOUT = 60


class DeliveryError(Exception):
    """The message was not accepted; ``permanent`` when retrying cannot help."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        """Keep the reason (one line) and whether it is for good."""
        super().__init__(reason)
        self.permanent = permanent


def _code_line(code: int, text: bytes | str) -> str:
    """Return an SMTP reply as one short line."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}"


def deliver(message: EmailMessage, mail: MailSettings) -> None:
    """Send ``message``, or raise :class:`DeliveryError` saying why not."""
    try:
        with smtplib.SMTP(mail.smtp_host, mail.smtp_port, timeout=TIMEOUT) as smtp:
            if mail.starttls:
                smtp.starttls()
            if mail.smtp_user:
                smtp.login(mail.smtp_user, mail.smtp_password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        replies = list(error.recipients.values())
        # A 5xx for the address (no such mailbox): asking again will not help.
        permanent = all(code >= 500 for code, _ in replies)
        reason = "; ".join(_code_line(code, text) for code, text in replies)
        raise DeliveryError(reason, permanent) from None
    except smtplib.SMTPResponseException as error:
        # A refused login stays temporary: the owner may fix the password.
        permanent = error.smtp_code >= 500 and not isinstance(
            error, smtplib.SMTPAuthenticationError
        )
        raise DeliveryError(
            _code_line(error.smtp_code, error.smtp_error), permanent
        ) from None
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}"[:300]) from None
