"""80 comments posted at once to 4 gunicorn workers on SQLite: every one stored."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

requests = pytest.importorskip("requests")

ROOT = Path(__file__).resolve().parent.parent
GUITARISTE = "/2011/10/un-guitariste-des-humains-et-le.html"
READERS = 16
COMMENTS_EACH = 5
SETTINGS = """
[comments]
moderation = "never"
rate_limit = "10000/minute"
"""

# A bound on one request, to fail rather than hang: never a speed requirement.
REQUEST_TIMEOUT = 60
# How long the workers may take to agree: a bound for a stuck reload, not a
# speed requirement (a reload that works takes about a second when idle).
AGREE_WITHIN = 60


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(
    base: str, process: subprocess.Popen, log: Path, seconds: float = 90
) -> None:
    """Poll the server until it answers, or fail with its output."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {log.read_text()}")
        try:
            requests.get(base + "/", timeout=REQUEST_TIMEOUT)
            return
        except requests.RequestException:
            time.sleep(0.2)
    pytest.fail("gunicorn did not start in time")


@pytest.fixture
def gunicorn(tmp_path: Path):
    """Start 4 gunicorn workers on a fresh SQLite database; yield (base URL, env)."""
    shutil.copytree(ROOT / "tests" / "posts", tmp_path / "posts")
    (tmp_path / "blog.toml").write_text(SETTINGS, encoding="utf-8")
    env = {
        **os.environ,
        "BLOG_POSTS_DIR": str(tmp_path / "posts"),
        "BLOG_DATABASE_URL": f"sqlite:///{tmp_path / 'blog.db'}",
        "BLOG_SECRET_KEY": "concurrency-test",
        "BLOG_SETTINGS": str(tmp_path / "blog.toml"),
        "BLOG_RATELIMIT_STORAGE_URL": "memory://",
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "-w",
                "4",
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log)
        yield base, env
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def reader(base: str, number: int) -> list[int]:
    """Fetch the form once for a CSRF token, then post several comments."""
    session = requests.Session()
    page = session.get(base + GUITARISTE, timeout=REQUEST_TIMEOUT).text
    token = re.search(r'name="form_token" value="([^"]+)"', page)[1]
    codes = []
    for count in range(COMMENTS_EACH):
        response = session.post(
            base + GUITARISTE,
            data={
                "form_token": token,
                "author": f"Lecteur {number}",
                "body": f"Commentaire {count} du lecteur {number}",
            },
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )
        codes.append(response.status_code)
    return codes


@pytest.mark.slow
def test_80_concurrent_comments_to_4_workers_are_all_stored(gunicorn):
    base, env = gunicorn
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        results = list(pool.map(lambda n: reader(base, n), range(READERS)))
    codes = [code for codes in results for code in codes]
    assert codes == [303] * (READERS * COMMENTS_EACH)

    listing = subprocess.run(
        [
            str(Path(sys.executable).parent / "flask"),
            "--app",
            "wsgi",
            "comments",
            "list",
            "--status",
            "approved",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = listing.stdout.splitlines()
    assert len(lines) == READERS * COMMENTS_EACH
    page = requests.get(base + GUITARISTE, timeout=REQUEST_TIMEOUT).text
    assert "80 commentaires:" in page


def wait_until_all_workers_show(
    base: str, path: str, text: str, *, present: bool = True
) -> None:
    """Wait until 12 fresh requests in a row agree, or fail saying for how long.

    They agree when each page holds ``text`` (or, with ``present=False``,
    when none does).
    """
    started = time.monotonic()
    streak = requests_made = 0
    while streak < 12:
        waited = time.monotonic() - started
        if waited > AGREE_WITHIN:
            pytest.fail(
                f"after {waited:.1f} s and {requests_made} requests, the workers "
                f"still disagree on whether {path} shows {text!r} "
                f"(wanted present={present}; last streak {streak})"
            )
        # A new connection each time, so the requests spread over the workers.
        page = requests.get(base + path, timeout=REQUEST_TIMEOUT).text
        requests_made += 1
        if (text in page) == present:
            streak += 1
        else:
            streak = 0
            time.sleep(0.1)  # not there yet: give the workers a moment


@pytest.mark.slow
def test_every_worker_comes_to_show_new_posts_and_comments(gunicorn):
    base, env = gunicorn
    posts = Path(env["BLOG_POSTS_DIR"])
    for _ in range(8):  # fill each worker's page cache first
        assert (
            "Nouvelle adresse" in requests.get(base + "/", timeout=REQUEST_TIMEOUT).text
        )

    (posts / "tout-frais.md").write_text(
        "---\ntitle: Tout frais sorti\ndate: 2013-01-02 10:00\n---\nBonjour.\n",
        encoding="utf-8",
    )
    wait_until_all_workers_show(base, "/", "Tout frais sorti")
    (posts / "tout-frais.md").unlink()
    wait_until_all_workers_show(base, "/", "Tout frais sorti", present=False)
    assert "Nouvelle adresse" in requests.get(base + "/", timeout=REQUEST_TIMEOUT).text

    for _ in range(8):
        assert (
            "Aucun commentaire:"
            in requests.get(base + GUITARISTE, timeout=REQUEST_TIMEOUT).text
        )
    session = requests.Session()
    page = session.get(base + GUITARISTE, timeout=REQUEST_TIMEOUT).text
    token = re.search(r'name="form_token" value="([^"]+)"', page)[1]
    posted = session.post(
        base + GUITARISTE,
        data={"form_token": token, "author": "Lectrice", "body": "Bravo !"},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
    )
    assert posted.status_code == 303
    wait_until_all_workers_show(base, GUITARISTE, "1 commentaire:")
