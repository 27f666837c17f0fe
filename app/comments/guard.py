"""Decide what becomes of a comment before anything is stored.

The guard is a pure function: the service gathers the facts (is it a
repeat? is a moderator logged in?) and the guard answers ``(verdict, reason)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.comments.models import CommentStatus
from app.config import CommentSettings

#: The verdict for a comment that must not be stored at all.
REJECT = "reject"

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


def policy_status(settings: CommentSettings, post_date: datetime | None, now: datetime):
    """Return the status the moderation policy gives an innocent comment."""
    if settings.moderation == "never":
        return CommentStatus.APPROVED
    days = settings.moderate_older_than_days
    if days is not None and post_date is not None:
        if now - post_date < timedelta(days=days):
            return CommentStatus.APPROVED
    return CommentStatus.PENDING


def judge(
    candidate: Candidate, settings: CommentSettings, now: datetime
) -> tuple[CommentStatus | str, str]:
    """Return ``(status or REJECT, reason)`` for a submitted comment."""
    if candidate.honeypot:
        return CommentStatus.SPAM, "honeypot"
    if candidate.is_repeat:
        return REJECT, "repeat"
    if candidate.by_moderator:
        return CommentStatus.APPROVED, "moderator"
    word = blocked_word(candidate, settings.blocklist)
    if word:
        return CommentStatus.SPAM, f"blocklist: {word}"
    links = count_links(f"{candidate.body} {candidate.author}")
    if links > MAX_LINKS:
        return CommentStatus.PENDING, f"{links} links"
    status = policy_status(settings, candidate.post_date, now)
    return status, f"policy: {settings.moderation}"
