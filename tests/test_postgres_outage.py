"""PostgreSQL stops under a running site: readers read, comments wait, none is lost.

The app reaches PostgreSQL through a TCP relay that the test cuts (every
connection drops, new ones fail) and restores, as when the server stops and
comes back.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from databases import POSTGRES_URL, fresh_schema, schema_url
from helpers import GUITARISTE
from tcp_proxy import TcpRelay

from app.comments.models import Comment, CommentStatus
from app.extensions import db

pytestmark = pytest.mark.postgres

NOTICE = "Les commentaires sont momentanément indisponibles."
PAGES = ("/", GUITARISTE, "/2011/10/", "/search?q=guitariste", "/feeds/posts/default")


@pytest.fixture
def relayed_app(make_app):
    """Yield (app, relay) for an app on a fresh schema reached through a relay."""
    with fresh_schema() as schema:
        server = sa.make_url(POSTGRES_URL)
        relay = TcpRelay((server.host or "127.0.0.1", server.port or 5432))
        url = sa.make_url(schema_url(schema)).set(host="127.0.0.1", port=relay.port)
        app = make_app(
            BLOG_DATABASE_URL=url.render_as_string(hide_password=False),
            CARNET_DB_RETRY=0.2,
            CARNET_POLL_INTERVAL=0.1,
        )
        try:
            yield app, relay
        finally:
            relay.close()
            with app.app_context():
                db.engine.dispose()


def test_readers_read_comments_wait_and_nothing_is_lost(relayed_app):
    app, relay = relayed_app
    client = app.test_client()
    with app.app_context():
        db.session.add(
            Comment(
                post_url=GUITARISTE,
                author="Anne",
                body="Écrit avant la panne",
                status=CommentStatus.APPROVED,
            )
        )
        db.session.commit()
    kept = client.get(GUITARISTE).get_data(as_text=True)  # now in the page cache
    assert "Écrit avant la panne" in kept

    relay.cut()
    assert client.get(GUITARISTE).get_data(as_text=True) == kept
    for path in PAGES:
        assert app.test_client().get(path + "?page=1").status_code == 200, path
    fresh = app.test_client().get(GUITARISTE + "?reply=1").get_data(as_text=True)
    assert NOTICE in fresh
    during = client.post(
        GUITARISTE, data={"author": "Zoé", "body": "Écrit pendant la panne"}
    )
    assert during.status_code == 503
    assert "Écrit pendant la panne" in during.get_data(as_text=True)

    relay.restore()
    deadline = time.monotonic() + 30
    while True:
        sent = client.post(
            GUITARISTE, data={"author": "Zoé", "body": "Écrit pendant la panne"}
        )
        if sent.status_code == 303:
            break
        assert time.monotonic() < deadline, "the database never came back"
        time.sleep(0.2)
    with app.app_context():
        bodies = db.session.scalars(sa.select(Comment.body).order_by(Comment.id)).all()
    assert bodies == ["Écrit avant la panne", "Écrit pendant la panne"]
    page = app.test_client().get(GUITARISTE + "?reply=1").get_data(as_text=True)
    assert NOTICE not in page and "Écrit avant la panne" in page
