"""Flask extensions, created unbound and bound to the app in ``create_app``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    from app.content.index import PostIndex


class Base(DeclarativeBase):
    """Declarative base of every Carnet model."""


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
# Limits are declared where they apply (comment form, login); none by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def utc(moment: datetime) -> datetime:
    """Return a datetime read from the database as aware UTC.

    SQLite hands back naive datetimes (UTC, as they were stored) even for
    ``timezone=True`` columns; PostgreSQL aware ones, in the session's zone.
    """
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def post_index() -> PostIndex:
    """Return the running application's index of posts, refreshed if stale."""
    index = current_app.extensions["carnet_posts"]
    index.refresh()
    return index
