"""Moderation: moderator accounts, login, the queue of comments and its CLI twins."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.extensions import db, login_manager


def _load_moderator(user_id: str):
    """Return the moderator of a session cookie, if still present."""
    from app.moderation.models import Moderator
    from app.params import whole_number

    number = whole_number(user_id)
    return db.session.get(Moderator, number) if number is not None else None


def init_app(app: Flask) -> None:
    """Register the moderation blueprint, the login manager and the commands."""
    from app.moderation.cli import moderator_cli
    from app.moderation.comments_cli import comments_cli
    from app.moderation.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(moderator_cli)
    app.cli.add_command(comments_cli)

    login_manager.init_app(app)
    login_manager.user_loader(_load_moderator)
    login_manager.login_view = "moderation.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à la modération.")
    login_manager.login_message_category = "info"
