"""The databases test apps run on: a copy of a migrated SQLite file, or a
PostgreSQL schema of their own (the ``database`` fixture of conftest.py)."""

from __future__ import annotations

import functools
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

DATABASES = ("sqlite", "postgresql")
POSTGRES_URL = os.environ.get(
    "CARNET_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def copy_sqlite(source: Path, target: Path) -> str:
    """Copy a SQLite database file; return the URL of the copy."""
    # The backup API copies a consistent database, whatever its WAL holds.
    with closing(sqlite3.connect(source)) as original:
        with closing(sqlite3.connect(target)) as copy:
            original.backup(copy)
    return f"sqlite:///{target}"


@functools.cache
def postgres_unreachable() -> str | None:
    """Return why the test PostgreSQL server cannot be used, or None if it can."""
    try:
        with psycopg.connect(libpq_url(), connect_timeout=3):
            return None
    except psycopg.Error as err:
        return f"PostgreSQL unreachable at {POSTGRES_URL}: {str(err).strip()}"


def libpq_url(url: str | sa.URL = POSTGRES_URL) -> str:
    """Return a SQLAlchemy URL as psycopg takes it (no driver name)."""
    url = sa.make_url(url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def schema_url(schema: str) -> str:
    """Return the SQLAlchemy URL whose connections work in ``schema``."""
    url = sa.make_url(POSTGRES_URL).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    return url.render_as_string(hide_password=False)


@contextmanager
def fresh_schema() -> Iterator[str]:
    """Create an empty schema, yield its name, then drop it and its tables.

    Skips the test, saying why, when the server cannot be reached. Whoever
    connected to the schema must have closed its connections by then.
    """
    reason = postgres_unreachable()
    if reason:
        pytest.skip(reason)
    schema = f"carnet_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq_url(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        with psycopg.connect(libpq_url(), autocommit=True) as conn:
            # A connection left open would make DROP wait forever: fail instead.
            conn.execute("SET lock_timeout = '30s'")
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def postgres_schema() -> Iterator[str]:
    """Create an empty schema, yield a URL that works in it, then drop it."""
    with fresh_schema() as schema:
        yield schema_url(schema)
