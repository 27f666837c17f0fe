"""What tests/test_cluster.py runs: Carnet instances as the README deploys them.

Each instance is ``gunicorn --config gunicorn.conf.py`` with its own posts,
settings file and instance folder, in a process group of its own so that a
test can stop it as systemd would (SIGTERM, then SIGKILL). Clients leave
from loopback addresses of their own (127.0.0.x), so that each has its own
rate limit and the instances can tell a reader from nginx (127.0.0.1). The
load of the stopping test (readers and commenters through nginx) is here too.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from helpers import GUITARISTE, free_port
from requests.adapters import HTTPAdapter
from servers import BIN, ROOT

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# tests/test_ratelimit_redis.py uses 13 without claiming it; 0 is everyone's.
REDIS_CANDIDATES = [n for n in range(15, 0, -1) if n != 13]
CLAIM = "carnet-cluster-test"
# A bound on one request or start-up, to fail rather than hang.
TIMEOUT = 60


class FromAddress(HTTPAdapter):
    """Open connections from a given local address (a reader's own)."""

    def __init__(self, address: str) -> None:
        """Connect from ``address``."""
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        """Bind every connection of the pool to the address."""
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def reader_at(address: str) -> requests.Session:
    """Return a browser-like session whose requests come from ``address``."""
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


def loopback_addresses_work() -> bool:
    """Tell whether clients can leave from 127.0.0.x addresses (Linux: yes)."""
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.11", 0))
        return True
    except OSError:
        return False


@dataclass
class Instance:
    """One Carnet instance: gunicorn (2 workers) on a loopback port."""

    name: str
    port: int
    process: subprocess.Popen
    folder: Path

    @property
    def base(self) -> str:
        """Return the instance's own address (not nginx's)."""
        return f"http://127.0.0.1:{self.port}"

    def access_log(self) -> str:
        """Return gunicorn's access log so far."""
        return (self.folder / "access.log").read_text()

    def errors(self) -> str:
        """Return gunicorn's error log so far."""
        return (self.folder / "error.log").read_text()

    def wait_until_ready(self) -> None:
        """Poll /readyz until it answers 200, or fail with gunicorn's errors."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"instance {self.name} exited: {self.errors()}")
            try:
                if requests.get(self.base + "/readyz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        pytest.fail(f"instance {self.name} not ready: {self.errors()}")

    def stop(self, grace: float) -> str:
        """Stop as systemd does: SIGTERM, then SIGKILL to what is left.

        Return which of the two ended it.
        """
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
            how = "SIGTERM"
        except subprocess.TimeoutExpired:
            how = "SIGKILL"
        # The whole group: a worker the master left behind goes too.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=TIMEOUT)
        return how


def host_env(folder: Path, settings: str, common: dict[str, str]) -> dict[str, str]:
    """Give ``folder`` its own posts and blog.toml; return the host's environment."""
    shutil.copytree(ROOT / "tests" / "posts", folder / "posts")
    (folder / "blog.toml").write_text(settings, encoding="utf-8")
    # Only what this test sets: the machine's own BLOG_* stay out.
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
    env.update(
        common,
        BLOG_POSTS_DIR=str(folder / "posts"),
        BLOG_SETTINGS=str(folder / "blog.toml"),
        BLOG_INSTANCE_DIR=str(folder / "instance"),
    )
    return env


def flask(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.Popen:
    """Start a ``flask --app wsgi`` command of a host; return the process."""
    process = subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    process.stdin.write(stdin)
    process.stdin.close()
    return process


def finish(*processes: subprocess.Popen) -> None:
    """Wait for commands started together; fail with the output of one that failed."""
    for process in processes:
        with process.stdout:
            output = process.stdout.read()
        if process.wait(timeout=TIMEOUT) != 0:
            pytest.fail(f"{' '.join(process.args[1:])} failed: {output}")


def start_instance(name: str, env: dict[str, str], folder: Path) -> Instance:
    """Start gunicorn with the repository's gunicorn.conf.py, as make run does."""
    port = free_port()
    with (
        (folder / "access.log").open("w") as out,
        (folder / "error.log").open("w") as err,
    ):
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "CARNET_BIND": f"127.0.0.1:{port}", "CARNET_WORKERS": "2"},
            stdout=out,
            stderr=err,
            start_new_session=True,  # a process group of its own, to stop it whole
        )
    return Instance(name, port, process, folder)


