"""``--download-images``: Blogger's images saved beside the posts, posts rewritten.

A local HTTP server on 127.0.0.1, in a thread, stands for Blogger's image
hosts: the importer reaches it as an HTTP proxy (``http_proxy``), so the
addresses it asks for are the real ``http://1.bp.blogspot.com/…`` ones and
the test sees every host asked. Waits are bounded by short timeouts.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from importing import backup, entry, run_import

from app.importers.fetch import Fetcher, FetchError
from app.importers.images import image_urls, local_names

JPEG = b"\xff\xd8\xff\xe0 fake jpeg bytes \xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n fake png"
THUMB = "http://1.bp.blogspot.com/-a/TqZ/AAAA/x1/s320/photo.jpg"
FULL = "http://1.bp.blogspot.com/-a/TqZ/AAAA/x1/s1600/photo.jpg"
MISSING = "http://2.bp.blogspot.com/-b/missing.jpg"
MOVED = "http://3.bp.blogspot.com/-c/moved.png"
AWAY = "http://lh3.googleusercontent.com/-d/away.jpg"
OTHER = "http://example.com/other.jpg"
FAST = {"timeout": 0.3, "deadline": 5.0, "attempts": 2, "backoff": 0.01}


class Blogger(BaseHTTPRequestHandler):
    """Answer as Blogger's image hosts would, reached through a proxy."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        """Serve the fixture image, error or redirect the path asks for."""
        server = self.server
        server.seen.append(self.path)
        path = urlsplit(self.path).path
        server.hits[path] = server.hits.get(path, 0) + 1
        if path.endswith("/missing.jpg"):
            self.send_error(404)
        elif path.endswith("/moved.png"):
            self.redirect("http://4.bp.blogspot.com/-c/real.png")
        elif path.endswith("/away.jpg"):
            self.redirect("http://example.com/-d/stolen.jpg")
        elif path.endswith("/slow.jpg"):
            time.sleep(2)  # longer than the client's timeout
            self.image(JPEG, "image/jpeg")
        elif path.endswith("/flaky.jpg") and server.hits[path] == 1:
            self.send_error(503)
        elif path.endswith("/cut.jpg"):
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(JPEG)  # and the connection closes
        elif path.endswith("/page.jpg"):
            self.image(b"<html>sign in</html>", "text/html")
        elif path.endswith(".png"):
            self.image(PNG, "image/png")
        else:
            self.image(JPEG, "image/jpeg")

    def image(self, body: bytes, kind: str) -> None:
        """Send a whole response."""
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        """Send a 302 to ``location``."""
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def log_message(self, *args) -> None:
        """Keep the test output quiet."""


