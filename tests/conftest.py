"""Shared fixtures: apps on a copy of tests/posts/, SQLite or PostgreSQL, a moderator.

- ``make_app(**test_config)`` builds migrated apps; ``app``, ``client`` and
  ``runner`` are the default one's.
- ``database`` is the SQLAlchemy URL those apps use: a SQLite file in tmp_path,
  unless the test is marked ``@pytest.mark.databases("sqlite", "postgresql")``,
  which runs it once on each (the PostgreSQL run also carries ``postgres``).
- ``moderator`` and ``auth`` log a moderator in and out, as flaskr's tests do.
- ``live_server``, ``browser`` and ``page`` are for the tests in Chromium.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from helpers import MODERATOR, Credentials, free_port
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.moderation import accounts

FIXTURE_POSTS = Path(__file__).parent / "posts"
CHROMIUM = Path("/usr/bin/chromium")
DATABASES = ("sqlite", "postgresql")
POSTGRES_URL = os.environ.get(
    "CARNET_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test marked ``databases(...)`` once on each database it names."""
    marker = metafunc.definition.get_closest_marker("databases")
    # A module-wide mark also reaches tests that need no database: once is enough.
    if marker is None or "database" not in metafunc.fixturenames:
        return
    unknown = [name for name in marker.args if name not in DATABASES]
    if not marker.args or unknown:
        raise pytest.UsageError(
            f"{metafunc.definition.nodeid}: databases() takes some of {DATABASES}, "
            f"not {marker.args}"
        )
    metafunc.parametrize(
        "database",
        [
            pytest.param(
                name,
                id=name,
                marks=[pytest.mark.postgres] if name == "postgresql" else [],
            )
            for name in marker.args
        ],
        indirect=True,
    )


@functools.cache
def postgres_unreachable() -> str | None:
    """Return why the test PostgreSQL server cannot be used, or None if it can."""
    try:
        with psycopg.connect(_libpq(POSTGRES_URL), connect_timeout=3):
            return None
    except psycopg.Error as err:
        return f"PostgreSQL unreachable at {POSTGRES_URL}: {str(err).strip()}"


def _libpq(url: str | sa.URL) -> str:
    """Return a SQLAlchemy URL as psycopg takes it (no driver name)."""
    url = sa.make_url(url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the database URL of this test's apps: SQLite unless parametrized.

    PostgreSQL gets a schema of its own, created now and dropped afterwards.
    """
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'blog.db'}"
        return
    why_not = postgres_unreachable()
    if why_not:
        pytest.skip(why_not)
    schema = f"carnet_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = sa.make_url(POSTGRES_URL).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True) as conn:
            # A connection left open would make DROP wait forever: fail instead.
            conn.execute("SET lock_timeout = '30s'")
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def posts_dir(tmp_path: Path) -> Path:
    """Return a writable copy of the fixture articles."""
    target = tmp_path / "posts"
    shutil.copytree(FIXTURE_POSTS, target)
    return target


@pytest.fixture
def make_app(
    tmp_path: Path, posts_dir: Path, database: str
) -> Iterator[Callable[..., Flask]]:
    """Yield a factory of migrated apps; keyword arguments go to test_config.

    Every app of a test shares the posts folder and the database.
    """
    apps: list[Flask] = []

    def factory(**test_config) -> Flask:
        """Create an app with the test settings, then run the migrations."""
        config = {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "BLOG_POSTS_DIR": str(posts_dir),
            "BLOG_DATABASE_URL": database,
            "BLOG_SECRET_KEY": "test-secret",
            "BLOG_SETTINGS": str(tmp_path / "absent.toml"),
            "settings": {},
        }
        config.update(test_config)
        app = create_app(config)
        apps.append(app)
        with app.app_context():
            upgrade()
        return app

    yield factory
    # Close pooled connections, so that a PostgreSQL schema can be dropped.
    for app in apps:
        with app.app_context():
            db.engine.dispose()


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
