"""The moderation queue: login, access, tabs, actions, open-redirect defences."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from helpers import GUITARISTE, csrf_token_of, status_of, store_comment, text

from app.comments.models import CommentStatus
from app.moderation.safety import safe_next

# Every test here that uses the database runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.databases("sqlite", "postgresql")

add = store_comment


@pytest.mark.parametrize("path", ["/moderation/", "/moderation/?tab=spam"])
def test_queue_without_login_redirects_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_actions_without_login_change_nothing(app, client):
    comment = add(app)
    response = client.post("/moderation/", data={"ids": comment, "action": "approve"})
    assert response.status_code == 302
    assert status_of(app, comment) == CommentStatus.PENDING


def test_login_page_has_french_fields(client):
    page = text(client.get("/login"))
    assert 'name="username"' in page and 'autocomplete="username"' in page
    assert 'name="password"' in page and 'type="password"' in page
    assert "Se connecter" in page


def test_wrong_password_is_refused(client, auth):
    response = auth.login(password="pas le bon")
    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in text(response)
    assert client.get("/moderation/").status_code == 302


def test_login_then_queue_shows_pending_comments(app, client, auth):
    add(
        app,
        author="Paul",
        email="paul@example.org",
        website="https://paul.example",
        ip="192.0.2.7",
        body="Premier <b>avis</b>",
    )
    response = auth.login()
    assert response.status_code == 303
    assert response.headers["Location"] == "/moderation/"
    page = text(client.get("/moderation/"))
    for expected in (
        "Paul",
        "paul@example.org",
        "https://paul.example",
        "192.0.2.7",
        "Premier <b>avis</b>",
        "Un guitariste, des humains et le numérique",
        f'href="{GUITARISTE}"',
    ):
        assert expected in page
    assert re.search(r"En attente\s*<span class=\"tab-count\">\(1\)</span>", page)
    assert re.search(r"Publiés\s*<span class=\"tab-count\">\(0\)</span>", page)
    assert "Spam" in page and "Supprimés" in page


def test_next_inside_the_site_is_followed(auth):
    response = auth.login(next="/moderation/?tab=spam")
    assert response.headers["Location"] == "/moderation/?tab=spam"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/%0a/evil.example",
        " //evil.example",
        "/\t/evil.example",
    ],
)
def test_next_outside_the_site_is_ignored(auth, target):
    response = auth.login(next=target)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "\\" not in location and "\t" not in location
    assert urlsplit(location).netloc == ""


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/2011/10/x.html", "/2011/10/x.html"),
        ("//evil", "/d"),
        ("https://evil", "/d"),
        ("/\\evil", "/d"),
        ("/ok\x00", "/d"),
        ("", "/d"),
        (None, "/d"),
    ],
)
def test_safe_next(target, expected):
    assert safe_next(target, "/d") == expected


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("approve", CommentStatus.APPROVED),
        ("delete", CommentStatus.DELETED),
        ("spam", CommentStatus.SPAM),
    ],
)
def test_one_button_per_comment(app, client, auth, action, expected):
    comment = add(app)
    assert auth.login().status_code == 303
    page = text(client.get("/moderation/"))
    for label in ("Publier", "Supprimer", "Spam"):
        assert f">{label}</button>" in page
    response = client.post(
        "/moderation/", data={"ids": comment, "action": action, "tab": "pending"}
    )
    assert response.status_code == 303
    assert status_of(app, comment) == expected
    assert "1 commentaire" in text(client.get(response.headers["Location"]))


def test_bulk_action_on_a_selection(app, client, auth):
    first, second, third = add(app, body="a"), add(app, body="b"), add(app, body="c")
    assert auth.login().status_code == 303
    page = text(client.get("/moderation/"))
    assert 'form="bulk"' in page and 'type="checkbox"' in page
    response = client.post(
        "/moderation/", data={"ids": [first, third], "action": "approve"}
    )
    assert response.status_code == 303
    assert "2 commentaires publiés." in text(client.get(response.headers["Location"]))
    assert status_of(app, first) == CommentStatus.APPROVED
    assert status_of(app, second) == CommentStatus.PENDING
    assert status_of(app, third) == CommentStatus.APPROVED
    page = text(client.get("/moderation/?tab=approved"))
    assert re.search(r"Publiés\s*<span class=\"tab-count\">\(2\)</span>", page)


def test_unknown_action_changes_nothing(app, client, auth):
    comment = add(app)
    assert auth.login().status_code == 303
    response = client.post("/moderation/", data={"ids": comment, "action": "drop"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/moderation/?tab=pending"
    page = text(client.get(response.headers["Location"]))
    assert "Sélectionnez au moins un commentaire et une action." in page
    assert status_of(app, comment) == CommentStatus.PENDING


def test_actions_need_a_csrf_token(make_app, moderator):
    app = make_app(WTF_CSRF_ENABLED=True)
    comment = add(app)
    client = app.test_client()
    page = text(client.get("/login"))
    token = csrf_token_of(page)
    response = client.post(
        "/login",
        data={
            "username": moderator.username,
            "password": moderator.password,
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    response = client.post("/moderation/", data={"ids": comment, "action": "approve"})
    assert response.status_code == 400
    assert status_of(app, comment) == CommentStatus.PENDING
    page = text(client.get("/moderation/"))
    token = csrf_token_of(page)
    client.post(
        "/moderation/", data={"ids": comment, "action": "approve", "csrf_token": token}
    )
    assert status_of(app, comment) == CommentStatus.APPROVED


def test_logout_is_a_post(client, auth):
    assert auth.login().status_code == 303
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 303
    assert client.get("/moderation/").status_code == 302


def test_login_attempts_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    # A name each time: the per-account throttle is tests/test_login_throttle.py.
    codes = [
        client.post("/login", data={"username": f"x{n}", "password": "y"}).status_code
        for n in range(11)
    ]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429


def dashboard_of(app, auth) -> str:
    """Log the moderator into ``app`` and return the queue page's text."""
    client = app.test_client()
    assert auth.login(client).status_code == 303
    return text(client.get("/moderation/"))


def test_dashboard_lists_post_files_that_failed(make_app, posts_dir, auth):
    (posts_dir / "casse.md").write_text("---\ntitle: [oops\n---\nx\n", encoding="utf-8")
    app = make_app()
    page = dashboard_of(app, auth)
    assert "casse.md" in page
    assert "pas pu être lu" in page


def test_dashboard_shows_file_problems_in_the_site_language_escaped(
    make_app, posts_dir, auth
):
    (posts_dir / "casse.md").write_text(
        "---\ntitle: T\ndate: 2011-10-03\n<b>gras</b>: 1\n---\nx\n",
        encoding="utf-8",
    )
    app = make_app(settings={"site": {"locale": "en"}})
    page = dashboard_of(app, auth)
    assert "unknown key &#39;&lt;b&gt;gras&lt;/b&gt;&#39; (allowed: title" in page
    assert "<b>gras</b>" not in page
    assert "clé inconnue" not in page
