"""Shared fixtures: apps on a copy of tests/posts/, a moderator, Chromium.

- ``make_app(**test_config)`` builds migrated apps; ``app``, ``client`` and
  ``runner`` are the default one's.
- ``moderator`` and ``auth`` log a moderator in and out, as flaskr's tests do.
- ``live_server``, ``browser`` and ``page`` are for the tests in Chromium.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from helpers import MODERATOR, Credentials, free_port
from werkzeug.serving import make_server

from app import create_app
from app.moderation import accounts

FIXTURE_POSTS = Path(__file__).parent / "posts"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def posts_dir(tmp_path: Path) -> Path:
    """Return a writable copy of the fixture articles."""
    target = tmp_path / "posts"
    shutil.copytree(FIXTURE_POSTS, target)
    return target


@pytest.fixture
def make_app(tmp_path: Path, posts_dir: Path) -> Callable[..., Flask]:
    """Return a factory of migrated apps; keyword arguments go to test_config."""

    def factory(**test_config) -> Flask:
        """Create an app with the test settings, then run the migrations."""
        config = {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "BLOG_POSTS_DIR": str(posts_dir),
            "BLOG_DATABASE_URL": f"sqlite:///{tmp_path / 'blog.db'}",
            "BLOG_SECRET_KEY": "test-secret",
            "BLOG_SETTINGS": str(tmp_path / "absent.toml"),
            "settings": {},
        }
        config.update(test_config)
        app = create_app(config)
        with app.app_context():
            upgrade()
        return app

    return factory


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """Return the default test app: French, moderation always, no CSRF."""
    return make_app()


@pytest.fixture
def client(app: Flask):
    """Return a test client of the default app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    """Return a CLI runner of the default app."""
    return app.test_cli_runner()


@pytest.fixture
def moderator(app: Flask) -> Credentials:
    """Create the moderator account ``marie`` in the database; return its login."""
    with app.app_context():
        accounts.create(MODERATOR.username, MODERATOR.password)
    return MODERATOR


class AuthActions:
    """Log in and out through /login and /logout, as a moderator's browser does."""

    def __init__(self, client, credentials: Credentials) -> None:
        """Act with ``client`` unless told otherwise, as ``credentials``."""
        self._client = client
        self._credentials = credentials

    def login(self, client=None, username=None, password=None, next=None):
        """Send the login form (the moderator's unless told); return the response.

        ``next`` goes both in the address and in the form, as the login page
        carries it over; nothing is asserted here.
        """
        data = {
            "username": self._credentials.username if username is None else username,
            "password": self._credentials.password if password is None else password,
        }
        url = "/login"
        if next:
            url += f"?next={next}"
            data["next"] = next
        return (client or self._client).post(url, data=data)

    def logout(self, client=None):
        """Log out (a POST); return the response."""
        return (client or self._client).post("/logout")


@pytest.fixture
def auth(client, moderator: Credentials) -> AuthActions:
    """Return login and logout actions for the ``moderator`` account."""
    return AuthActions(client, moderator)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a thread; yield its base URL."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's Chromium through Playwright, or skip when it is absent."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """Return a fresh browser tab (own cookies) for one test."""
    context = browser.new_context(locale="fr-FR")
    tab = context.new_page()
    yield tab
    context.close()
