"""The tour of page types that the validity, accessibility and screenshot tests take.

A blog seeded with what a reader and a moderator see on a lived-in site: an
approved comment with a reply on a post, and comments waiting in the queue.
The moderator account comes from the ``moderator`` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask
from helpers import GUITARISTE, NULLE_PART, store_comment

from app.comments.models import CommentStatus


@dataclass(frozen=True)
class Stop:
    """One page of the tour: a name for reports and file names, and its address."""

    name: str
    path: str
    status: int = 200
    moderator: bool = False


# Every page type a reader or a moderator can reach, each once.
TOUR = (
    Stop("home", "/"),
    Stop("post", GUITARISTE),
    # Replying to the first comment (id 1): the form says to whom.
    Stop("post-reply", GUITARISTE + "?reply=1"),
    Stop("year", "/2011/"),
    Stop("month", "/2011/10/"),
    Stop("label", "/search/label/num%C3%A9rique"),
    Stop("search", "/search?q=guitariste"),
    Stop("search-none", "/search?q=introuvablexyz"),
    Stop("page", "/p/a-propos.html"),
    Stop("not-found", NULLE_PART, status=404),
    Stop("login", "/login"),
    Stop("moderation", "/moderation/", moderator=True),
    Stop("moderation-approved", "/moderation/?tab=approved", moderator=True),
    Stop("moderation-empty", "/moderation/?tab=spam", moderator=True),
)


def seed(app: Flask) -> None:
    """Store an approved comment with a reply, and two pending ones."""
    when = datetime(2011, 10, 4, 8, 30, tzinfo=UTC)
    first = store_comment(
        app,
        author="Lucie",
        website="https://lucie.example",
        email="lucie@example.org",
        body="Très juste, <b>merci</b> pour ce billet.\nÀ bientôt !",
        created=when,
        status=CommentStatus.APPROVED,
        ip="192.0.2.10",
    )
    store_comment(
        app,
        parent_id=first,
        author="Jean Testeur",
        body="Merci Lucie !",
        created=when.replace(hour=9),
        status=CommentStatus.APPROVED,
        is_author=True,
    )
    for n in (1, 2):
        store_comment(
            app,
            author=f"Lecteur {n}",
            email=f"lecteur{n}@example.org",
            website="https://lecteur.example" if n == 1 else None,
            body=f"Un avis en attente numéro {n}, avec un <a href="
            f'"https://example.org/{n}">lien</a>.',
            created=when.replace(day=5 + n),
            status=CommentStatus.PENDING,
            ip="198.51.100.7",
            user_agent="Mozilla/5.0",
        )


def visit(app: Flask, auth):
    """Yield each stop of the tour with its response, as a reader or a moderator.

    The blog must have been seeded, and ``auth`` be the ``auth`` fixture. Two
    forms sent back with errors are visited too: the comment form
    (``post-invalid``) and the login form (``login-refused``).
    """
    reader = app.test_client()
    moderator = app.test_client()
    response = auth.login(moderator)
    assert response.status_code == 303, response.status_code
    for stop in TOUR:
        client = moderator if stop.moderator else reader
        yield stop, client.get(stop.path)
    invalid = Stop("post-invalid", GUITARISTE, status=422)
    response = reader.post(
        GUITARISTE, data={"author": "", "email": "pas-une-adresse", "body": ""}
    )
    yield invalid, response
    refused = Stop("login-refused", "/login", status=401)
    yield refused, auth.login(reader, username="x", password="y")
