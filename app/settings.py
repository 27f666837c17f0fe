"""The shape of the site settings: one frozen dataclass per blog.toml section.

app.config reads blog.toml and the environment into these and checks them;
the defaults here are the site a fresh clone runs with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from zoneinfo import ZoneInfo

IPNetwork = IPv4Network | IPv6Network


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
RENAMED = {"mail": {"use_tls": "starttls"}}


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


SECTIONS = {
    "site": SiteSettings,
    "author": AuthorSettings,
    "comments": CommentSettings,
    "cache": CacheSettings,
    "mail": MailSettings,
    "database": DatabaseSettings,
}
