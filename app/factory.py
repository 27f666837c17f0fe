"""The application factory: settings, extensions, blueprints, commands."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.config import Settings, load_settings
from app.instance import instance_folder, instance_secret_key
from app.proxies import TrustedProxies

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure a Carnet application.

    ``test_config`` may hold ``BLOG_*`` overrides, a ``settings`` dict standing
    in for blog.toml, and any Flask configuration key.
    """
    test_config = dict(test_config or {})
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=None,  # app.static_files serves it, under versioned URLs
        instance_path=str(instance_folder(PROJECT_ROOT, overrides=test_config)),
    )
    settings = load_settings(
        PROJECT_ROOT, Path(app.instance_path), overrides=test_config
    )
    _configure(app, settings)
    app.config.update(
        {
            k: v
            for k, v in test_config.items()
            if k != "settings" and not k.startswith("BLOG_")
        }
    )

    from app import (
        availability,
        cli,
        compiled_templates,
        extensions,
        httpcache,
        problems,
        ratelimits,
        schema,
        static_files,
        templating,
    )
    from app.cachelayer import CacheLayer
    from app.changes import PageChange  # noqa: F401 (Alembic)
    from app.comments import models as comment_models  # noqa: F401 (Alembic)
    from app.content.index import PostIndex
    from app.content.rendering import Renderer
    from app.freshness import Freshness
    from app.mail import models as mail_models  # noqa: F401 (Alembic)
    from app.moderation import models as moderation_models  # noqa: F401 (Alembic)

    extensions.db.init_app(app)
    schema.init_app(app, extensions.db, PROJECT_ROOT / "migrations")
    availability.init_app(app)
    static_files.init_app(app, PROJECT_ROOT / "static")
    # Its after_request hook must run last (hooks run in reverse order of
    # registration): the page it keeps carries the security headers.
    httpcache.init_app(app)
    extensions.csrf.init_app(app)
    ratelimits.register()
    extensions.limiter.init_app(app)
    extensions.babel.init_app(
        app,
        locale_selector=lambda: settings.site.locale,
        timezone_selector=lambda: settings.site.timezone,
    )
    # Run by the flask command: the problems this first read finds are printed
    # once, and `check` does not print them again.
    cli.print_warnings_once()
    # Read in an app context, so that the problems logged by this first read
    # are in the site's language (outside one they fall back to French).
    with app.app_context():
        app.extensions["carnet_posts"] = PostIndex(
            settings.posts_dir,
            settings.site.tz,
            # Tests set the time of day (scheduled posts) through the config.
            clock=app.config.get("CARNET_CLOCK"),
            describe=problems.describe,
            language=settings.site.language,
            max_bytes=settings.site.max_post_bytes,
            saved=_index_file(app, settings),
            renderer=Renderer(settings.cache.rendered_bytes),
        )
    templating.init_app(app)
    compiled_templates.init_app(app)

    from app import blog, importers, mail, mail_links, media, moderation, ops, security

    moderation.init_app(app)
    blog.init_app(app)
    media.init_app(app)
    mail.init_app(app)
    mail_links.init_app(app)
    importers.init_app(app)
    ops.init_app(app)
    cli.init_app(app)
    security.init_app(app)

    # Kept pages are answered before Flask; what changed is checked first.
    cache = app.extensions["carnet_pages"]
    freshness = Freshness(app, app.extensions["carnet_posts"], cache)
    app.extensions["carnet_freshness"] = freshness
    app.wsgi_app = CacheLayer(
        app.wsgi_app,
        cache,
        freshness,
        cookie_names=(app.config["SESSION_COOKIE_NAME"], "remember_token"),
    )
    if settings.site.trusted_proxies:
        app.wsgi_app = TrustedProxies(
            app.wsgi_app,
            settings.site.trusted_proxies,
            settings.site.proxy_networks,
        )
    # Outermost: this process's mail sender starts with its first request.
    mail.wrap_wsgi(app)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    """Translate validated settings into Flask and extension configuration."""
    secret = settings.secret_key or instance_secret_key(Path(app.instance_path))
    app.config.update(
        CARNET=settings,
        SECRET_KEY=secret,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings),
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_url,
        RATELIMIT_HEADERS_ENABLED=True,
        # Redis away: count in this process's memory (Flask-Limiter logs it).
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.site.base_url.startswith("https://"),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="fr",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(app.root_path) / "translations"),
        MAX_CONTENT_LENGTH=1024 * 1024,
    )


def _index_file(app: Flask, settings: Settings) -> Path | None:
    """Return where the post index is kept between runs (None: not kept).

    One file per posts folder, so that two sites sharing an instance folder
    do not take turns rebuilding each other's.
    """
    configured = app.config.get("CARNET_INDEX_FILE", "default")
    if configured != "default":
        return Path(configured) if configured else None
    return index_file_for(Path(app.instance_path), settings.posts_dir)


def index_file_for(instance: Path, posts_dir: Path) -> Path:
    """Return the file in ``instance`` where the index of ``posts_dir`` is kept."""
    digest = hashlib.sha256(str(posts_dir).encode()).hexdigest()[:10]
    return instance / f"post-index-{digest}.cache"


def _engine_options(settings: Settings) -> dict[str, Any]:
    """Return SQLAlchemy engine options suited to the configured database."""
    if settings.database_url.startswith("sqlite"):
        # Writers wait for each other instead of failing with "database is locked".
        return {"connect_args": {"timeout": 30}}
    pool = settings.database
    # Each worker process has its own pool: these bound what N hosts × W
    # workers ask of the server's max_connections (README, "Several machines").
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_size": pool.pool_size,
        "max_overflow": pool.max_overflow,
        "pool_timeout": pool.pool_timeout,
    }
    if settings.database_url.startswith("postgresql"):
        # An unreachable server must fail fast: pages go on without comments.
        options["connect_args"] = {"connect_timeout": 3}
    return options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Put SQLite in WAL mode so readers never block the one writer."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode, NORMAL syncs at checkpoints, not at every commit: a crash
    # of the machine (not of Carnet) may lose the last commits, never corrupt.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
