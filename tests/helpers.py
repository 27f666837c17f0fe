"""What many test files share: the fixture posts' addresses and small helpers.

Import what you need (``from helpers import GUITARISTE, send, stored``); pytest
puts tests/ on the import path. Fixtures live in tests/conftest.py.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass

from app.comments.models import Comment, CommentStatus
from app.extensions import db

# The articles of tests/posts/, by the address a reader types.
GUITARISTE = "/2011/10/un-guitariste-des-humains-et-le.html"  # the oldest post
VOEUX = "/2011/12/voeux-pour-lannee-nouvelle.html"
CODE = "/2012/02/un-tableau-et-du-code.html"
NOUVELLE = "/2012/04/nouvelle-adresse.html"  # the newest post
ANCIENNE = "/2012/03/ancienne-adresse.html"  # NOUVELLE's alias: 301 to it
BROUILLON = "/2012/03/brouillon-secret.html"  # a draft: 404 for readers
PROGRAMME = "/2099/01/article-programme.html"  # scheduled: 404 until 2099
NULLE_PART = "/2011/10/nulle-part.html"  # no post has this address

# The [site] base_url the test apps use when blog.toml does not say.
BASE_URL = "http://127.0.0.1:5000"


@dataclass(frozen=True)
class Credentials:
    """What a moderator types into /login."""

    username: str
    password: str


# The account the ``moderator`` fixture creates.
MODERATOR = Credentials("marie", "un mot de passe solide")


def text(response) -> str:
    """Return a response body as text."""
    return response.get_data(as_text=True)


def form_token_of(page: str) -> str:
    """Return the comment form's token found in a post page."""
    return re.search(r'name="form_token" value="([^"]+)"', page)[1]


def csrf_token_of(page: str) -> str:
    """Return the session CSRF token of a login or moderation page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def send(client, url=GUITARISTE, *, headers=None, environ_base=None, **fields):
    """Post the comment form with sensible defaults (author Zoé, « Bonjour ! »)."""
    data = {"author": "Zoé", "body": "Bonjour !"}
    data.update(fields)
    return client.post(
        url, data=data, headers=headers or {}, environ_base=environ_base or {}
    )


def store_comment(app, **fields) -> int:
    """Store a comment (pending unless told) and return its id."""
    values = {"post_url": GUITARISTE, "author": "Anne", "body": "Salut"}
    values.update(fields)
    with app.app_context():
        comment = Comment(**values)
        db.session.add(comment)
        db.session.commit()
        return comment.id


def status_of(app, comment_id: int) -> CommentStatus:
    """Return the stored state of a comment."""
    with app.app_context():
        return db.session.get(Comment, comment_id).status


def stored(app) -> list[Comment]:
    """Return every stored comment, oldest first, readable outside the app."""
    with app.app_context():
        rows = db.session.scalars(db.select(Comment).order_by(Comment.id)).all()
        db.session.expunge_all()
        return list(rows)


def log_in_browser(page, base_url: str, credentials: Credentials) -> None:
    """Log a Chromium tab in through the login form; wait for the queue."""
    page.goto(base_url + "/login")
    page.locator("input[name=username]").fill(credentials.username)
    page.locator("input[name=password]").fill(credentials.password)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url("**/moderation/**")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
