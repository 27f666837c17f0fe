"""Carnet under a real gunicorn started with gunicorn.conf.py, as ``make run`` does.

A bad setting stops gunicorn itself; the probes stay out of the access log;
``kill -HUP`` loads new settings without dropping a request. Every wait is
bounded; nothing asserts on how long anything took.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import free_port
from helpers import GUITARISTE, form_token_of
from servers import migrate

requests = pytest.importorskip("requests")

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


@dataclass
class Server:
    """A gunicorn started by a test: its process, address and output files."""

    process: subprocess.Popen
    base: str
    port: int
    out: Path
    err: Path
    settings: Path

    def output(self) -> str:
        """Return what gunicorn wrote so far: access log, then errors."""
        return self.out.read_text() + self.err.read_text()

    def wait_until_up(self, seconds: float = 90) -> None:
        """Poll /healthz until it answers, or fail with gunicorn's output."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited: {self.output()}")
            try:
                requests.get(self.base + "/healthz", timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.2)
        pytest.fail(f"gunicorn did not start in time: {self.output()}")

    def wait_for_exit(self, seconds: float = 60) -> int:
        """Return gunicorn's exit code; fail if it is still running."""
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pytest.fail(f"gunicorn still running: {self.output()}")


def listening(port: int) -> bool:
    """Tell whether something accepts connections on 127.0.0.1:port."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture
def start_gunicorn(tmp_path: Path):
    """Return a function starting gunicorn on a copy of the test posts."""
    shutil.copytree(ROOT / "tests" / "posts", tmp_path / "posts")
    database = f"sqlite:///{tmp_path / 'blog.db'}"
    servers: list[Server] = []

    def start(settings: str = "") -> Server:
        """Migrate, then start gunicorn with ``settings`` as blog.toml."""
        toml = tmp_path / "blog.toml"
        toml.write_text(settings, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
        port = free_port()
        env.update(
            BLOG_POSTS_DIR=str(tmp_path / "posts"),
            BLOG_DATABASE_URL=database,
            BLOG_SECRET_KEY="gunicorn-test",
            BLOG_SETTINGS=str(toml),
            BLOG_INSTANCE_DIR=str(tmp_path / "instance"),
            CARNET_BIND=f"127.0.0.1:{port}",
            CARNET_WORKERS="2",
        )
        if "posts_per_page" not in settings:  # a bad file could not migrate
            migrate(env)
        out, err = tmp_path / f"out-{port}.log", tmp_path / f"err-{port}.log"
        with out.open("w") as stdout, err.open("w") as stderr:
            process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=stdout,
                stderr=stderr,
            )
        server = Server(process, f"http://127.0.0.1:{port}", port, out, err, toml)
        servers.append(server)
        return server

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGTERM)
            try:
                server.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait(timeout=10)


def test_a_bad_setting_stops_gunicorn_before_it_listens(start_gunicorn):
    server = start_gunicorn('[site]\nposts_per_page = "x"\n')
    code = server.wait_for_exit()
    assert code != 0
    errors = server.err.read_text()
    lines = [line for line in errors.splitlines() if "Carnet cannot start" in line]
    assert len(lines) == 1
    assert "[site] posts_per_page" in lines[0]
    assert "Traceback" not in errors
    assert "Booting worker" not in errors
    assert "Listening at" not in errors
    assert not listening(server.port)


def test_a_setting_broken_before_a_reload_stops_gunicorn_instead_of_looping(
    start_gunicorn,
):
    server = start_gunicorn()
    server.wait_until_up()
    server.settings.write_text('[site]\nposts_per_page = "x"\n', encoding="utf-8")
    server.process.send_signal(signal.SIGHUP)
    assert server.wait_for_exit() == 1
    errors = server.err.read_text()
    assert "Reason: Carnet cannot start:" in errors
    assert "[site] posts_per_page" in errors
    assert errors.count("Booting worker") == 2  # the first two, no new one
    assert "Traceback" not in errors
    assert not listening(server.port)


def test_health_probes_are_left_out_of_the_access_log(start_gunicorn):
    server = start_gunicorn()
    server.wait_until_up()
    for path in ("/healthz", "/readyz", "/", "/readyz?from=nginx"):
        assert requests.get(server.base + path, timeout=30).status_code == 200
    server.process.send_signal(signal.SIGTERM)
    assert server.wait_for_exit() == 0
    access = server.out.read_text()
    assert '"GET / HTTP/1.1" 200' in access
    assert "/healthz" not in access and "/readyz" not in access


def test_hup_loads_new_settings_without_dropping_a_request(start_gunicorn):
    server = start_gunicorn('[site]\ntitle = "Carnet avant"\n')
    server.wait_until_up()
    answers: list[object] = []
    stop = threading.Event()

    def read_pages() -> None:
        """Ask for the home page over and over, noting each answer."""
        while not stop.is_set():
            try:
                response = requests.get(server.base + "/", timeout=30)
                answers.append((response.status_code, "Carnet après" in response.text))
            except requests.RequestException as error:
                answers.append(error)

    readers = [threading.Thread(target=read_pages) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        deadline = time.monotonic() + 60
        while len(answers) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.settings.write_text('[site]\ntitle = "Carnet après"\n', "utf-8")
        server.process.send_signal(signal.SIGHUP)
        # Keep reading until the new title shows, then a little longer.
        while time.monotonic() < deadline and not any(
            isinstance(a, tuple) and a[1] for a in answers[-5:]
        ):
            time.sleep(0.05)
        seen = len(answers)
        while len(answers) < seen + 20 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
    failures = [a for a in answers if not isinstance(a, tuple) or a[0] != 200]
    assert failures == []
    assert answers[-1] == (200, True)
    assert server.err.read_text().count("Booting worker") >= 4
    assert server.process.poll() is None


def test_the_apps_own_log_lines_reach_gunicorns_error_log(start_gunicorn):
    # The README promises a log line for each comment awaiting moderation
    # when [mail] is absent; under gunicorn it must reach the error log.
    server = start_gunicorn()
    server.wait_until_up()
    reader = requests.Session()
    page = reader.get(server.base + GUITARISTE, timeout=30).text
    token = form_token_of(page)
    sent = reader.post(
        server.base + GUITARISTE,
        data={"author": "Zoé", "body": "Un avis", "form_token": token},
        headers={"Origin": server.base},
        allow_redirects=False,
        timeout=30,
    )
    assert sent.status_code == 303
    server.process.send_signal(signal.SIGTERM)
    assert server.wait_for_exit() == 0
    errors = server.err.read_text()
    waiting = [line for line in errors.splitlines() if "awaits moderation" in line]
    assert len(waiting) == 1, errors
    assert "by Zoé" in waiting[0] and GUITARISTE in waiting[0]
    assert "[INFO]" in waiting[0]  # in gunicorn's own format
    assert "awaits moderation" not in server.out.read_text()  # not the access log