def claim_redis_db(redis_module):
    """Return (number, client) of an empty Redis database, marked as taken.

    Skips the test when no Redis server answers.
    """
    for number in REDIS_CANDIDATES:
        client = redis_module.Redis(
            host=REDIS_HOST, port=REDIS_PORT, db=number, socket_connect_timeout=2
        )
        try:
            free = client.dbsize() == 0
        except redis_module.RedisError as error:
            pytest.skip(f"no Redis server at {REDIS_HOST}:{REDIS_PORT} ({error})")
        # Two runs at once: only one of them sets the mark.
        if free and client.set(CLAIM, uuid.uuid4().hex, nx=True, ex=600):
            return number, client
        client.close()
    pytest.skip("no empty Redis database to use")


def stored_comments(url: str) -> list[dict]:
    """Return every stored comment (id, body, ip, status) of the shared database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT id, body, ip, status FROM comment ORDER BY id")
            )
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()


def send(session, base: str, body: str, token: str, **headers: str):
    """Post the comment form at ``base`` (nginx or an instance); return the answer."""
    return session.post(
        base + GUITARISTE,
        data={"form_token": token, "author": "Léa", "body": body},
        headers={"Origin": base, **headers},
        allow_redirects=False,
        timeout=TIMEOUT,
    )


@dataclass
class Answer:
    """One request of the load: when it started and ended, and what came back."""

    started: float
    ended: float
    status: int  # 0: no HTTP answer at all
    body: str = ""  # the comment sent, for a POST


class Load:
    """Readers and commenters through nginx, until told to stop."""

    def __init__(self, base: str, token: str) -> None:
        """Prepare the load against nginx at ``base``."""
        self.base, self.token = base, token
        self.marker = uuid.uuid4().hex
        # In the instances' access logs: which of them served the load.
        self.agent = f"carnet-load/{self.marker}"
        self.answers: list[Answer] = []
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def _ask(self, call, body: str = "") -> None:
        """Make one request and note its answer."""
        started = time.monotonic()
        try:
            status = call().status_code
        except requests.RequestException:
            status = 0
        self.answers.append(Answer(started, time.monotonic(), status, body))

    def _commenter(self, number: int) -> None:
        """Post comments, each from an address of its own (its own rate limit)."""
        sent = 0
        while not self.stopping.is_set() and sent < 500:
            address = f"127.0.{100 + number}.{sent % 250 + 1}"
            body = f"Charge {number}-{sent} ({self.marker})"
            with reader_at(address) as reader:
                reader.headers["User-Agent"] = self.agent
                self._ask(partial(send, reader, self.base, body, self.token), body)
            sent += 1

    def _reader(self, number: int) -> None:
        """Read pages nginx has not kept (searches) and one it has."""
        reader = reader_at(f"127.0.99.{number + 1}")
        reader.headers["User-Agent"] = self.agent
        asked = 0
        while not self.stopping.is_set() and asked < 1000:
            path = f"/search?q=guitare{number}x{asked}" if asked % 2 else GUITARISTE
            self._ask(partial(reader.get, self.base + path, timeout=TIMEOUT))
            asked += 1

    def start(self, commenters: int, readers: int) -> None:
        """Start the threads."""
        self.threads = [
            threading.Thread(target=self._commenter, args=(n,))
            for n in range(commenters)
        ] + [threading.Thread(target=self._reader, args=(n,)) for n in range(readers)]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        """Stop and wait for the threads."""
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=TIMEOUT)

    def count(self, since: float = 0.0) -> int:
        """Return how many answers came for requests started after ``since``."""
        return sum(1 for a in list(self.answers) if a.started >= since)
