"""Moderation: moderator accounts, login, the queue of comments and its CLI twins."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.extensions import db, login_manager


def _load_moderator(user_id: str):
    """Return the moderator of a session cookie, if its session is still open.

    The cookie carries ``<id>:<session generation>`` (Moderator.get_id): a
    cookie from before a logout or a new password names an old generation.
    """
    from app.moderation.models import Moderator
    from app.params import whole_number

    number, _, generation = (user_id or "").partition(":")
    moderator_id = whole_number(number)
    if moderator_id is None or whole_number(generation) is None:
        return None
    moderator = db.session.get(Moderator, moderator_id)
    if moderator is None or moderator.get_id() != user_id:
        return None
    return moderator


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
