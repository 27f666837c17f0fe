"""The comment and moderation tests again, on the PostgreSQL server of the machine.

Each test gets a fresh schema (dropped afterwards, tests/pg.py); every test
is skipped, with the reason, when that server cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from pg import fresh_schema, schema_url

# Re-run these modules' tests here: the make_app fixture below points them at
# PostgreSQL instead of SQLite.
from test_comment_cli import *  # noqa: F403
from test_comment_feeds import *  # noqa: F403
from test_comments import *  # noqa: F403
from test_mail_links import *  # noqa: F403
from test_mail_outbox import *  # noqa: F403
from test_moderation import *  # noqa: F403
from test_privacy import *  # noqa: F403
from test_reply_notifications import *  # noqa: F403

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_schema():
    """Create an empty schema for one test and drop it afterwards."""
    with fresh_schema() as name:
        yield name


@pytest.fixture
def make_app(make_app: Callable[..., Flask], pg_schema: str) -> Callable[..., Flask]:
    """Wrap the SQLite factory of conftest: same apps, on the test schema."""
    apps: list[Flask] = []

    def factory(**test_config) -> Flask:
        """Create an app on PostgreSQL and run the migrations."""
        app = make_app(**{"BLOG_DATABASE_URL": schema_url(pg_schema), **test_config})
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
