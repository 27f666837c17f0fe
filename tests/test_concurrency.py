"""80 comments posted at once to 4 gunicorn workers on SQLite: every one stored."""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import GUITARISTE, form_token_of
from servers import BIN, ROOT, blog_env, gunicorn

requests = pytest.importorskip("requests")

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


@pytest.fixture
def site(tmp_path: Path):
    """Start 4 gunicorn workers on a fresh SQLite database; yield (base URL, env)."""
    env = blog_env(tmp_path, SETTINGS)
    with gunicorn(env, tmp_path / "gunicorn.log", workers=4) as port:
        base = f"http://127.0.0.1:{port}"
        # The port is open once gunicorn listens; a page proves a worker answers.
        assert requests.get(base + "/", timeout=REQUEST_TIMEOUT).status_code == 200
        yield base, env


def reader(base: str, number: int) -> list[int]:
    """Fetch the form once for a CSRF token, then post several comments."""
    session = requests.Session()
    page = session.get(base + GUITARISTE, timeout=REQUEST_TIMEOUT).text
    token = form_token_of(page)
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
def test_80_concurrent_comments_to_4_workers_are_all_stored(site):
    base, env = site
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        results = list(pool.map(lambda n: reader(base, n), range(READERS)))
    codes = [code for codes in results for code in codes]
    assert codes == [303] * (READERS * COMMENTS_EACH)

    listing = subprocess.run(
        [
            str(BIN / "flask"),
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
def test_every_worker_comes_to_show_new_posts_and_comments(site):
    base, env = site
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
    token = form_token_of(page)
    posted = session.post(
        base + GUITARISTE,
        data={"form_token": token, "author": "Lectrice", "body": "Bravo !"},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
    )
    assert posted.status_code == 303
    wait_until_all_workers_show(base, GUITARISTE, "1 commentaire:")
