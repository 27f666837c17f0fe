"""Absolute URLs under ``base_url``: feeds, the sitemap, canonical links, mail."""

from __future__ import annotations

from app.config import current_settings


def absolute(path: str) -> str:
    """Return the site path ``path`` as an absolute URL under ``base_url``."""
    return current_settings().site.base_url.rstrip("/") + path


def absolute_address(address: str) -> str | None:
    """Return an address from post HTML as an absolute URL, None if it has none.

    Site paths (``/media/…``) go under ``base_url``; ``//host/…`` gets https.
    """
    if address.startswith("//"):
        return "https:" + address
    if address.startswith("/"):
        return absolute(address)
    if address.startswith(("http://", "https://")):
        return address
    return None
