"""Site settings: blog.toml plus ``BLOG_*`` environment, validated once at start-up.

Every key of blog.toml is optional; an unknown key or a bad value raises
:class:`ConfigError` whose message is one line naming the setting.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import fields
from ipaddress import ip_network
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from flask import current_app
from limits import parse_many

# The settings' shape lives in app.settings; its names are imported from here too.
from app.params import whole_number
from app.settings import (
    RENAMED,
    SECTIONS,
    AuthorSettings,
    CacheSettings,
    CommentSettings,
    DatabaseSettings,
    IPNetwork,
    MailSettings,
    Settings,
    SiteSettings,
)

__all__ = [
    "AuthorSettings",
    "CacheSettings",
    "CommentSettings",
    "ConfigError",
    "DatabaseSettings",
    "IPNetwork",
    "MailSettings",
    "Settings",
    "SiteSettings",
    "current_settings",
    "load_settings",
]


class ConfigError(Exception):
    """A setting is unknown or has a bad value; the message names it."""


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
    cls = SECTIONS[name]
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [{name}] must be a table")
    defaults = cls()
    values = {}
    for key, value in raw.items():
        where = f"{source}: [{name}] {key}"
        new = RENAMED.get(name, {}).get(key)
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
        if name not in SECTIONS:
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
        count = whole_number(proxies)
        if count is None:
            raise ConfigError(
                f"BLOG_TRUSTED_PROXIES: expected a whole number, got {proxies!r}"
            )
        site_env["trusted_proxies"] = count
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
