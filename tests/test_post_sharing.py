"""A post with pictures as others show it: Open Graph cards and feed readers."""

from __future__ import annotations

import feedparser
from bs4 import BeautifulSoup
from lxml import etree
from test_post_images import LAKE, POST, write_lake_post

BASE = "https://blog.example"
DC = "{http://purl.org/dc/elements/1.1/}"
MEDIA = "{http://search.yahoo.com/mrss/}"


def sharing_app(make_app, posts_dir, **settings):
    """Return an app at https://blog.example whose newest post has photos."""
    write_lake_post(posts_dir)
    return make_app(settings={"site": {"base_url": BASE}, **settings})


def test_the_first_image_becomes_the_open_graph_image(make_app, posts_dir):
    client = sharing_app(make_app, posts_dir).test_client()
    page = BeautifulSoup(client.get(POST).data, "html.parser")

    def meta(name):
        return [m["content"] for m in page.select(f'meta[property="{name}"]')]

    assert meta("og:image") == [f"{BASE}{LAKE}?w=1600"]
    assert meta("og:image:width") == ["2000"] and meta("og:image:height") == ["1200"]
    assert meta("og:image:alt") == ["Le lac au matin"]
    assert meta("og:type") == ["article"]
    assert meta("article:published_time") == ["2026-05-10T09:00:00+02:00"]
    assert meta("article:tag") == ["montagne", "lac"]


def test_a_post_without_image_has_no_open_graph_image(make_app, posts_dir):
    client = sharing_app(make_app, posts_dir).test_client()
    page = BeautifulSoup(client.get("/2012/02/un-tableau-et-du-code.html").data, "lxml")
    assert page.select('meta[property="og:image"]') == []


def test_rss_items_name_their_author(make_app, posts_dir):
    app = sharing_app(make_app, posts_dir, author={"name": "Marie Curie"})
    body = app.test_client().get("/feeds/posts/default?alt=rss").data
    items = etree.fromstring(body).findall("channel/item")
    creators = [item.findtext(f"{DC}creator") for item in items]
    assert creators and all(creators), creators
    assert creators[0] == "Marie Curie"
    # What a feed reader (feedparser here) shows as the item's author.
    assert feedparser.parse(body).entries[0].author == "Marie Curie"


def test_feed_entries_carry_their_first_image_as_a_thumbnail(make_app, posts_dir):
    client = sharing_app(make_app, posts_dir).test_client()
    for address, entry_path in (
        ("/feeds/posts/default", "{http://www.w3.org/2005/Atom}entry"),
        ("/feeds/posts/default?alt=rss", "channel/item"),
    ):
        entries = etree.fromstring(client.get(address).data).findall(entry_path)
        lake = entries[0].find(f"{MEDIA}thumbnail")
        assert lake is not None, address
        assert lake.get("url") == f"{BASE}{LAKE}?w=1600"
        assert (lake.get("width"), lake.get("height")) == ("2000", "1200")
        # The other posts have no picture: no thumbnail.
        assert entries[1].find(f"{MEDIA}thumbnail") is None


def test_feed_content_has_only_absolute_image_addresses(make_app, posts_dir):
    client = sharing_app(make_app, posts_dir).test_client()
    atom = etree.fromstring(client.get("/feeds/posts/default").data)
    content = atom.find("{http://www.w3.org/2005/Atom}entry/{*}content").text
    html = BeautifulSoup(content, "html.parser")
    addresses = [img["src"] for img in html.select("img")]
    for tag in html.select("[srcset]"):
        addresses += [c.strip().split(" ")[0] for c in tag["srcset"].split(",")]
    assert len(addresses) > 10
    assert all(
        a.startswith(("https://blog.example/", "https://example.org/"))
        for a in addresses
    )
