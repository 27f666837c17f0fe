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
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
import pytest
from databases import DATABASES, copy_sqlite, postgres_schema, postgres_unreachable
from flask import Flask
from flask_migrate import upgrade
from helpers import MODERATOR, Credentials, free_port
from werkzeug.serving import make_server

import app.content.catalogue as catalogue_module
from app import create_app
from app.compiled_templates import compiling_settings
from app.extensions import db
from app.moderation.models import Moderator

FIXTURE_POSTS = Path(__file__).parent / "posts"
CHROMIUM = Path("/usr/bin/chromium")


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


@pytest.fixture(scope="session", autouse=True)
def _instance_outside_the_repository(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Send what the apps and servers of the run keep to a folder of their own.

    Without it, every app made without a test's own folder, and every command
    run in a subprocess, left a post index in the repository's instance/, a
    new one at each run (its name comes from the posts folder, a temporary one).
    """
    folder = tmp_path_factory.mktemp("instance")
    patch = pytest.MonkeyPatch()
    patch.setenv("BLOG_INSTANCE_DIR", str(folder))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a SQLite database the migrations brought to head, made once a run.

    Each test starts from a copy: running the migrations on every new file
    took about a third of the time of a module such as test_comments
    (make_app still runs them, finding the copy at head).
    """
    folder = tmp_path_factory.mktemp("migrated")
    shutil.copytree(FIXTURE_POSTS, folder / "posts")
    app = create_app(
        {
            "TESTING": True,
            "BLOG_POSTS_DIR": str(folder / "posts"),
            "BLOG_DATABASE_URL": f"sqlite:///{folder / 'blog.db'}",
            "BLOG_SECRET_KEY": "test-secret",
            "BLOG_SETTINGS": str(folder / "absent.toml"),
            "settings": {},
        }
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return folder / "blog.db"


@pytest.fixture
def database(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite: Path
) -> Iterator[str]:
    """Yield the database URL of this test's apps: SQLite unless parametrized.

    SQLite is a copy of ``migrated_sqlite`` in tmp_path. PostgreSQL gets a
    schema of its own, created now and dropped afterwards.
    """
    if getattr(request, "param", "sqlite") == "sqlite":
        yield copy_sqlite(migrated_sqlite, tmp_path / "blog.db")
        return
    why_not = postgres_unreachable()
    if why_not:
        pytest.skip(why_not)
    with postgres_schema() as url:
        yield url


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory and shared by every app of the run.

    Each test app has a Jinja environment of its own that would compile every
    template again: about a third of the time of a module such as
    test_comments. Entries are checked
    against the template's source (an edited template is compiled again) and
    kept apart for environments that would compile differently.
    """

    def __init__(self) -> None:
        """Start empty."""
        self._code: dict[tuple, bytes] = {}

    @staticmethod
    def _slot(bucket: jinja2.bccache.Bucket) -> tuple:
        """Return what the compiled code depends on besides the source."""
        return bucket.key, compiling_settings(bucket.environment)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Give the bucket the code compiled earlier, if any."""
        code = self._code.get(self._slot(bucket))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep the code just compiled."""
        self._code[self._slot(bucket)] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


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

    Every app of a test shares the posts folder and the database. Their
    compiled templates are kept in memory for the whole run, unless
    ``keep_compiled_templates=True`` leaves the app its own (in its instance
    folder).
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
            # Kept beside the test's posts, never in the repository's instance/.
            "CARNET_INDEX_FILE": str(tmp_path / "post-index.cache"),
            "BLOG_IMAGE_CACHE_DIR": str(tmp_path / "images"),
            "settings": {},
        }
        own_compiled = test_config.pop("keep_compiled_templates", False)
        config.update(test_config)
        app = create_app(config)
        if not own_compiled:
            app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
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


@functools.cache
def moderator_password_hash() -> str:
    """Return the moderator's password hashed as the app does, once a run.

    Werkzeug's scrypt takes about 0.2 s a time, on purpose: hashing the same
    password again for each test cost about a tenth of the suite's time.
    Logging in still checks it the app's way.
    """
    probe = Moderator(username=MODERATOR.username)
    probe.set_password(MODERATOR.password)
    return probe.password_hash


@pytest.fixture
def moderator(app: Flask) -> Credentials:
    """Create the moderator account ``marie`` in the database; return its login."""
    with app.app_context():
        db.session.add(
            Moderator(
                username=MODERATOR.username, password_hash=moderator_password_hash()
            )
        )
        db.session.commit()
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


@pytest.fixture
def reads(monkeypatch):
    """Record the names of the files the index reads."""
    seen: list[str] = []
    real = catalogue_module.read_entry

    def counting(path, *args):
        seen.append(path.name)
        return real(path, *args)

    monkeypatch.setattr(catalogue_module, "read_entry", counting)
    return seen
