"""Through a real HTTP cache: nginx with the README's proxy_cache before gunicorn."""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest
from helpers import GUITARISTE, MODERATOR, csrf_token_of, form_token_of
from servers import BIN, ROOT, blog_env, gunicorn, nginx

requests = pytest.importorskip("requests")
pytestmark = pytest.mark.slow

SETTINGS = """
[cache]
max_age = 2
stale_while_revalidate = 1
"""
# A site that publishes comments at once, and lets nginx keep pages a while.
OPEN_SETTINGS = """
[cache]
max_age = 60
[comments]
moderation = "never"
"""


def flask(env: dict[str, str], *args: str, stdin: str = "") -> str:
    """Run a ``flask --app wsgi`` command on the test blog; return its output."""
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def wait_for(check, what: str, seconds: float = 30.0) -> float:
    """Poll ``check()`` until true; return how long it took, or fail saying so."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if check():
            return time.monotonic() - start
        time.sleep(0.2)
    pytest.fail(f"{what}: still not after {seconds:.0f} s")


@pytest.fixture
def site(tmp_path):
    """Yield (nginx base URL, blog env) for a blog behind the README's nginx.

    nginx serves /static/ from tmp_path/collected, which collect-static fills.
    """
    yield from behind_nginx(tmp_path, SETTINGS)


@pytest.fixture
def open_site(tmp_path):
    """Yield the same for a blog that publishes comments without moderation."""
    yield from behind_nginx(tmp_path, OPEN_SETTINGS)


def behind_nginx(tmp_path, settings: str):
    """Run a blog with ``settings`` behind the README's nginx; yield (URL, env)."""
    env = blog_env(tmp_path, settings, BLOG_TRUSTED_PROXIES="1")
    flask(env, "collect-static", str(tmp_path / "collected"))
    with (
        gunicorn(env, tmp_path / "gunicorn.log") as app_port,
        nginx(app_port, tmp_path / "nginx", tmp_path / "collected") as port,
    ):
        yield f"http://127.0.0.1:{port}", env


def stylesheet(base: str) -> str:
    """Return the address of the site's stylesheet, as the home page links it."""
    home = requests.get(base + "/", timeout=30).text
    return re.search(r'href="(/static/css/carnet\.[0-9a-f]{12}\.css)"', home)[1]


def asked_carnet_for(tmp_path, path: str) -> bool:
    """Tell whether gunicorn's access log shows a request for ``path``."""
    return f"GET {path}" in (tmp_path / "gunicorn.log").read_text()


def carnet_log_so_far(base: str, tmp_path) -> str:
    """Return gunicorn's access log once it shows every request made before.

    A worker writes the line just after its answer: a last request of our
    own, and its line, mark the end of what was asked before it.
    """
    mark = f"/search?q=fin{time.monotonic_ns()}"
    requests.get(base + mark, timeout=30)
    wait_for(lambda: asked_carnet_for(tmp_path, mark), "the access log line")
    return (tmp_path / "gunicorn.log").read_text()


def test_the_readme_gives_the_configuration_the_test_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    config = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert config.strip() in readme


def test_anonymous_readers_are_served_by_nginx_and_see_new_comments(site):
    base, env = site
    first = requests.get(base + GUITARISTE, timeout=30)
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    second = requests.get(base + GUITARISTE, timeout=30)
    assert second.headers["X-Cache-Status"] == "HIT"
    assert second.content == first.content

    reader = requests.Session()
    page = reader.get(base + GUITARISTE, timeout=30).text
    form_token = form_token_of(page)
    sent = reader.post(
        base + GUITARISTE,
        data={"form_token": form_token, "author": "Léa", "body": "Vu de nginx"},
        headers={"Origin": base},
        allow_redirects=False,
        timeout=30,
    )
    assert sent.status_code == 303
    [waiting] = [
        json.loads(line)
        for line in flask(env, "comments", "list", "--json").splitlines()
    ]
    flask(env, "comments", "approve", str(waiting["id"]))
    took = wait_for(
        lambda: "Vu de nginx" in requests.get(base + GUITARISTE, timeout=30).text,
        "the approved comment through nginx",
    )
    print(f"approved comment visible through nginx after {took:.1f} s")