class Hosts(ThreadingHTTPServer):
    """The fake hosts; a client hanging up early (a timeout) is expected."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """Stay quiet about clients that gave up."""


@pytest.fixture
def hosts(monkeypatch) -> Iterator[ThreadingHTTPServer]:
    """Serve the fake image hosts on 127.0.0.1 and route http:// through them."""
    server = Hosts(("127.0.0.1", 0), Blogger)
    server.seen, server.hits = [], {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    proxy = f"http://127.0.0.1:{server.server_port}"
    for name in ("http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, proxy)
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def images_app(make_app):
    """An app whose downloads give up fast."""
    return make_app(CARNET_IMAGE_FETCH=FAST)


def photo_post(tmp_path: Path) -> Path:
    """Write a backup with one post using Blogger images, and others' images."""
    body = (
        f'<a href="{FULL}"><img src="{THUMB}" width="320" /></a>'
        f'<img src="{MISSING}" /><img src="{MOVED}" /><img src="{OTHER}" />'
        f'<a href="{AWAY}">la grande image</a>'
    )
    return backup(tmp_path, entry("post", "1", title="Photos", body=body))


def test_images_come_home_beside_the_post_which_points_at_them(
    images_app, hosts, posts_dir, tmp_path
):
    """Thumbnail and full size fetched, redirect followed; the post is rewritten."""
    result = run_import(images_app, photo_post(tmp_path), "--download-images")
    assert result.exit_code == 0, result.output
    folder = posts_dir / "2011" / "10" / "photos"
    assert (folder / "photo-s320.jpg").read_bytes() == JPEG
    assert (folder / "photo-s1600.jpg").read_bytes() == JPEG
    assert (folder / "moved.png").read_bytes() == PNG  # after the redirect
    text = (posts_dir / "2011" / "10" / "photos.md").read_text(encoding="utf-8")
    assert "[![](photos/photo-s320.jpg)" in text
    assert "](photos/photo-s1600.jpg)" in text
    assert "(photos/moved.png)" in text
    assert MISSING in text and OTHER in text and AWAY in text  # left as they were
    assert (
        "Images : 3 téléchargée(s), 0 déjà là, 2 impossible(s) à récupérer ; "
        "1 article(s) réécrit(s)." in result.output
    )
    assert f"pas récupérée : {MISSING} (HTTP 404)" in result.output
    assert "redirigée hors des hôtes de Blogger (http://example.com/" in result.output
    # Nothing but Blogger's image hosts was ever asked.
    asked = {urlsplit(url).hostname for url in hosts.seen}
    assert asked == {
        "1.bp.blogspot.com",
        "2.bp.blogspot.com",
        "3.bp.blogspot.com",
        "4.bp.blogspot.com",
        "lh3.googleusercontent.com",
    }
    assert not list(folder.glob(".*"))  # no part file left


def test_second_run_resumes_without_fetching_again(
    images_app, hosts, posts_dir, tmp_path
):
    """A run after an interrupted one fetches only what is missing."""
    export = photo_post(tmp_path)
    run_import(images_app, export)  # imported earlier, without images
    folder = posts_dir / "2011" / "10" / "photos"
    folder.mkdir()
    (folder / "photo-s320.jpg").write_bytes(JPEG)  # the part done before a kill
    result = run_import(images_app, export, "--download-images")
    assert "Images : 2 téléchargée(s), 1 déjà là" in result.output
    assert not any(url.endswith("/s320/photo.jpg") for url in hosts.seen)
    text = (posts_dir / "2011" / "10" / "photos.md").read_text(encoding="utf-8")
    assert "[![](photos/photo-s320.jpg)" in text
    hosts.seen.clear()
    again = run_import(images_app, export, "--download-images")
    assert "Images : 0 téléchargée(s), 0 déjà là, 2 impossible(s)" in again.output
    assert {urlsplit(url).path for url in hosts.seen} == {
        "/-b/missing.jpg",
        "/-d/away.jpg",
    }


def test_slow_response_gives_up_after_bounded_tries(app, hosts, tmp_path):
    """A host slower than the timeout is tried again, then reported; no file."""
    tmp_path = tmp_path / "images"
    tmp_path.mkdir()
    pauses = []
    fetcher = Fetcher(timeout=0.2, attempts=2, backoff=0.5, sleep=pauses.append)
    with app.app_context(), pytest.raises(FetchError, match="délai dépassé"):
        fetcher.fetch("http://1.bp.blogspot.com/-e/slow.jpg", tmp_path, "slow", "jpg")
    assert hosts.hits["/-e/slow.jpg"] == 2
    assert pauses == [0.5]
    assert list(tmp_path.iterdir()) == []


def test_server_error_is_retried_with_growing_pauses(app, hosts, tmp_path):
    """A 503 is worth another try; the second succeeds."""
    tmp_path = tmp_path / "images"
    pauses = []
    fetcher = Fetcher(timeout=1, attempts=3, backoff=0.25, sleep=pauses.append)
    with app.app_context():
        path = fetcher.fetch("http://1.bp.blogspot.com/-f/flaky.jpg", tmp_path, "f", "")
    assert path.name == "f.jpg" and path.read_bytes() == JPEG
    assert pauses == [0.25]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://1.bp.blogspot.com/-g/cut.jpg", "transfert coupé"),
        ("http://1.bp.blogspot.com/-h/page.jpg", "pas une image (text/html)"),
        ("http://example.com/x.jpg", "hors des hôtes de Blogger"),
    ],
)
def test_never_a_half_written_or_foreign_file(app, hosts, tmp_path, url, reason):
    """A cut transfer, a sign-in page, a foreign host: no file at all."""
    tmp_path = tmp_path / "images"
    tmp_path.mkdir()
    fetcher = Fetcher(timeout=1, attempts=2, backoff=0, sleep=lambda s: None)
    with app.app_context(), pytest.raises(FetchError, match=re.escape(reason)):
        fetcher.fetch(url, tmp_path, "image", "jpg")
    assert list(tmp_path.iterdir()) == []
    assert "example.com" not in " ".join(hosts.seen)


def test_image_addresses_found_and_named_in_a_post():
    """Markdown, HTML attributes and protocol-relative forms; sizes in names."""
    text = (
        f"[![]({THUMB})]({FULL}) <img src='//lh3.googleusercontent.com/abc=s1600'> "
        '<img src="https://blogger.googleusercontent.com/img/b/R29v/AVvXsEhLongOpaque'
        'IdThatSaysNothingAtAllToAnyone/s400/" /> ![](http://example.com/x.jpg)'
    )
    urls = image_urls(text)
    assert urls == [
        THUMB,
        FULL,
        "//lh3.googleusercontent.com/abc=s1600",
        "https://blogger.googleusercontent.com/img/b/R29v/"
        "AVvXsEhLongOpaqueIdThatSaysNothingAtAllToAnyone/s400/",
    ]
    assert list(local_names(urls).values()) == [
        ("photo-s320", "jpg"),
        ("photo-s1600", "jpg"),
        ("abc-s1600", ""),
        ("image-s400", ""),
    ]
