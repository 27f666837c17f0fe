"""The schema is made by the Alembic migrations only: they must match the models."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from servers import BIN, ROOT, blog_env

from app.extensions import db

# The models are compared with the schema the migrations made on each database.
pytestmark = pytest.mark.databases("sqlite", "postgresql")


def test_migrations_build_exactly_the_schema_the_models_describe(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


@pytest.mark.databases("sqlite")
def test_serving_readers_never_loads_alembic_and_flask_db_still_migrates(tmp_path):
    # Alembic is a tenth of a second of every start (app.schema): a process
    # serving pages must not import it; `flask db` must still work.
    env = blog_env(tmp_path)  # runs `flask --app wsgi db upgrade`
    probe = (
        "import sys, wsgi\n"
        "page = wsgi.app.test_client().get('/')\n"
        "print(page.status_code, sorted(m for m in sys.modules\n"
        "    if m.split('.')[0] in ('alembic', 'flask_migrate')))\n"
    )
    served = output_of([sys.executable, "-c", probe], env)
    assert served.split("\n")[-2] == "200 []"
    current = output_of([str(BIN / "flask"), "--app", "wsgi", "db", "current"], env)
    assert "(head)" in current


def output_of(command: list[str], env: dict[str, str]) -> str:
    """Run ``command`` in the repository with the blog's environment; its output."""
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
