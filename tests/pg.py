"""The machine's PostgreSQL for tests: where it is, whether it answers, a schema.

Tests get a fresh schema on ``postgresql+psycopg://postgres@127.0.0.1:5432/test``
(``CARNET_TEST_POSTGRES`` to change it), dropped afterwards; they skip, saying
why, when the server cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pytest

PG_URL = os.environ.get(
    "CARNET_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def libpq_url(url: str = PG_URL) -> str:
    """Return the URL without SQLAlchemy's driver suffix, for psycopg."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@cache
def why_not() -> str | None:
    """Return why PostgreSQL cannot be used, or None when it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(libpq_url(), connect_timeout=3):
            return None
    except psycopg.Error as err:
        return f"PostgreSQL unreachable at {PG_URL}: {str(err).strip()}"


def schema_url(schema: str) -> str:
    """Return the SQLAlchemy URL whose connections use ``schema``."""
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


@contextmanager
def fresh_schema() -> Iterator[str]:
    """Create an empty schema, yield its name, drop it with its tables after."""
    reason = why_not()
    if reason:
        pytest.skip(reason)
    import psycopg

    name = f"carnet_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq_url(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(libpq_url(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')
