"""Three ``flask db upgrade`` at once: they wait for each other, one migrates.

The test holds the lock itself while the three start, so that they are sure
to pile up behind it, then lets go: all three must succeed, and only one may
run the migrations (the others find the schema at head).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from databases import fresh_schema, libpq_url, schema_url

ROOT = Path(__file__).resolve().parent.parent
HEAD = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
FLASK = str(Path(sys.executable).parent / "flask")
# The key migrations/env.py locks on PostgreSQL ("carnet" in ASCII).
ADVISORY_KEY = 0x636172_6E6574
WAITING = "Waiting for another db upgrade"

pytestmark = pytest.mark.slow


@pytest.fixture
def runs() -> list[tuple]:
    """Collect the started upgrades; stop any still running after the test."""
    started: list[tuple] = []
    yield started
    for process, _ in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def start_upgrades(runs: list[tuple], tmp_path: Path, database_url: str) -> None:
    """Start three `flask db upgrade`, adding (process, output file) to ``runs``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
    env.update(
        BLOG_DATABASE_URL=database_url,
        BLOG_SECRET_KEY="lock-test",
        BLOG_INSTANCE_DIR=str(tmp_path / "instance"),
    )
    for number in range(3):
        log = tmp_path / f"upgrade-{number}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [FLASK, "--app", "wsgi", "db", "upgrade"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        runs.append((process, log))


def wait_until_all_wait(runs: list[tuple], seconds: float = 120) -> None:
    """Return once every run says it waits for the lock; fail otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(WAITING in log.read_text() for _, log in runs):
            return
        finished = [
            log.read_text() for process, log in runs if process.poll() is not None
        ]
        if finished:
            pytest.fail(f"an upgrade ended while the lock was held: {finished}")
        time.sleep(0.2)
    pytest.fail("the upgrades did not all wait for the lock")


def finish(runs: list[tuple]) -> list[str]:
    """Wait for every run to end; return their outputs, checking success."""
    outputs = []
    for process, log in runs:
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        outputs.append(log.read_text())
        assert process.returncode == 0, log.read_text()
    return outputs


def assert_one_migrated(outputs: list[str]) -> None:
    """Check that exactly one run applied the migrations."""
    migrated = [out for out in outputs if "Running upgrade  -> 0001_comments" in out]
    assert len(migrated) == 1, outputs
    assert all("Traceback" not in out for out in outputs)


def test_concurrent_upgrades_of_one_sqlite_file_wait_and_one_migrates(tmp_path, runs):
    database = tmp_path / "blog.db"
    with open(f"{database}-migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        start_upgrades(runs, tmp_path, f"sqlite:///{database}")
        try:
            wait_until_all_wait(runs)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
        outputs = finish(runs)
    assert_one_migrated(outputs)


@pytest.mark.postgres
def test_concurrent_upgrades_on_postgresql_wait_and_one_migrates(tmp_path, runs):
    import psycopg

    with fresh_schema() as schema:
        with psycopg.connect(libpq_url(), autocommit=True) as holder:
            holder.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_KEY,))
            start_upgrades(runs, tmp_path, schema_url(schema))
            try:
                wait_until_all_wait(runs)
            finally:
                holder.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_KEY,))
            outputs = finish(runs)
            rows = holder.execute(f'SELECT count(*) FROM "{schema}".alembic_version')
            assert rows.fetchone()[0] == 1
            version = holder.execute(
                f'SELECT version_num FROM "{schema}".alembic_version'
            ).fetchall()
        assert version == [(HEAD,)]
    assert_one_migrated(outputs)
