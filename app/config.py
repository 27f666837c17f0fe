"""Site settings: blog.toml plus ``BLOG_*`` environment, validated once at start-up.

Every key of blog.toml is optional; an unknown key or a bad value raises
:class:`ConfigError` whose message is one line naming the setting.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from flask import current_app
from limits import parse_many

IPNetwork = IPv4Network | IPv6Network


class ConfigError(Exception):
    """A setting is unknown or has a bad value; the message names it."""


@dataclass(frozen=True)
class SiteSettings:
    title: str = "Carnet"
    description: str = "Un carnet de notes, écrit en Markdown."
    locale: str = "fr_FR"
    timezone: str = "Europe/Paris"
    base_url: str = "http://127.0.0.1:5000"
    posts_per_page: int = 7
    # How many reverse proxies to trust for X-Forwarded-* headers (0: none)...
    trusted_proxies: int = 0
    # ...and where they connect from: anyone else's X-Forwarded-For is ignored.
    proxy_addresses: tuple[str, ...] = ("127.0.0.1", "::1")
    # The largest post file the site reads (SPEC §13); the importer skips bigger.
    max_post_bytes: int = 2_000_000

    @property
    def tz(self) -> ZoneInfo:
        """Return the site timezone."""
        return ZoneInfo(self.timezone)

    @property
    def language(self) -> str:
        """Return the language part of the locale, as ``<html lang>`` wants it."""
        return self.locale.split("_")[0]

    @property
    def proxy_networks(self) -> tuple[IPNetwork, ...]:
        """Return the addresses of the trusted proxies as networks."""
        return tuple(ip_network(a, strict=False) for a in self.proxy_addresses)


@dataclass(frozen=True)
class AuthorSettings:
    name: str = "L'auteur"
    bio: str = ""


@dataclass(frozen=True)
class CommentSettings:
    moderation: str = "always"
    form_message: str = "merci pour ce commentaire. Bonne journée."
    max_length: int = 4096
    blocklist: tuple[str, ...] = ()
    rate_limit: str = "5/minute;30/hour"
    # Days a commenter's IP address is kept whole; then cut to /24 or /48.
    keep_ip_days: int = 30

    @property
    def moderate_older_than_days(self) -> int | None:
        """Return N for ``older-than:N``, else None."""
        if self.moderation.startswith("older-than:"):
            return int(self.moderation.split(":", 1)[1])
        return None


@dataclass(frozen=True)
class CacheSettings:
    """How long readers and HTTP caches may keep a page (seconds)."""

    max_age: int = 60
    stale_while_revalidate: int = 600
    stale_if_error: int = 86400
    # Rendered pages each worker keeps in memory.
    memory_mb: int = 64
    # Posts rendered to HTML each worker keeps in memory.
    rendered_mb: int = 32

    @property
    def max_bytes(self) -> int:
        """Return the page cache's size limit in bytes."""
        return self.memory_mb * 1024 * 1024

    @property
    def rendered_bytes(self) -> int:
        """Return the budget of rendered posts in bytes."""
        return self.rendered_mb * 1024 * 1024


@dataclass(frozen=True)
class MailSettings:
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    starttls: bool = False
    sender: str = "carnet@localhost"
    moderator_email: str = ""
    # "each": one message per comment to moderate; "daily": at most one a day.
    digest: str = "each"


# Old names still accepted in blog.toml, and the names they stand for.
_RENAMED = {"mail": {"use_tls": "starttls"}}


@dataclass(frozen=True)
class DatabaseSettings:
    # Per worker process, PostgreSQL only (SQLite keeps SQLAlchemy's defaults):
    # at most pool_size + max_overflow connections; README has the arithmetic.
    pool_size: int = 5
    max_overflow: int = 5
    pool_timeout: int = 30  # seconds a request waits for a free connection


