"""The comment form's token: signed, bound to the post and its issue time, no session.

Every reader of a post page gets the same token for a few hours (the page
stays one cacheable document); the token is accepted for two days after it
was issued, so that a page kept open overnight, or served from a cache,
still takes its comment.
"""

from __future__ import annotations

import enum

from itsdangerous import BadSignature, Signer

WINDOW = 4 * 3600  # seconds during which every reader gets the same token
MAX_AGE = 48 * 3600  # how long a token is accepted after it was issued
_SALT = "carnet.comment-form"


class TokenCheck(enum.StrEnum):
    """What a submitted token is worth."""

    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"  # missing, forged, or for another post


def issued_at(now: float) -> int:
    """Return the issue time of the tokens handed out at ``now``."""
    return int(now // WINDOW) * WINDOW


def next_issue(now: float) -> int:
    """Return when the tokens handed out at ``now`` are replaced by newer ones."""
    return issued_at(now) + WINDOW


def issue(secret: str, post_url: str, now: float) -> str:
    """Return the token of the form under ``post_url`` at time ``now``."""
    issued = issued_at(now)
    signature = Signer(secret, salt=_SALT).get_signature(f"{post_url}\n{issued}")
    return f"{issued}.{signature.decode('ascii')}"


def issued_of(token: str) -> int:
    """Return the issue time of a token :func:`check` found valid."""
    return int(token.partition(".")[0])


def check(secret: str, post_url: str, token: str | None, now: float) -> TokenCheck:
    """Tell whether ``token`` was issued by this site for ``post_url``, and when."""
    issued_text, _, signature = (token or "").partition(".")
    if not (issued_text.isascii() and issued_text.isdigit()) or len(issued_text) > 12:
        return TokenCheck.INVALID
    issued = int(issued_text)
    try:
        valid = Signer(secret, salt=_SALT).verify_signature(
            f"{post_url}\n{issued}", signature
        )
    except BadSignature:
        valid = False
    if not valid or issued > now + WINDOW:
        return TokenCheck.INVALID
    return TokenCheck.EXPIRED if now - issued > MAX_AGE else TokenCheck.VALID
