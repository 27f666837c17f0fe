"""Comment rate limits kept in Redis: every worker process counts together."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from helpers import GUITARISTE

redis = pytest.importorskip("redis")

ROOT = Path(__file__).resolve().parent.parent
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A database number nothing of Carnet's uses; keys also carry a prefix of
# their own, so only this test's counters are ever touched.
REDIS_DB = 13

# One app instance in its own process, as a gunicorn worker is: the limiter is
# a process-wide object, so two apps in this process would share it anyway.
WORKER = """
import json, sys
from flask_migrate import upgrade
from app import create_app

app = create_app({
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": sys.argv[1],
    "settings": {"comments": {"rate_limit": "2/minute"}},
})
with app.app_context():
    upgrade()
client = app.test_client()
codes = [
    client.post(
        sys.argv[4],
        data={"author": "Zoé", "body": f"{sys.argv[3]}: {n}"},
    ).status_code
    for n in range(int(sys.argv[2]))
]
print(json.dumps(codes))
"""


@pytest.fixture
def redis_db():
    """Return a client of the throwaway Redis database, or skip without Redis."""
    client = redis.Redis(
        host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_connect_timeout=2
    )
    try:
        client.ping()
    except redis.RedisError as err:
        pytest.skip(f"no Redis server at {REDIS_HOST}:{REDIS_PORT} ({err})")
    yield client
    client.close()


@pytest.fixture
def prefix(redis_db):
    """Return a key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"carnet-test-{uuid.uuid4().hex}"
    yield prefix
    for key in redis_db.scan_iter(f"*{prefix}*"):
        redis_db.delete(key)


@pytest.fixture
def worker_env(posts_dir, tmp_path) -> dict[str, str]:
    """Return the environment of the worker processes: one blog, limits in Redis."""
    return {
        **os.environ,
        "BLOG_POSTS_DIR": str(posts_dir),
        "BLOG_DATABASE_URL": f"sqlite:///{tmp_path / 'blog.db'}",
        "BLOG_SECRET_KEY": "redis-test",
        "BLOG_SETTINGS": str(tmp_path / "absent.toml"),
        "BLOG_RATELIMIT_STORAGE_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
    }


def run_worker(env: dict[str, str], script: str, *args: str) -> list[int]:
    """Run ``script`` in a fresh app process; return the status codes it prints."""
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_two_app_processes_share_one_comment_count_in_redis(
    redis_db, prefix, worker_env
):
    def comments(count: int, name: str) -> list[int]:
        """Post ``count`` comments from a new process."""
        return run_worker(worker_env, WORKER, prefix, str(count), name, GUITARISTE)

    # The first worker uses up the reader's 2 comments a minute...
    assert comments(2, "premier") == [303, 303]
    assert redis_db.keys(f"*{prefix}*"), "no counter was written to Redis"
    # ...so the second worker, a separate process, refuses the third.
    assert comments(1, "second") == [429]


# Wrong passwords for one account from a fresh app process, as a worker.
LOGIN_WORKER = """
import json, sys
from flask_migrate import upgrade
from app import create_app

app = create_app({
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": sys.argv[1],
    "CARNET_LOGIN_FIRST_WAIT": 600,
    "settings": {},
})
with app.app_context():
    upgrade()
client = app.test_client()
codes = [
    client.post(
        "/login",
        data={"username": "marie", "password": "faux"},
        environ_base={"REMOTE_ADDR": f"198.51.100.{sys.argv[3]}{n}"},
    ).status_code
    for n in range(int(sys.argv[2]))
]
print(json.dumps(codes))
"""


def test_two_app_processes_share_one_account_wait_in_redis(
    redis_db, prefix, worker_env
):
    def wrong_passwords(count: int, address: str) -> list[int]:
        """Try ``count`` wrong passwords for marie from a new process."""
        return run_worker(worker_env, LOGIN_WORKER, prefix, str(count), address)

    # Three free failures in one worker, from three addresses...
    assert wrong_passwords(3, "1") == [401, 401, 401]
    assert redis_db.keys(f"*{prefix}carnet/login/*"), "no count in Redis"
    # ...and the account waits in another worker, from another address.
    assert wrong_passwords(1, "2") == [429]
