"""The comment and moderation tests again, on the PostgreSQL server of the machine.

Each test gets a fresh schema (dropped afterwards) on
``postgresql+psycopg://postgres@127.0.0.1:5432/test``; the whole module is
skipped, with the reason, when that server cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

import pytest
from flask import Flask

# Re-run these modules' tests here: the make_app fixture below points them at
# PostgreSQL instead of SQLite.
from test_comment_cli import *  # noqa: F403
from test_comment_feeds import *  # noqa: F403
from test_comments import *  # noqa: F403
from test_moderation import *  # noqa: F403

psycopg = pytest.importorskip("psycopg")

PG_URL = os.environ.get(
    "CARNET_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
pytestmark = pytest.mark.postgres


def _libpq_url(url: str) -> str:
    """Return the URL without SQLAlchemy's driver suffix, for psycopg."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _reachable() -> str | None:
    """Return why PostgreSQL cannot be used, or None when it can."""
    try:
        with psycopg.connect(_libpq_url(PG_URL), connect_timeout=3):
            return None
    except psycopg.Error as err:
        return f"PostgreSQL unreachable at {PG_URL}: {str(err).strip()}"


_WHY_NOT = _reachable()


@pytest.fixture
def pg_schema():
    """Create an empty schema for one test and drop it afterwards."""
    if _WHY_NOT:
        pytest.skip(_WHY_NOT)
    name = f"carnet_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq_url(PG_URL), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    yield name
    with psycopg.connect(_libpq_url(PG_URL), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture
def make_app(make_app: Callable[..., Flask], pg_schema: str) -> Callable[..., Flask]:
    """Wrap the SQLite factory of conftest: same apps, on the test schema."""
    apps: list[Flask] = []

    def factory(**test_config) -> Flask:
        """Create an app on PostgreSQL and run the migrations."""
        url = f"{PG_URL}?options=-csearch_path%3D{pg_schema}"
        app = make_app(**{"BLOG_DATABASE_URL": url, **test_config})
        apps.append(app)
        return app

    yield factory
    from app.extensions import db

    # Close pooled connections so that the schema can be dropped.
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_postgres_stores_times_aware_in_utc(app, client):
    from app.comments.models import Comment
    from app.extensions import db

    client.post(
        "/2011/10/un-guitariste-des-humains-et-le.html",
        data={"author": "Zoé", "body": "Sur PostgreSQL"},
    )
    with app.app_context():
        comment = db.session.scalars(db.select(Comment)).one()
        assert comment.created.utcoffset() is not None
        assert db.engine.dialect.name == "postgresql"
