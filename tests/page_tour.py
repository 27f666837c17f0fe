"""The tour of page types that the validity, accessibility and screenshot tests take.

A blog seeded with what a reader and a moderator see on a lived-in site: an
approved comment with a reply on a post, comments waiting in the queue, and
a post with photos beside it (a phone's JPEG, turned by its EXIF orientation
and carrying GPS, and a PNG). The moderator account comes from the
``moderator`` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask
from helpers import GUITARISTE, NULLE_PART, store_comment
from pictures import write_photo

from app.comments.models import CommentStatus
from app.mail import tokens

IMAGES_URL = "/2010/07/le-tour-du-lac.html"
DRAFT_URL = "/2012/03/brouillon-secret.html"
# Mail set up, so that the comment form offers reply notifications. Nothing
# is sent: no sender runs under TESTING.
SETTINGS = {
    "mail": {
        "smtp_host": "127.0.0.1",
        "smtp_port": 9,
        "moderator_email": "modo@example.org",
    }
}


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
    Stop("post-images", IMAGES_URL),
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
    Stop("preview", DRAFT_URL, moderator=True),
)


def write_image_post(app: Flask) -> None:
    """Write a post with two photos beside it into the app's posts folder."""
    folder = app.config["CARNET"].posts_dir / "2010"
    write_photo(folder / "lac.jpg", size=(1800, 1200), orientation=6)
    write_photo(folder / "tour-du-lac" / "sentier.png", size=(900, 600), kind="PNG")
    (folder / "tour-du-lac.md").write_text(
        "---\ntitle: Le tour du lac\ndate: 2010-07-14 18:00\nlabels: [montagne]\n"
        "---\nParti à l’aube, revenu au soir.\n\n"
        "![Le lac au matin, vu du sentier](lac.jpg)\n\n"
        "Le sentier : ![Un sentier entre les sapins](tour-du-lac/sentier.png)\n",
        encoding="utf-8",
    )
    app.extensions["carnet_posts"].refresh(force=True)


def mail_stops(app: Flask) -> list[Stop]:
    """Return the pages the messages link to, for the seeded blog."""
    with app.test_request_context():
        moderate = tokens.moderation_token(3, "approve")  # Lecteur 1, pending
        key = tokens.recipient_key("lucie@example.org")
        unsubscribe = tokens.unsubscribe_token(key)
    return [
        Stop("mail-moderate", f"/mail/moderate/{moderate}"),
        Stop("mail-unsubscribe", f"/mail/unsubscribe/{unsubscribe}"),
        Stop("mail-link-forged", "/mail/moderate/faux", status=400),
    ]


def seed(app: Flask) -> None:
    """Store an approved comment with a reply, two pending ones, a post with photos.

    The post with photos is written into the posts folder.
    """
    write_image_post(app)
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
    for stop in (*TOUR, *mail_stops(app)):
        client = moderator if stop.moderator else reader
        yield stop, client.get(stop.path)
    invalid = Stop("post-invalid", GUITARISTE, status=422)
    response = reader.post(
        GUITARISTE, data={"author": "", "email": "pas-une-adresse", "body": ""}
    )
    yield invalid, response
    refused = Stop("login-refused", "/login", status=401)
    yield refused, auth.login(reader, username="x", password="y")
