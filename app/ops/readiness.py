"""Whether this process can serve readers: shared by ``/readyz`` and ``doctor``.

Ready means the database answers, its schema is at the migrations' head (or
beyond it: during a rolling deploy the new code migrates first and the old
code keeps working, migrations being backward-compatible for one release),
and the posts folder is indexed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from app.config import current_settings
from app.extensions import db


class Unreachable(Exception):
    """The database did not answer; the message is the driver's first line."""


@dataclass(frozen=True)
class Migrations:
    """The revisions this code knows, read once from migrations/versions."""

    head: str
    known: frozenset[str]


def migrations() -> Migrations:
    """Return the code's migration head and revisions (parsed once per app)."""
    found = current_app.extensions.get("carnet_migrations")
    if found is None:
        from alembic.script import ScriptDirectory  # only when asked: see app.schema

        scripts = ScriptDirectory(current_app.extensions["migrate"].directory)
        found = Migrations(
            head=scripts.get_current_head() or "",
            known=frozenset(script.revision for script in scripts.walk_revisions()),
        )
        current_app.extensions["carnet_migrations"] = found
    return found


def first_line(error: BaseException) -> str:
    """Return the first line of an error message (drivers write several)."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def database_revision() -> str | None:
    """Return the database's migration revision, None when it has none.

    Raises :class:`Unreachable` when no connection can be made. One query on a
    one-row table: cheap enough for a probe every few seconds.
    """
    try:
        connection = db.engine.connect()
    except SQLAlchemyError as error:
        raise Unreachable(first_line(error)) from None
    with connection:
        try:
            return connection.execute(
                sa.text("SELECT version_num FROM alembic_version")
            ).scalar()
        except SQLAlchemyError as error:
            if connection.invalidated:  # the connection died, not the query
                raise Unreachable(first_line(error)) from None
            return None  # no alembic_version table: never migrated


def schema_problem(revision: str | None) -> str | None:
    """Say why a database at ``revision`` is behind this code, or None."""
    wanted = migrations()
    if revision is None:
        return _("migrations : aucune appliquée (lancez flask --app wsgi db upgrade)")
    if revision != wanted.head and revision in wanted.known:
        return _(
            "migrations : la base est à %(base)s, le code attend %(head)s "
            "(lancez flask --app wsgi db upgrade)",
            base=revision,
            head=wanted.head,
        )
    return None  # at head, or ahead of this code (a newer release migrated it)


def posts_problem() -> str | None:
    """Say why the posts are not indexed, or None."""
    folder = current_settings().posts_dir
    # A shared volume that went away looks like an empty blog to the index.
    readable = folder.is_dir() and os.access(folder, os.R_OK | os.X_OK)
    if "carnet_posts" not in current_app.extensions or not readable:
        return _("articles : dossier illisible %(folder)s", folder=folder)
    return None


def unready_reasons() -> list[str]:
    """Return why this process should get no traffic; empty when ready."""
    reasons = []
    try:
        problem = schema_problem(database_revision())
    except Unreachable as error:
        problem = _("base de données injoignable : %(error)s", error=error)
    if problem:
        reasons.append(problem)
    problem = posts_problem()
    if problem:
        reasons.append(problem)
    return reasons
