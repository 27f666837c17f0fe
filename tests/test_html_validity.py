"""Every page type passes the W3C Nu Html Checker with zero errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from page_tour import SETTINGS, seed, visit

VNU_JAR = (
    Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"
)


def vnu_command() -> list[str]:
    """Return the command that starts the checker, or skip saying what is missing."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        if shutil.which("npm") is None:
            pytest.skip(
                f"{VNU_JAR} is missing and npm is not installed "
                "(apt-get install npm, then `make install`)"
            )
        pytest.skip(f"{VNU_JAR} is missing: run `make install` (npm ci)")
    return [java, "-Xss8m", "-jar", str(VNU_JAR)]


def check(files: list[Path]) -> list[str]:
    """Run the checker once over ``files``; return its errors, one line each."""
    # One JVM for every page: starting Java is the slow part.
    result = subprocess.run(
        [*vnu_command(), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The checker writes its JSON report on stderr, even when it finds nothing;
    # silence or anything else means it did not check the pages.
    try:
        report = json.loads(result.stderr)
    except ValueError:
        report = None
    messages = report.get("messages") if isinstance(report, dict) else None
    if not isinstance(messages, list):
        pytest.fail(
            f"the Nu Html Checker exited with {result.returncode} and no report:\n"
            f"stderr: {result.stderr[-3000:]!r}\nstdout: {result.stdout[-1000:]!r}"
        )
    if result.returncode != 0 and not messages:
        pytest.fail(
            f"the Nu Html Checker exited with {result.returncode} yet reported "
            f"nothing:\n{result.stderr[-3000:]}"
        )
    lines = []
    for message in messages:
        name = Path(message.get("url", "?")).name
        where = f"{name}:{message.get('lastLine', '?')}"
        extract = (message.get("extract") or "").strip().replace("\n", " ")
        lines.append(f"{where}: {message['type']}: {message['message']} «{extract}»")
    return lines


@pytest.fixture
def app(make_app):
    """Return a blog with mail set up: its form offers reply notifications."""
    return make_app(settings=SETTINGS)


def test_every_page_type_is_valid_html(app, auth, tmp_path):
    seed(app)
    folder = tmp_path / "pages"
    folder.mkdir()
    files = []
    for stop, response in visit(app, auth):
        assert response.status_code == stop.status, stop.name
        assert response.mimetype == "text/html", stop.name
        path = folder / f"{stop.name}.html"
        path.write_bytes(response.data)
        files.append(path)
    # The pages hold what they must, or the check would prove little.
    assert "Lecteur 1" in (folder / "moderation.html").read_text()
    post = (folder / "post.html").read_text()
    assert "Lucie" in post and "Merci Lucie" in post and 'name="body"' in post
    assert 'name="notify"' in post
    assert "Lecteur 1" in (folder / "mail-moderate.html").read_text()
    assert "field-errors" in (folder / "post-invalid.html").read_text()
    assert 'name="parent_id" value="1"' in (folder / "post-reply.html").read_text()
    images = (folder / "post-images.html").read_text()
    assert "<picture>" in images and 'srcset="/media/2010/lac.jpg?w=480' in images
    assert 'loading="lazy"' in images and 'height="1800"' in images
    assert "preview-banner" in (folder / "preview.html").read_text()

    errors = check(files)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
