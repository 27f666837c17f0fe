"""Previews: drafts and scheduled posts for a moderator, 404 for readers."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from page_tour import seed

from app.config import ConfigError

DRAFT = "/2012/03/brouillon-secret.html"
SCHEDULED = "/2099/01/article-programme.html"
HIDDEN_TITLES = ("Brouillon secret", "Article programmé")
# Every page and feed that lists posts, with and without a label.
LISTINGS = (
    "/",
    "/2012/",
    "/2012/03/",
    "/2099/",
    "/2099/01/",
    "/search/label/code",
    "/search?q=secret",
    "/search?q=programme",
    "/feeds/posts/default",
    "/feeds/posts/default?alt=rss",
    "/feeds/posts/default/-/code",
    "/feeds/posts/default/-/code?alt=rss",
    "/sitemap.xml",
    "/2012/02/un-tableau-et-du-code.html",  # the sidebar and the pager
)


@pytest.fixture
def moderator_client(app, auth):
    """Return a test client logged in as a moderator."""
    seed(app)
    client = app.test_client()
    assert auth.login(client).status_code == 303
    return client


@pytest.mark.parametrize("address", [DRAFT, SCHEDULED])
def test_readers_get_404_for_drafts_and_scheduled_posts(client, address):
    assert client.get(address).status_code == 404


@pytest.mark.parametrize(
    ("address", "banner"),
    [
        (DRAFT, "Brouillon — visible par vous seul"),
        (SCHEDULED, "Programmé pour le 1 janvier 2099 à 08:00 — visible par vous seul"),
    ],
)
def test_a_moderator_previews_it_with_a_banner_noindex_and_no_store(
    moderator_client, address, banner
):
    response = moderator_client.get(address)
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.select_one(".preview-banner").get_text(strip=True) == banner
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    # No comment form: nobody can comment on what readers cannot see.
    assert page.select_one("#comment-form") is None


def test_a_preview_is_never_kept_for_the_next_reader(app, moderator_client):
    reader = app.test_client()
    assert reader.get(DRAFT).status_code == 404
    assert moderator_client.get(DRAFT).status_code == 200
    assert reader.get(DRAFT).status_code == 404


def test_comments_cannot_be_posted_on_a_draft_even_by_a_moderator(moderator_client):
    response = moderator_client.post(DRAFT, data={"author": "Marie", "body": "Tôt !"})
    assert response.status_code == 404


@pytest.mark.parametrize("as_moderator", [False, True])
def test_neither_appears_in_any_listing_feed_or_sitemap(app, auth, as_moderator):
    seed(app)
    client = app.test_client()
    if as_moderator:
        assert auth.login(client).status_code == 303
    for address in LISTINGS:
        response = client.get(address)
        assert response.status_code in (200, 404), address
        text = response.get_data(as_text=True)
        for title in HIDDEN_TITLES:
            assert title not in text, (address, title)
        assert DRAFT not in text and SCHEDULED not in text, address


def test_the_moderation_page_lists_drafts_and_scheduled_posts(moderator_client):
    page = BeautifulSoup(moderator_client.get("/moderation/").data, "html.parser")
    section = page.select_one(".unpublished-posts")
    links = {a["href"]: a.text for a in section.select("a")}
    assert links == {DRAFT: "Brouillon secret", SCHEDULED: "Article programmé"}
    text = section.get_text(" ", strip=True)
    assert "brouillon" in text and "programmé pour le 1 janvier 2099" in text


def test_a_draft_page_is_previewed_at_its_address(app, auth, posts_dir):
    (posts_dir / "pages" / "contact.md").write_text(
        "---\ntitle: Me contacter\ndate: 2012-01-01\ndraft: true\n---\nBientôt.\n",
        encoding="utf-8",
    )
    app.extensions["carnet_posts"].refresh(force=True)
    seed(app)
    assert app.test_client().get("/p/me-contacter.html").status_code == 404
    client = app.test_client()
    assert auth.login(client).status_code == 303
    response = client.get("/p/me-contacter.html")
    assert response.status_code == 200
    assert "Brouillon — visible par vous seul" in response.get_data(as_text=True)


def test_the_local_drafts_server_flag_shows_drafts_without_login(make_app):
    app = make_app(CARNET_SHOW_DRAFTS=True)
    client = app.test_client()
    for _ in range(2):  # the second time too: never answered from the page cache
        response = client.get(DRAFT)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
    assert "Brouillon secret" not in client.get("/").get_data(as_text=True)


def test_showing_drafts_cannot_be_turned_on_from_blog_toml(make_app):
    for table in ("site", "author", "cache"):
        with pytest.raises(ConfigError):
            make_app(settings={table: {"show_drafts": True}})
