"""The database migrations (Flask-Migrate, Alembic), loaded when first needed.

Importing Flask-Migrate imports Alembic: about a tenth of a second that
every gunicorn start and every reader-facing process would pay for
commands it never runs. The app gets a stand-in instead: the ``flask db``
command group and ``app.extensions["migrate"]`` (what Flask-Migrate's
functions and ``migrations/env.py`` read) become the real ones on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy

KEY = "migrate"


class LazyMigrations:
    """Stands in ``app.extensions["migrate"]`` until something reads it."""

    def __init__(self, app: Flask, db: SQLAlchemy, directory: Path) -> None:
        """Remember what Flask-Migrate will be given."""
        self.app = app
        self.db = db
        self.directory = str(directory)

    def real(self) -> Any:
        """Set Flask-Migrate up on the app (once); return its configuration."""
        from flask_migrate import Migrate

        if self.app.extensions.get(KEY) is self:
            Migrate(self.app, self.db, directory=self.directory, render_as_batch=True)
        return self.app.extensions[KEY]

    def __getattr__(self, name: str) -> Any:
        """Answer as Flask-Migrate's own configuration object does."""
        return getattr(self.real(), name)


class LazyDbGroup(click.Group):
    """``flask db``: Flask-Migrate's group, imported when the command is run.

    ``flask --help`` lists it by its short help alone; running it hands the
    command line to Flask-Migrate's own group, set up on the app first.
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Parse the command line with Flask-Migrate's own ``db`` group."""
        found = current_app.extensions[KEY]
        if isinstance(found, LazyMigrations):
            found.real()
        from flask_migrate.cli import db

        return db.make_context(info_name, args, parent=parent, **extra)


def init_app(app: Flask, db: SQLAlchemy, directory: Path) -> None:
    """Give ``app`` its migrations, without importing Alembic now."""
    app.extensions[KEY] = LazyMigrations(app, db, directory)
    app.cli.add_command(
        LazyDbGroup("db", help="Perform database migrations (Flask-Migrate).")
    )
