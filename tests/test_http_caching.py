"""Reader pages are documents: the same bytes for everyone, cacheable, revalidated."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from helpers import (
    CODE,
    GUITARISTE,
    NULLE_PART,
    VOEUX,
    form_token_of,
    send,
    store_comment,
)

from app.comments.models import CommentStatus

# Every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.databases("sqlite", "postgresql")

READER_PAGES = (
    "/",
    GUITARISTE,
    "/2011/",
    "/2011/10/",
    "/search/label/num%C3%A9rique",
    "/search?q=guitariste",
    "/p/a-propos.html",
    "/feeds/posts/default",
    "/feeds/posts/default?alt=rss",
    "/feeds/comments/default",
    "/sitemap.xml",
    "/robots.txt",
    NULLE_PART,
)
PUBLIC = "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400"


def renders(app) -> list[str]:
    """Count the requests that reach Flask (a page served from memory does not)."""
    seen: list[str] = []
    app.before_request(lambda: seen.append(__import__("flask").request.path))
    return seen


@pytest.mark.parametrize("path", READER_PAGES)
def test_reader_pages_set_no_cookie_and_are_the_same_bytes_for_everyone(app, path):
    first = app.test_client().get(path)
    second = app.test_client().get(path)
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
    assert first.get_data() == second.get_data()
    assert first.status_code in (200, 404)


@pytest.mark.parametrize("path", READER_PAGES[:-1])
def test_reader_pages_carry_validators_and_public_cache_control(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == PUBLIC
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.last_modified is not None
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag


def test_cache_settings_come_from_blog_toml(make_app):
    settings = {"cache": {"max_age": 5, "stale_while_revalidate": 7}}
    response = make_app(settings=settings).test_client().get("/")
    assert response.headers["Cache-Control"] == (
        "public, max-age=5, stale-while-revalidate=7, stale-if-error=86400"
    )


def test_if_modified_since_gets_304_until_the_page_changes(app, client):
    first = client.get(GUITARISTE)
    since = format_datetime(first.last_modified, usegmt=True)
    assert (
        client.get(GUITARISTE, headers={"If-Modified-Since": since}).status_code == 304
    )
    store_comment(app, status=CommentStatus.APPROVED, author="Léa", body="Nouveau")
    changed = client.get(GUITARISTE, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert "Nouveau" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_head_answers_like_get_without_a_body(client):
    for path in ("/", GUITARISTE, "/feeds/posts/default"):
        full, head = client.get(path), client.head(path)
        assert head.status_code == 200 and head.get_data() == b""
        assert head.headers["ETag"] == full.headers["ETag"]
        assert head.headers["Content-Length"] == str(len(full.get_data()))


def test_a_page_is_served_from_memory_without_reaching_flask(app, client):
    reached = renders(app)
    first = client.get(GUITARISTE)
    second = client.get(GUITARISTE)
    assert reached == [GUITARISTE]  # the second one never got to Flask
    assert second.get_data() == first.get_data()
    assert (
        second.headers["Content-Security-Policy"]
        == (first.headers["Content-Security-Policy"])
    )
    assert app.extensions["carnet_pages"].hits == 1


def test_unknown_query_arguments_are_rendered_but_not_kept(app, client):
    reached = renders(app)
    client.get("/?utm_source=x")
    client.get("/?utm_source=x")
    assert reached == ["/", "/"]


def test_moderation_login_and_flashed_pages_are_private(app, client, auth):
    assert client.get("/login").headers["Cache-Control"] == "private, no-store"
    assert auth.login().status_code == 303
    for path in ("/moderation/", GUITARISTE, "/"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "private, no-store", path
        assert "ETag" not in response.headers
    assert "connecté comme modérateur" in client.get(GUITARISTE).get_data(as_text=True)


def test_a_moderator_never_gets_the_readers_kept_page(app, client, auth):
    client.get(GUITARISTE)  # kept for readers
    assert auth.login().status_code == 303
    page = client.get(GUITARISTE).get_data(as_text=True)
    assert "connecté comme modérateur" in page
    assert "connecté comme modérateur" not in (
        app.test_client().get(GUITARISTE).get_data(as_text=True)
    )


def test_flash_is_shown_once_privately_then_the_public_page_returns(client):
    client.get(GUITARISTE)  # kept without any message
    send(client)
    shown = client.get(GUITARISTE)
    assert "Votre commentaire sera visible après validation." in shown.get_data(
        as_text=True
    )
    assert shown.headers["Cache-Control"] == "private, no-store"
    again = client.get(GUITARISTE)
    assert "Votre commentaire sera visible" not in again.get_data(as_text=True)
    assert again.headers["Cache-Control"] == PUBLIC


def test_a_readers_message_never_reaches_another_reader(app, client):
    assert send(client).status_code == 303  # held: a message waits for her
    refused = send(client, author="")  # sent back before she saw it
    assert refused.status_code == 422
    assert "Votre commentaire sera visible" in refused.get_data(as_text=True)
    someone_else = app.test_client().get(GUITARISTE)
    assert "Votre commentaire sera visible" not in someone_else.get_data(as_text=True)


def test_a_published_comment_changes_its_post_and_lists_not_other_posts(app, client):
    reached = renders(app)
    for path in (GUITARISTE, VOEUX, "/"):
        client.get(path)
    reached.clear()
    store_comment(app, status=CommentStatus.APPROVED, author="Léa", body="Bravo")
    assert "1 commentaire:" in client.get(GUITARISTE).get_data(as_text=True)
    assert "1 commentaire" in client.get("/").get_data(as_text=True)
    client.get(VOEUX)
    assert reached == [GUITARISTE, "/"]  # the other post came from memory


def test_a_pending_or_spam_comment_changes_no_page(app, client):
    reached = renders(app)
    client.get(GUITARISTE)
    client.get("/")
    reached.clear()
    store_comment(app, status=CommentStatus.PENDING)
    store_comment(app, status=CommentStatus.SPAM, body="Achetez")
    client.get(GUITARISTE)
    client.get("/")
    assert reached == []


def test_editing_a_post_changes_that_post_and_its_lists(app, client, posts_dir):
    reached = renders(app)
    for path in (GUITARISTE, VOEUX, CODE, "/2011/10/"):
        client.get(path)
    reached.clear()
    source = posts_dir / "2011" / "guitariste.md"
    source.write_text(
        source.read_text(encoding="utf-8") + "\nUn paragraphe ajouté.\n",
        encoding="utf-8",
    )
    app.extensions["carnet_posts"].refresh(force=True)
    assert "Un paragraphe ajouté." in client.get(GUITARISTE).get_data(as_text=True)
    client.get("/2011/10/")
    client.get(VOEUX)  # its link to the older post shows only the title
    client.get(CODE)
    assert reached == [GUITARISTE, "/2011/10/"]


def test_retitling_a_post_changes_the_pages_that_link_to_it(app, client, posts_dir):
    reached = renders(app)
    for path in (VOEUX, CODE):
        client.get(path)
    reached.clear()
    source = posts_dir / "2011" / "guitariste.md"
    text = source.read_text(encoding="utf-8")
    # The address stays: the slug is now written out.
    retitled = text.replace(
        "title: ", "slug: un-guitariste-des-humains-et-le\ntitle: Nouveau titre, ", 1
    )
    source.write_text(retitled, encoding="utf-8")
    app.extensions["carnet_posts"].refresh(force=True)
    assert "Nouveau titre" in client.get(VOEUX).get_data(as_text=True)
    client.get(CODE)
    assert reached == [VOEUX]


def test_a_new_post_changes_every_page(app, client, posts_dir):
    client.get(VOEUX)
    (posts_dir / "neuf.md").write_text(
        "---\ntitle: Tout neuf\ndate: 2011-12-05 10:00\n---\nBonjour.\n",
        encoding="utf-8",
    )
    app.extensions["carnet_posts"].refresh(force=True)
    # The sidebar of every page counts the posts of each month.
    assert "Tout neuf" in client.get(VOEUX).get_data(as_text=True)


def test_another_worker_sees_a_published_comment_at_its_next_poll(make_app):
    writer = make_app()
    reader = make_app(CARNET_POLL_INTERVAL=0.2).test_client()
    assert "Aucun commentaire:" in reader.get(GUITARISTE).get_data(as_text=True)
    store_comment(writer, status=CommentStatus.APPROVED, author="Léa", body="Vu")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if "1 commentaire:" in reader.get(GUITARISTE).get_data(as_text=True):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the other app never showed the comment")


def test_the_comment_form_token_is_the_same_for_every_reader(app):
    def token(client):
        return form_token_of(client.get(GUITARISTE).get_data(as_text=True))

    assert token(app.test_client()) == token(app.test_client())


def test_https_headers_are_added_for_https_readers_of_a_kept_page(make_app):
    client = make_app(
        settings={"site": {"base_url": "https://blog.example"}}
    ).test_client()
    client.get("/", base_url="https://blog.example")  # kept
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://blog.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_page_kept_for_long_is_rendered_again_with_a_fresh_token(app, monkeypatch):
    client = app.test_client()
    reached = renders(app)
    client.get(GUITARISTE)
    later = time.time() + 5 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    client.get(GUITARISTE)
    assert reached == [GUITARISTE, GUITARISTE]


def test_static_files_have_versioned_urls_kept_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    href = page.split('rel="stylesheet" href="')[1].split('"')[0]
    assert href.startswith("/static/css/carnet.") and href != "/static/css/carnet.css"

    def cache_control(path: str) -> tuple[int, str | None]:
        with client.get(path) as response:
            return response.status_code, response.headers.get("Cache-Control")

    assert cache_control(href) == (200, "public, max-age=31536000, immutable")
    # An unversioned or outdated URL still answers, kept briefly.
    assert cache_control("/static/css/carnet.css") == (200, "public, max-age=300")
    assert cache_control("/static/css/carnet.000000000000.css")[1] == (
        "public, max-age=300"
    )
    assert cache_control("/static/css/nothing.css")[0] == 404
    assert cache_control("/static/../wsgi.py")[0] == 404


def test_last_modified_follows_the_newest_comment(app, client):
    before = client.get(GUITARISTE).last_modified
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    store_comment(app, status=CommentStatus.APPROVED, created=when)
    assert client.get(GUITARISTE).last_modified >= max(before, when)
