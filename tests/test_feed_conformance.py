"""Feeds that feed readers accept: well-formed, RFC 4287 complete, absolute URLs."""

from __future__ import annotations

from urllib.parse import unquote

import feedparser
import pytest
from helpers import GUITARISTE
from lxml import etree
from page_tour import seed

from app.extensions import post_index

BASE = "https://blog.example"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def feeds_app(make_app):
    """Return an app served at https://blog.example with approved comments."""
    app = make_app(settings={"site": {"base_url": BASE}})
    seed(app)
    return app


def feed_paths(app) -> list[str]:
    """Return the address of every kind of Atom feed the blog serves."""
    with app.app_context():
        post_id = post_index().by_url(GUITARISTE).post_id
    return [
        "/feeds/posts/default",
        "/feeds/posts/default/-/code",
        "/feeds/posts/default/-/r%C3%A9seaux",
        "/feeds/comments/default",
        f"/feeds/{post_id}/comments/default",
    ]


def fetch(app, path: str):
    """Fetch a feed and return the response and feedparser's reading of it."""
    response = app.test_client().get(path)
    assert response.status_code == 200, path
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return response, parsed


def all_urls(tree) -> list[str]:
    """Return every link target and id of an Atom or RSS document."""
    urls = [link.get("href") for link in tree.iter(f"{ATOM}link")]
    urls += [node.text for node in tree.iter(f"{ATOM}id")]
    urls += [node.text for node in tree.iter("link", "guid")]
    return [url for url in urls if url is not None]


def test_atom_feeds_parse_and_carry_what_rfc_4287_requires(feeds_app):
    for path in feed_paths(feeds_app):
        response, parsed = fetch(feeds_app, path)
        assert response.mimetype == "application/atom+xml"
        assert parsed.version == "atom10", path
        feed = parsed.feed
        assert feed.get("id") and feed.get("title") and feed.get("updated"), path
        rels = {link.rel: link.href for link in feed.links}
        # An IRI (é) or its percent-encoded URI: both are valid in Atom.
        assert rels["self"] in (BASE + path, BASE + unquote(path)), path
        assert rels["alternate"].startswith(BASE + "/"), path
        assert parsed.entries, f"{path} has no entries"
        for entry in parsed.entries:
            assert entry.get("id"), path
            assert entry.get("title"), path
            assert entry.get("updated"), path
            alternates = [link for link in entry.links if link.rel == "alternate"]
            assert alternates and alternates[0].href.startswith(BASE + "/"), path
            assert entry.get("author") or feed.get("author"), path


def test_every_url_in_the_feeds_is_absolute_under_base_url(feeds_app):
    for path in [*feed_paths(feeds_app), "/feeds/posts/default?alt=rss"]:
        response, _parsed = fetch(feeds_app, path)
        tree = etree.fromstring(response.data)
        urls = all_urls(tree)
        assert urls, path
        for url in urls:
            assert url.startswith(BASE + "/"), f"{path}: {url}"


LINKING_POST = f"""---
title: Des liens vers le blog
date: 2011-11-20 10:00
slug: des-liens
---
Voir [le guitariste]({GUITARISTE})
et ce dessin : ![un dessin](/static/images/dessin.png)
"""


def test_post_content_links_are_made_absolute(make_app, posts_dir):
    (posts_dir / "2011" / "liens.md").write_text(LINKING_POST, encoding="utf-8")
    app = make_app(settings={"site": {"base_url": BASE}})
    for path in ["/feeds/posts/default", "/feeds/posts/default?alt=rss"]:
        _response, parsed = fetch(app, path)
        [entry] = [e for e in parsed.entries if e.title == "Des liens vers le blog"]
        html = entry.content[0].value if "content" in entry else entry.description
        assert f'href="{BASE}{GUITARISTE}"' in html
        assert f'src="{BASE}/static/images/dessin.png"' in html
        for other in parsed.entries:
            text = other.content[0].value if "content" in other else other.description
            assert 'href="/' not in text, f"{path}: {other.title}"
            assert 'src="/' not in text, f"{path}: {other.title}"


def test_rss_feed_parses_with_items_links_and_dates(feeds_app):
    response, parsed = fetch(feeds_app, "/feeds/posts/default?alt=rss")
    assert response.mimetype == "application/rss+xml"
    assert parsed.version == "rss20"
    assert parsed.feed.link.startswith(BASE + "/")
    titles = [entry.title for entry in parsed.entries]
    assert "Un guitariste, des humains et le numérique" in titles
    for entry in parsed.entries:
        assert entry.link.startswith(BASE + "/")
        assert entry.get("published_parsed"), entry.title


def test_newest_post_leads_and_feed_updated_is_its_date(feeds_app):
    _response, parsed = fetch(feeds_app, "/feeds/posts/default")
    assert parsed.entries[0].title == "Nouvelle adresse"
    assert parsed.feed.updated_parsed == max(e.updated_parsed for e in parsed.entries)


def test_comment_feeds_hold_only_approved_comments_linked_to_their_anchor(feeds_app):
    with feeds_app.app_context():
        post_id = post_index().by_url(GUITARISTE).post_id
    for path in ["/feeds/comments/default", f"/feeds/{post_id}/comments/default"]:
        _response, parsed = fetch(feeds_app, path)
        authors = sorted(entry.author for entry in parsed.entries)
        assert authors == ["Jean Testeur", "Lucie"], path
        for entry in parsed.entries:
            assert entry.link.startswith(f"{BASE}{GUITARISTE}#c"), path


def test_post_page_points_to_its_comment_feed(feeds_app):
    with feeds_app.app_context():
        post_id = post_index().by_url(GUITARISTE).post_id
    page = feeds_app.test_client().get(GUITARISTE).get_data(as_text=True)
    assert f'href="{BASE}/feeds/{post_id}/comments/default"' in page
