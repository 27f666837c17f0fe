"""Reader comments: the form under each post, the guard, storage and feeds."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from wtforms import Field

from app.extensions import db, login_manager


def _load_moderator(user_id: str):
    """Return the moderator of a session cookie, if still present."""
    from app.comments.models import Moderator

    return db.session.get(Moderator, int(user_id)) if user_id.isdigit() else None


def field_aria(field: Field, help_id: str | None = None) -> dict[str, str]:
    """Return the ARIA attributes tying a form field to its help and errors."""
    described = [help_id] if help_id else []
    attrs = {}
    if field.errors:
        described.append(f"{field.name}-errors")
        attrs["aria_invalid"] = "true"
    if described:
        attrs["aria_describedby"] = " ".join(described)
    return attrs


def init_app(app: Flask) -> None:
    """Register the comments blueprint, the login manager hooks and the CLI."""
    from app.comments import models  # noqa: F401  (tables known to Alembic)
    from app.comments.cli import comments_cli
    from app.comments.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(comments_cli)
    app.add_template_global(field_aria, "comment_field_aria")

    login_manager.user_loader(_load_moderator)
    login_manager.login_view = "moderation.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à la modération.")
    login_manager.login_message_category = "info"
