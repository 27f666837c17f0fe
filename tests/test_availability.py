"""Readers read while the database is away; comments wait; nothing is lost."""

from __future__ import annotations

import logging
import time

import pytest
from helpers import GUITARISTE, send, store_comment, stored, text
from sqlalchemy import event

from app.comments.models import CommentStatus
from app.extensions import db

# Every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.databases("sqlite", "postgresql")

NOTICE = "Les commentaires sont momentanément indisponibles."
READER_PAGES = (
    "/",
    GUITARISTE,
    "/2011/",
    "/2011/10/",
    "/search/label/num%C3%A9rique",
    "/search?q=guitariste",
    "/p/a-propos.html",
    "/feeds/posts/default",
    "/sitemap.xml",
    "/robots.txt",
)


class Outage:
    """Make every new database connection of an app fail, until it ends."""

    def __init__(self, app) -> None:
        """Hook the app's engine; nothing fails yet."""
        self.app = app
        self.down = False
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "do_connect", self._connect)

    def _connect(self, dialect, conn_rec, cargs, cparams):
        """Refuse to connect while the database is down, as its driver would."""
        if self.down:
            # The driver's own error, which SQLAlchemy wraps as it would a real one.
            raise dialect.loaded_dbapi.OperationalError("unable to open database file")

    def start(self) -> None:
        """Take the database away: open connections are dropped too."""
        self.down = True
        self.engine.dispose()

    def end(self) -> None:
        """Bring the database back."""
        self.down = False


@pytest.fixture
def app(make_app):
    """An app that retries the database quickly, so that tests need not wait."""
    return make_app(CARNET_DB_RETRY=0.05, CARNET_POLL_INTERVAL=0.05)


def approve_one(app, body="Déjà là") -> None:
    """Store a published comment on the guitarist post."""
    store_comment(app, body=body, status=CommentStatus.APPROVED)


@pytest.mark.parametrize("path", READER_PAGES)
def test_every_reader_page_answers_200_without_the_database(app, path):
    outage = Outage(app)
    outage.start()
    response = app.test_client().get(path)
    assert response.status_code == 200
    if path == GUITARISTE:
        page = response.get_data(as_text=True)
        assert NOTICE in page
        assert "Enregistrer un commentaire" in page


def test_a_page_kept_before_the_outage_is_served_whole(app):
    approve_one(app)
    client = app.test_client()
    assert "Déjà là" in client.get(GUITARISTE).get_data(as_text=True)
    Outage(app).start()
    page = client.get(GUITARISTE).get_data(as_text=True)
    assert "Déjà là" in page and NOTICE not in page


def test_a_comment_sent_meanwhile_gets_503_with_its_text_then_goes_through(app):
    outage = Outage(app)
    client = app.test_client()
    outage.start()
    response = send(client, body="Un texte que je ne veux pas perdre")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "Un texte que je ne veux pas perdre" in page
    assert "momentanément indisponibles" in page
    assert response.headers["Cache-Control"] == "private, no-store"
    outage.end()
    time.sleep(0.1)  # past the retry delay
    sent = send(client, body="Un texte que je ne veux pas perdre")
    assert sent.status_code == 303
    assert [c.body for c in stored(app)] == ["Un texte que je ne veux pas perdre"]


def test_pages_get_their_comments_back_when_the_database_returns(app):
    approve_one(app)
    outage = Outage(app)
    client = app.test_client()
    outage.start()
    degraded = client.get(GUITARISTE)
    assert NOTICE in degraded.get_data(as_text=True)
    assert degraded.headers["Cache-Control"] == "public, max-age=5"
    outage.end()
    deadline = time.monotonic() + 10
    while NOTICE in client.get(GUITARISTE).get_data(as_text=True):
        assert time.monotonic() < deadline, "the comments never came back"
        time.sleep(0.05)
    assert "Déjà là" in client.get(GUITARISTE).get_data(as_text=True)


def test_the_outage_is_logged_once_a_minute_not_once_per_request(app, caplog):
    outage = Outage(app)
    client = app.test_client()
    outage.start()
    with caplog.at_level(logging.WARNING, logger="carnet.database"):
        for number in range(20):
            client.get(f"/search?q=mot{number}")
            client.get(GUITARISTE)
            time.sleep(0.01)
    lines = [r.getMessage() for r in caplog.records if r.name == "carnet.database"]
    assert len(lines) == 1, lines
    assert "database unavailable" in lines[0]


def test_a_page_that_needs_no_query_does_not_end_the_outage(make_app, caplog):
    # The change log is not read again during the test: only the pages ask.
    app = make_app(CARNET_DB_RETRY=0.05, CARNET_POLL_INTERVAL=3600)
    outage = Outage(app)
    client = app.test_client()
    client.get("/")  # the change log is read once, before the outage
    outage.start()
    with caplog.at_level(logging.WARNING, logger="carnet.database"):
        assert NOTICE in client.get(GUITARISTE).get_data(as_text=True)
        time.sleep(0.1)  # past the retry delay
        assert client.get("/search?q=introuvablexyz").status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "carnet.database"]
    assert [line for line in lines if "answers again" in line] == []


def test_the_comment_feed_answers_503_without_the_database(app):
    Outage(app).start()
    response = app.test_client().get("/feeds/comments/default")
    assert response.status_code == 503
    assert "indisponible" in response.get_data(as_text=True)


# Once: the rate limits do not touch the database, and Flask-Limiter's limiter is
# one object per process that stays "storage dead" from one app to the next, so
# a second run in the same process would not log the fallback again.
@pytest.mark.databases("sqlite")
def test_rate_limits_fall_back_to_memory_when_redis_is_away(make_app, caplog):
    app = make_app(
        RATELIMIT_ENABLED=True,
        BLOG_RATELIMIT_STORAGE_URL="redis://127.0.0.1:1/0",  # nothing listens
        settings={"comments": {"rate_limit": "2/minute"}},
    )
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        codes = [send(client, body=f"Commentaire {n}").status_code for n in range(3)]
    assert codes == [303, 303, 429]
    assert any("in-memory" in r.getMessage() for r in caplog.records)


@pytest.mark.databases("sqlite")  # SQLite's query_only makes it read-only
def test_a_read_only_database_keeps_pages_and_answers_503_to_a_comment(make_app):
    app = make_app(CARNET_DB_RETRY=0.05, CARNET_POLL_INTERVAL=0.05)
    store_comment(app, status=CommentStatus.APPROVED, body="Écrit avant")
    with app.app_context():
        engine = db.engine

    def read_only(dbapi_connection, connection_record):
        """Open every connection read-only, as a replica or a full disk would."""
        dbapi_connection.execute("PRAGMA query_only = ON")

    event.listen(engine, "connect", read_only)
    engine.dispose()
    client = app.test_client()
    page = client.get(GUITARISTE)
    assert page.status_code == 200 and "Écrit avant" in text(page)
    refused = send(client, body="Un texte à garder")
    assert refused.status_code == 503
    assert "Un texte à garder" in text(refused)
    assert [c.body for c in stored(app)] == ["Écrit avant"]
