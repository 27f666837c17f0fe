"""Shared fixtures: an app on a copy of tests/posts/, a live server, Chromium."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app

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
        config = {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "BLOG_POSTS_DIR": str(posts_dir),
            "BLOG_DATABASE_URL": f"sqlite:///{tmp_path / 'blog.db'}",
            "BLOG_SECRET_KEY": "test-secret",
            "BLOG_SETTINGS": str(tmp_path / "absent.toml"),
            # Kept beside the test's posts, never in the repository's instance/.
            "CARNET_INDEX_FILE": str(tmp_path / "post-index.cache"),
            "BLOG_IMAGE_CACHE_DIR": str(tmp_path / "images"),
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


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
