"""Running Carnet on real machines: health probes, ``doctor``, moving comments.

Imports only downwards (config, extensions, the comment model); nothing but
the factory imports it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the probes and the operator's commands."""
    from app.ops import cli, health

    health.init_app(app)
    cli.init_app(app)