@dataclass(frozen=True)
class Settings:
    """Everything Carnet reads from blog.toml and the environment."""

    site: SiteSettings = field(default_factory=SiteSettings)
    author: AuthorSettings = field(default_factory=AuthorSettings)
    comments: CommentSettings = field(default_factory=CommentSettings)
    cache: CacheSettings = field(default_factory=CacheSettings)
    mail: MailSettings | None = None
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    posts_dir: Path = Path("posts")
    database_url: str = ""
    secret_key: str = ""
    ratelimit_storage_url: str = "memory://"
    settings_file: Path | None = None  # the file read, if any (for `doctor`)
    # Resized copies of the posts' images (SPEC §13): rebuilt when missing.
    image_cache_dir: Path = Path("instance/images")

    @property
    def sends_mail(self) -> bool:
        """Tell whether messages go out (else new comments are only logged)."""
        return self.mail is not None and bool(self.mail.smtp_host)


_SECTIONS = {
    "site": SiteSettings,
    "author": AuthorSettings,
    "comments": CommentSettings,
    "cache": CacheSettings,
    "mail": MailSettings,
    "database": DatabaseSettings,
}


def _check_value(where: str, value: Any, default: Any) -> Any:
    """Return ``value`` converted to the type of ``default`` or raise ConfigError."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{where}: expected a whole number ≥ 0, got {value!r}")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        return tuple(value)
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, got {value!r}")
    return value


def _section(name: str, raw: Any, source: str) -> Any:
    """Build one settings section from its table in blog.toml."""
    cls = _SECTIONS[name]
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [{name}] must be a table")
    defaults = cls()
    values = {}
    for key, value in raw.items():
        where = f"{source}: [{name}] {key}"
        new = _RENAMED.get(name, {}).get(key)
        if new is not None:
            if new in raw and raw[new] != value:
                raise ConfigError(f"{where}: old name of {new}, which says otherwise")
            key = new
        elif key not in {f.name for f in fields(cls)}:
            raise ConfigError(f"{where}: unknown setting")
        values[key] = _check_value(where, value, getattr(defaults, key))
    return cls(**values)


def _check_networks(where: str, addresses: tuple[str, ...]) -> None:
    """Raise ConfigError unless every entry is an IP address or network."""
    for address in addresses:
        try:
            ip_network(address, strict=False)
        except ValueError:
            raise ConfigError(
                f"{where}: not an IP address or network: {address!r}"
            ) from None


def _validate(settings: Settings, source: str) -> None:
    """Check values whose type is right but whose meaning may not be."""
    site, comments = settings.site, settings.comments
    try:
        ZoneInfo(site.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{source}: [site] timezone: unknown timezone {site.timezone!r}"
        ) from None
    try:
        Locale.parse(site.locale)
    except (UnknownLocaleError, ValueError):
        raise ConfigError(
            f"{source}: [site] locale: unknown locale {site.locale!r}"
        ) from None
    if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", site.base_url):
        raise ConfigError(
            f"{source}: [site] base_url: expected an http(s) URL, got {site.base_url!r}"
        )
    _check_networks(f"{source}: [site] proxy_addresses", site.proxy_addresses)
    if site.posts_per_page < 1:
        raise ConfigError(f"{source}: [site] posts_per_page: must be at least 1")
    if site.max_post_bytes < 1:
        raise ConfigError(f"{source}: [site] max_post_bytes: must be at least 1")
    if not re.fullmatch(r"always|never|older-than:\d+", comments.moderation):
        raise ConfigError(
            f"{source}: [comments] moderation: expected always, never or "
            f"older-than:N, got {comments.moderation!r}"
        )
    if comments.max_length < 1:
        raise ConfigError(f"{source}: [comments] max_length: must be at least 1")
    try:
        if not parse_many(comments.rate_limit):
            raise ValueError
    except ValueError:
        raise ConfigError(
            f"{source}: [comments] rate_limit: not a rate limit such as "
            f"'5/minute;30/hour', got {comments.rate_limit!r}"
        ) from None
    mail = settings.mail
    if mail is not None and mail.smtp_host and not mail.moderator_email:
        raise ConfigError(f"{source}: [mail] moderator_email: required with smtp_host")
    if mail is not None and mail.digest not in ("each", "daily"):
        raise ConfigError(
            f"{source}: [mail] digest: expected each or daily, got {mail.digest!r}"
        )
    for key in ("pool_size", "pool_timeout"):
        if getattr(settings.database, key) < 1:
            raise ConfigError(f"{source}: [database] {key}: must be at least 1")
    # A key generated into instance/ differs on every host: the comment form's
    # token made by one host would be refused by the next behind a balancer.
    if not settings.secret_key and not settings.database_url.startswith("sqlite"):
        raise ConfigError(
            "BLOG_SECRET_KEY: required when BLOG_DATABASE_URL is not SQLite; "
            "set it to the same value on every host"
        )


def load_settings(
    root: Path,
    instance: Path,
    environ: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> Settings:
    """Read blog.toml and the environment into validated :class:`Settings`.

    ``overrides`` (used by tests) stands in for the file's tables when it has a
    ``"settings"`` key, and for ``BLOG_*`` variables otherwise.
    """
    env = dict(os.environ if environ is None else environ)
    env.update({k: v for k, v in (overrides or {}).items() if k.startswith("BLOG_")})
    path = Path(env.get("BLOG_SETTINGS") or root / "blog.toml")
    source = str(path) if "BLOG_SETTINGS" in env else path.name
    read_from = None
    if overrides and "settings" in overrides:
        raw, source = overrides["settings"], "settings"
    elif path.exists():
        read_from = path.resolve()
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise ConfigError(f"{source}: not valid TOML: {err}") from None
    elif "BLOG_SETTINGS" in env:
        raise ConfigError(f"BLOG_SETTINGS: no such file {str(path)!r}")
    else:
        raw = {}

    sections = {}
    for name, table in raw.items():
        if name not in _SECTIONS:
            raise ConfigError(f"{source}: [{name}]: unknown section")
        sections[name] = _section(name, table, source)

    posts_dir = Path(env.get("BLOG_POSTS_DIR") or root / "posts")
    if not posts_dir.is_dir():
        raise ConfigError(f"BLOG_POSTS_DIR: not a folder: {str(posts_dir)!r}")
    database_url = env.get("BLOG_DATABASE_URL") or f"sqlite:///{instance / 'blog.db'}"
    if not re.match(r"^[a-z][a-z0-9+]*://", database_url):
        raise ConfigError(f"BLOG_DATABASE_URL: not an SQLAlchemy URL: {database_url!r}")
    storage = env.get("BLOG_RATELIMIT_STORAGE_URL") or "memory://"
    if not re.match(
        r"^(memory|redis|rediss|redis\+cluster|redis\+sentinel|memcached|mongodb)://",
        storage,
    ):
        raise ConfigError(
            f"BLOG_RATELIMIT_STORAGE_URL: unsupported storage URL {storage!r}"
        )
    site_env: dict[str, Any] = {}
    proxies = env.get("BLOG_TRUSTED_PROXIES")
    if proxies is not None:
        if not proxies.isdigit():
            raise ConfigError(
                f"BLOG_TRUSTED_PROXIES: expected a whole number, got {proxies!r}"
            )
        site_env["trusted_proxies"] = int(proxies)
    addresses = env.get("BLOG_PROXY_ADDRESSES")
    if addresses is not None:
        listed = tuple(a.strip() for a in addresses.split(",") if a.strip())
        _check_networks("BLOG_PROXY_ADDRESSES", listed)
        site_env["proxy_addresses"] = listed
    if site_env:
        site = sections.get("site", SiteSettings())
        sections["site"] = SiteSettings(**{**site.__dict__, **site_env})

    image_cache = Path(env.get("BLOG_IMAGE_CACHE_DIR") or instance / "images")
    settings = Settings(
        site=sections.get("site", SiteSettings()),
        author=sections.get("author", AuthorSettings()),
        comments=sections.get("comments", CommentSettings()),
        cache=sections.get("cache", CacheSettings()),
        mail=sections.get("mail"),
        database=sections.get("database", DatabaseSettings()),
        posts_dir=posts_dir.resolve(),
        database_url=database_url,
        secret_key=env.get("BLOG_SECRET_KEY") or "",
        ratelimit_storage_url=storage,
        settings_file=read_from,
        image_cache_dir=image_cache.absolute(),
    )
    _validate(settings, source)
    return settings


def current_settings() -> Settings:
    """Return the settings of the running application."""
    return current_app.config["CARNET"]
