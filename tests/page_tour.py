"""The tour of page types that the validity, accessibility and screenshot tests take.

A blog seeded with what a reader and a moderator see on a lived-in site: an
approved comment with a reply on a post, comments waiting in the queue, a
moderator account, and a post with photos beside it (a phone's JPEG, turned
by its EXIF orientation and carrying GPS, and a PNG).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask
from pictures import write_photo

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.mail import tokens
from app.moderation.models import Moderator

POST_URL = "/2011/10/un-guitariste-des-humains-et-le.html"
IMAGES_URL = "/2010/07/le-tour-du-lac.html"
DRAFT_URL = "/2012/03/brouillon-secret.html"
MODERATOR = ("marie", "un mot de passe solide")
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
    Stop("post", POST_URL),
    # Replying to the first comment (id 1): the form says to whom.
    Stop("post-reply", POST_URL + "?reply=1"),
    Stop("post-images", IMAGES_URL),
    Stop("year", "/2011/"),
    Stop("month", "/2011/10/"),
    Stop("label", "/search/label/num%C3%A9rique"),
    Stop("search", "/search?q=guitariste"),
    Stop("search-none", "/search?q=introuvablexyz"),
    Stop("page", "/p/a-propos.html"),
    Stop("not-found", "/2011/10/nulle-part.html", status=404),
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
    """Store a moderator, an approved comment with a reply, and pending ones.

    The post with photos is written into the posts folder too.
    """
    write_image_post(app)
    when = datetime(2011, 10, 4, 8, 30, tzinfo=UTC)
    with app.app_context():
        moderator = Moderator(username=MODERATOR[0])
        moderator.set_password(MODERATOR[1])
        first = Comment(
            post_url=POST_URL,
            author="Lucie",
            website="https://lucie.example",
            email="lucie@example.org",
            body="Très juste, <b>merci</b> pour ce billet.\nÀ bientôt !",
            created=when,
            status=CommentStatus.APPROVED,
            ip="192.0.2.10",
        )
        db.session.add_all([moderator, first])
        db.session.flush()
        reply = Comment(
            post_url=POST_URL,
            parent_id=first.id,
            author="Jean Testeur",
            body="Merci Lucie !",
            created=when.replace(hour=9),
            status=CommentStatus.APPROVED,
            is_author=True,
        )
        waiting = [
            Comment(
                post_url=POST_URL,
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
            for n in (1, 2)
        ]
        db.session.add_all([reply, *waiting])
        db.session.commit()


def log_in(client) -> None:
    """Log the test client in as the seeded moderator."""
    response = client.post(
        "/login", data={"username": MODERATOR[0], "password": MODERATOR[1]}
    )
    assert response.status_code == 303, response.status_code


def visit(app: Flask):
    """Yield each stop of the tour with its response, as a reader or a moderator.

    The blog must have been seeded. Two forms sent back with errors are
    visited too: the comment form (``post-invalid``) and the login form
    (``login-refused``).
    """
    reader = app.test_client()
    moderator = app.test_client()
    log_in(moderator)
    for stop in (*TOUR, *mail_stops(app)):
        client = moderator if stop.moderator else reader
        yield stop, client.get(stop.path)
    invalid = Stop("post-invalid", POST_URL, status=422)
    response = reader.post(
        POST_URL, data={"author": "", "email": "pas-une-adresse", "body": ""}
    )
    yield invalid, response
    refused = Stop("login-refused", "/login", status=401)
    yield refused, reader.post("/login", data={"username": "x", "password": "y"})
