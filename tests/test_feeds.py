"""Atom and RSS feeds, sitemap and robots.txt, as feed readers and robots see them."""

from __future__ import annotations

import feedparser
from helpers import BASE_URL, GUITARISTE


def parse(client, url):
    """Fetch and parse a feed, failing on any XML error."""
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


def test_atom_feed_lists_posts_newest_first_with_full_content(client):
    response, feed = parse(client, "/feeds/posts/default")
    assert response.mimetype == "application/atom+xml"
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Nouvelle adresse"
    assert "Brouillon secret" not in titles and "Article programmé" not in titles
    guitar = next(e for e in feed.entries if e.title.startswith("Un guitariste"))
    assert guitar.link == BASE_URL + GUITARISTE
    assert guitar.id == guitar.link
    # The whole post, beyond the jump break.
    assert "La suite" in guitar.content[0].value
    assert {tag.term for tag in guitar.tags} == {"réseaux", "numérique"}
    assert any(link.rel == "self" for link in feed.feed.links)
    assert feed.feed.updated


def test_rss_alternative(client):
    response, feed = parse(client, "/feeds/posts/default?alt=rss")
    assert response.mimetype == "application/rss+xml"
    assert feed.version == "rss20"
    assert len(feed.entries) == 4


def test_feed_paging_parameters(client):
    _, feed = parse(client, "/feeds/posts/default?max-results=2&start-index=2")
    assert [e.title for e in feed.entries] == [
        "Un tableau et du code",
        "Vœux pour l'année nouvelle",
    ]


def test_label_feed(client):
    _, feed = parse(client, "/feeds/posts/default/-/num%C3%A9rique")
    assert sorted(e.title for e in feed.entries) == [
        "Un guitariste, des humains et le numérique",
        "Vœux pour l'année nouvelle",
    ]
    assert client.get("/feeds/posts/default/-/inconnu").status_code == 404


def test_sitemap_lists_posts_and_pages_with_absolute_urls(client):
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"<loc>{BASE_URL}{GUITARISTE}</loc>" in xml
    assert f"<loc>{BASE_URL}/p/a-propos.html</loc>" in xml
    assert "brouillon" not in xml


def test_robots_points_to_the_sitemap(client):
    body = client.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {BASE_URL}/sitemap.xml" in body
    assert "Disallow: /moderation/" in body
