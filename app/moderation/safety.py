"""Where ``?next=`` may send a moderator after login: only inside the site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """Return ``target`` if it is a same-site path, else ``default``."""
    if not target or not target.startswith("/"):
        return default
    # Browsers read "\" as "/", so "/\evil" would be "//evil": refuse both,
    # and any control character a browser might strip.
    if target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
