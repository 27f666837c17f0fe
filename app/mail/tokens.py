"""The signed links of the messages, and the clock they (and the sender) go by.

- A moderation link is signed with the secret key over the comment id and
  the action, with its date: valid 14 days. It is spent once the comment has
  left the pending state (any of its three links, or the queue, moved it):
  comments never go back to pending, so the state itself is the record.
- An unsubscribe link is signed over a keyed hash of the address, not the
  address: the URL lands in logs and must not carry it. It never expires.

Tests set ``CARNET_MAIL_CLOCK`` (a callable returning an aware UTC datetime)
to move time for the sender, the links and the daily chores.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from itsdangerous import (
    BadSignature,
    SignatureExpired,
    TimestampSigner,
    URLSafeSerializer,
    URLSafeTimedSerializer,
)

LINK_LIFETIME = timedelta(days=14)
_MODERATION_SALT = "carnet.mail.moderation"
_UNSUBSCRIBE_SALT = "carnet.mail.unsubscribe"
_ADDRESS_SALT = b"carnet.mail.address\0"


def now() -> datetime:
    """Return the current time (aware, UTC), or the test's clock."""
    clock: Callable[[], datetime] | None = current_app.config.get("CARNET_MAIL_CLOCK")
    return clock() if clock is not None else datetime.now(UTC)


def recipient_key(address: str) -> str:
    """Return a keyed hash of an e-mail address (case of the domain ignored)."""
    normal = address.strip().lower().encode("utf-8")
    secret = current_app.secret_key.encode("utf-8")
    return hmac.new(secret, _ADDRESS_SALT + normal, hashlib.sha256).hexdigest()


class _ClockSigner(TimestampSigner):
    """A timestamp signer that reads the mail clock, not the wall clock."""

    def get_timestamp(self) -> int:
        """Return the current time as whole seconds."""
        return int(now().timestamp())


def _moderation_serializer() -> URLSafeTimedSerializer:
    """Return the serializer of moderation links."""
    return URLSafeTimedSerializer(
        current_app.secret_key, salt=_MODERATION_SALT, signer=_ClockSigner
    )


def moderation_token(comment_id: int, action: str) -> str:
    """Return the signed token of a one-click moderation link."""
    return _moderation_serializer().dumps([comment_id, action])


class LinkProblem(enum.StrEnum):
    """Why a link is refused."""

    FORGED = "forged"  # not signed by this site, or tampered with
    EXPIRED = "expired"


@dataclass(frozen=True)
class ModerationLink:
    """What a valid moderation token says."""

    comment_id: int
    action: str


def read_moderation_token(token: str) -> ModerationLink | LinkProblem:
    """Return what a moderation token asks for, or why it is refused."""
    try:
        payload = _moderation_serializer().loads(
            token, max_age=int(LINK_LIFETIME.total_seconds())
        )
    except SignatureExpired:
        return LinkProblem.EXPIRED
    except BadSignature:
        return LinkProblem.FORGED
    match payload:
        case [int() as comment_id, str() as action] if comment_id > 0:
            return ModerationLink(comment_id, action)
    return LinkProblem.FORGED


def unsubscribe_token(key: str) -> str:
    """Return the signed token of an unsubscribe link for a recipient key."""
    return URLSafeSerializer(current_app.secret_key, salt=_UNSUBSCRIBE_SALT).dumps(key)


def read_unsubscribe_token(token: str) -> str | None:
    """Return the recipient key an unsubscribe token names, or None if forged."""
    serializer = URLSafeSerializer(current_app.secret_key, salt=_UNSUBSCRIBE_SALT)
    try:
        key = serializer.loads(token)
    except BadSignature:
        return None
    return key if isinstance(key, str) and len(key) == 64 else None
