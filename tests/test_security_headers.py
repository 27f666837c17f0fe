"""Security headers, cookies and the secret key that keep attackers out."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from helpers import GUITARISTE
from lxml import html
from page_tour import seed, visit

from app import factory
from app.instance import instance_secret_key


def directives(response) -> dict[str, str]:
    """Return the response's Content-Security-Policy as {directive: sources}."""
    policy = response.headers["Content-Security-Policy"]
    pairs = (part.strip().split(" ", 1) for part in policy.split(";"))
    return {pair[0]: pair[1] if len(pair) > 1 else "" for pair in pairs}


@pytest.mark.parametrize("path", ["/", GUITARISTE, "/nulle-part", "/login"])
def test_pages_forbid_inline_script_framing_and_sniffing(client, path):
    response = client.get(path)
    csp = directives(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert "'unsafe-inline'" not in csp["script-src"]
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["form-action"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    # Post HTML may show pictures from anywhere over HTTPS and embedded videos.
    assert csp["img-src"] == "'self' https: data:"
    assert csp["frame-src"] == "https:"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_pages_served_again_from_memory_keep_their_headers(client):
    for path in ["/", GUITARISTE, "/nulle-part", "/feeds/posts/default"]:
        first, again = client.get(path), client.get(path)
        assert again.data == first.data, path
        for name in ["Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"]:
            assert again.headers[name] == first.headers[name], (path, name)


def test_stylesheets_and_feeds_carry_the_headers_too(client):
    for path in ["/static/css/carnet.css", "/feeds/posts/default"]:
        with client.get(path) as response:
            assert response.status_code == 200
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            policy = response.headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in policy


def test_no_page_holds_inline_script_or_event_handlers(app, auth):
    """Every page works under the policy: scripts only from files, no on*=."""
    seed(app)
    for stop, response in visit(app, auth):
        assert response.status_code == stop.status, stop.path
        tree = html.fromstring(response.data)
        for script in tree.iter("script"):
            assert script.get("src"), f"inline <script> on {stop.path}"
        for element in tree.iter():
            handlers = [
                name for name in getattr(element, "attrib", {}) if name.startswith("on")
            ]
            assert not handlers, f"{handlers} on <{element.tag}> in {stop.path}"
            href = element.get("href", "") if hasattr(element, "get") else ""
            assert not href.lower().startswith("javascript:"), stop.path


def session_cookie(response) -> str:
    """Return the Set-Cookie header of the session cookie."""
    cookies = [c for c in response.headers.getlist("Set-Cookie") if "session=" in c]
    assert cookies, response.headers
    return cookies[0]


def test_session_cookie_is_secure_when_the_blog_is_served_over_https(make_app):
    app = make_app(
        WTF_CSRF_ENABLED=True, settings={"site": {"base_url": "https://blog.example"}}
    )
    # The login form puts its CSRF token in the session: a cookie is set.
    cookie = session_cookie(app.test_client().get("/login"))
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_works_over_plain_http_for_a_local_blog(make_app):
    app = make_app(
        WTF_CSRF_ENABLED=True, settings={"site": {"base_url": "http://127.0.0.1:5000"}}
    )
    cookie = session_cookie(app.test_client().get("/login"))
    # A Secure cookie would never come back over http: logging in would fail.
    assert "Secure" not in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_https_responses_ask_browsers_to_stay_on_https(make_app):
    app = make_app(settings={"site": {"base_url": "https://blog.example"}})
    client = app.test_client()
    secure = client.get("/", base_url="https://blog.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_each_installation_generates_its_own_secret_key(tmp_path: Path):
    first = instance_secret_key(tmp_path / "one")
    second = instance_secret_key(tmp_path / "two")
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert re.fullmatch(r"[0-9a-f]{64}", second)
    assert first != second
    # The same installation keeps its key across restarts: sessions survive.
    assert instance_secret_key(tmp_path / "one") == first
    key_file = tmp_path / "one" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_an_app_without_blog_secret_key_uses_the_generated_one(
    make_app, tmp_path, monkeypatch
):
    monkeypatch.delenv("BLOG_SECRET_KEY", raising=False)
    asked = []

    def key_in_tmp(instance: Path) -> str:
        """Generate the key under tmp_path, never in the repository's instance/."""
        asked.append(instance)
        return instance_secret_key(tmp_path / "instance")

    monkeypatch.setattr(factory, "instance_secret_key", key_in_tmp)
    app = make_app(BLOG_SECRET_KEY="")
    assert asked, "create_app did not ask for the instance key"
    key = app.config["SECRET_KEY"]
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert key == (tmp_path / "instance" / "secret_key").read_text().strip()
