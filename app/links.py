"""Absolute URLs under ``base_url``: feeds, the sitemap, canonical links, mail."""

from __future__ import annotations

from app.config import current_settings


def absolute(path: str) -> str:
    """Return the site path ``path`` as an absolute URL under ``base_url``."""
    return current_settings().site.base_url.rstrip("/") + path
