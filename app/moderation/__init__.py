"""Moderation: moderator accounts, login, the queue of comments."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the moderation blueprint and the ``moderator`` commands."""
    from app.moderation.cli import moderator_cli
    from app.moderation.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(moderator_cli)
