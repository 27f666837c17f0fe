"""Atom feeds of approved comments, as Blogger serves them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from helpers import BASE_URL, GUITARISTE, VOEUX, store_comment

from app.comments.models import CommentStatus
from app.extensions import post_index

# Every test here that uses the database runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.databases("sqlite", "postgresql")


def add_many(
    app, count: int, url: str = GUITARISTE, status=CommentStatus.APPROVED
) -> list[int]:
    """Store ``count`` approved comments one minute apart; return their ids."""
    start = datetime(2020, 1, 1, tzinfo=UTC)
    return [
        store_comment(
            app,
            post_url=url,
            author=f"Lecteur {number}",
            body=f"Commentaire numéro {number}",
            created=start + timedelta(minutes=number),
            status=status,
        )
        for number in range(count)
    ]


def fetch(client, url: str):
    """Fetch and parse a feed."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return feedparser.parse(response.data)


def post_id(app, url: str) -> str:
    """Return the feed id of the post at ``url``."""
    with app.test_request_context():
        return post_index().by_url(url).post_id


def test_blog_comment_feed_has_25_newest_approved(app, client):
    add_many(app, 30)
    add_many(app, 1, status=CommentStatus.PENDING)
    feed = fetch(client, "/feeds/comments/default")
    assert feed.bozo == 0
    assert len(feed.entries) == 25
    assert feed.entries[0].author == "Lecteur 29"
    assert feed.entries[-1].author == "Lecteur 5"
    assert feed.entries[0].link.startswith(BASE_URL + GUITARISTE + "#c")
    assert "Commentaire numéro 29" in feed.entries[0].content[0].value


def test_feed_paging_with_max_results_and_start_index(app, client):
    add_many(app, 30)
    feed = fetch(client, "/feeds/comments/default?max-results=10&start-index=11")
    assert [e.author for e in feed.entries] == [
        f"Lecteur {n}" for n in range(19, 9, -1)
    ]
    assert len(fetch(client, "/feeds/comments/default?max-results=9999").entries) == 30


def test_post_comment_feed_only_has_that_posts_comments(app, client):
    add_many(app, 2, url=GUITARISTE)
    add_many(app, 3, url=VOEUX)
    feed = fetch(client, f"/feeds/{post_id(app, GUITARISTE)}/comments/default")
    assert len(feed.entries) == 2
    assert "Un guitariste" in feed.feed.title
    assert all(e.link.startswith(BASE_URL + GUITARISTE) for e in feed.entries)


def test_post_page_links_its_comment_feed(app, client):
    page = client.get(GUITARISTE).get_data(as_text=True)
    assert f"/feeds/{post_id(app, GUITARISTE)}/comments/default" in page


def test_unknown_post_feed_is_404(client):
    assert client.get("/feeds/nope/comments/default").status_code == 404


def test_empty_feed_is_valid(client):
    feed = fetch(client, "/feeds/comments/default")
    assert feed.bozo == 0 and feed.entries == []
