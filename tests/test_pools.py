"""[database] pool settings: how many connections each worker may hold."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from databases import fresh_schema, schema_url

from app.extensions import db

TINY_POOL = {"database": {"pool_size": 1, "max_overflow": 0, "pool_timeout": 1}}


@pytest.mark.postgres
def test_a_worker_holds_no_more_postgres_connections_than_its_pool(make_app):
    with fresh_schema() as schema:
        app = make_app(BLOG_DATABASE_URL=schema_url(schema), settings=TINY_POOL)
        with app.app_context():
            try:
                with db.engine.connect():
                    # The one connection is taken: the next waits pool_timeout.
                    with pytest.raises(sa.exc.TimeoutError):
                        db.engine.connect()
            finally:
                db.engine.dispose()


def test_sqlite_ignores_the_postgres_pool_settings(make_app):
    app = make_app(settings=TINY_POOL)
    with app.app_context():
        with db.engine.connect() as first, db.engine.connect() as second:
            assert first.scalar(sa.text("SELECT 1")) == second.scalar(
                sa.text("SELECT 1")
            )
