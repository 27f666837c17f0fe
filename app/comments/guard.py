"""Decide what becomes of a comment before anything is stored.

The guard is a pure function: the service gathers the facts (is it a
repeat? is a moderator logged in?) and the guard answers ``(verdict, reason)``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.comments.models import CommentStatus
from app.config import CommentSettings


class Verdict(enum.StrEnum):
    """What the guard decides for a submitted comment."""

    PUBLISH = "publish"
    HOLD = "hold"  # wait for a moderator
    SPAM = "spam"
    REJECT = "reject"  # not stored at all

    @property
    def status(self) -> CommentStatus | None:
        """Return the state a comment is stored in (None: not stored)."""
        return _STATUS[self]


_STATUS = {
    Verdict.PUBLISH: CommentStatus.APPROVED,
    Verdict.HOLD: CommentStatus.PENDING,
    Verdict.SPAM: CommentStatus.SPAM,
    Verdict.REJECT: None,
}

MAX_LINKS = 2
_LINK = re.compile(r"(?:https?://|www\.)[^\s\"'<>]+", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A comment as submitted, with the facts the guard needs about it."""

    author: str
    body: str
    email: str | None = None
    website: str | None = None
    honeypot: str | None = None
    post_date: datetime | None = None
    is_repeat: bool = False
    by_moderator: bool = False


def count_links(text: str) -> int:
    """Return how many distinct web addresses ``text`` mentions."""
    return len(set(_LINK.findall(text)))


def blocked_word(candidate: Candidate, blocklist: tuple[str, ...]) -> str | None:
    """Return the first blocklist word found in any field of the candidate."""
    haystack = " ".join(
        part
        for part in (
            candidate.author,
            candidate.email,
            candidate.website,
            candidate.body,
        )
        if part
    ).casefold()
    for word in blocklist:
        word = word.strip().casefold()
        if word and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", haystack):
            return word
    return None


def policy_verdict(
    settings: CommentSettings, post_date: datetime | None, now: datetime
) -> Verdict:
    """Return what the moderation policy decides for an innocent comment."""
    if settings.moderation == "never":
        return Verdict.PUBLISH
    days = settings.moderate_older_than_days
    if days is not None and post_date is not None:
        if now - post_date < timedelta(days=days):
            return Verdict.PUBLISH
    return Verdict.HOLD


def judge(
    candidate: Candidate, settings: CommentSettings, now: datetime
) -> tuple[Verdict, str]:
    """Return ``(verdict, reason)`` for a submitted comment."""
    if candidate.honeypot:
        return Verdict.SPAM, "honeypot"
    if candidate.is_repeat:
        return Verdict.REJECT, "repeat"
    if candidate.by_moderator:
        return Verdict.PUBLISH, "moderator"
    word = blocked_word(candidate, settings.blocklist)
    if word:
        return Verdict.SPAM, f"blocklist: {word}"
    links = count_links(f"{candidate.body} {candidate.author}")
    if links > MAX_LINKS:
        return Verdict.HOLD, f"{links} links"
    return policy_verdict(settings, candidate.post_date, now), (
        f"policy: {settings.moderation}"
    )
