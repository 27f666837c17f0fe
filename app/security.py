"""HTTP security headers (placeholder until the hardening work lands)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""