def test_a_published_comment_is_on_the_page_its_writer_is_sent_back_to(open_site):
    # Every worker and nginx keep the page for 60 s; the writer must not
    # land on a kept copy without their comment, on whichever worker.
    base, _env = open_site
    for _ in range(6):
        requests.get(base + GUITARISTE, timeout=30)
    assert (
        requests.get(base + GUITARISTE, timeout=30).headers["X-Cache-Status"] == "HIT"
    )
    reader = requests.Session()
    for number in range(4):
        page = reader.get(base + GUITARISTE, timeout=30)
        body = f"Publié tout de suite, numéro {number}"
        landed = reader.post(
            base + GUITARISTE,
            data={
                "form_token": form_token_of(page.text),
                "author": "Léa",
                "body": body,
            },
            headers={"Origin": base},
            timeout=30,
        )
        assert landed.history[0].status_code == 303
        assert landed.status_code == 200 and body in landed.text
        # The address that skipped the caches names the post's own as canonical.
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', landed.text)
        assert "?" in landed.url and canonical[1].endswith(GUITARISTE)


def test_a_moderators_pages_are_never_kept_by_nginx(site):
    base, env = site
    # A blog in other processes: the account is made as its owner would.
    name, password = MODERATOR.username, MODERATOR.password
    flask(env, "moderator", "create", name, "--password-stdin", stdin=password)
    requests.get(base + GUITARISTE, timeout=30)  # kept for readers
    moderator = requests.Session()
    login = moderator.get(base + "/login", timeout=30)
    assert login.headers["Cache-Control"] == "private, no-store"
    token = csrf_token_of(login.text)
    moderator.post(
        base + "/login",
        data={"username": name, "password": password, "csrf_token": token},
        headers={"Origin": base},
        timeout=30,
    )
    for _ in range(2):
        queue = moderator.get(base + "/moderation/", timeout=30)
        assert queue.status_code == 200 and "Modération" in queue.text
        assert queue.headers["X-Cache-Status"] != "HIT"
        assert queue.headers["Cache-Control"] == "private, no-store"
        own = moderator.get(base + GUITARISTE, timeout=30)
        assert "connecté comme modérateur" in own.text
        assert own.headers["X-Cache-Status"] != "HIT"
    anonymous = requests.get(base + GUITARISTE, timeout=30)
    assert "connecté comme modérateur" not in anonymous.text


def test_nginx_serves_the_collected_static_files_kept_a_year(site, tmp_path):
    base, _env = site
    href = stylesheet(base)
    sheet = requests.get(base + href, timeout=30)
    assert sheet.status_code == 200
    assert sheet.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert sheet.headers["Content-Type"].startswith("text/css")
    assert sheet.content == (ROOT / "static" / "css" / "carnet.css").read_bytes()
    plain = requests.get(base + "/static/css/carnet.css", timeout=30)
    assert plain.headers["Cache-Control"] == "public, max-age=300"
    assert plain.content == sheet.content
    assert "GET /static/" not in carnet_log_so_far(base, tmp_path)


def test_a_static_file_not_collected_yet_comes_from_carnet(site, tmp_path):
    # Code deployed before collect-static ran: pages link a version the
    # folder does not have yet. nginx asks Carnet instead of answering 404.
    base, _env = site
    href = stylesheet(base)
    (tmp_path / "collected" / href.removeprefix("/static/")).unlink()
    sheet = requests.get(base + href, timeout=30)
    assert sheet.status_code == 200
    assert sheet.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert sheet.content == (ROOT / "static" / "css" / "carnet.css").read_bytes()
    wait_for(lambda: asked_carnet_for(tmp_path, href), "Carnet asked for the file")
    assert requests.get(base + "/static/css/nothing.css", timeout=30).status_code == 404
