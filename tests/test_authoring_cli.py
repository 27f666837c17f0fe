"""The author's commands: new-post --open, serve --drafts, check's image warnings."""

from __future__ import annotations

import re
import stat
import subprocess
import urllib.request

import pytest
from page_tour import seed
from pictures import write_photo
from servers import BIN, ROOT, blog_env, free_port, stop, wait_for_port

from app.serve import is_loopback

PREVIEW = re.compile(
    r"Aperçu : (http://127\.0\.0\.1:5000/\d{4}/\d{2}/[a-z0-9-]+\.html)"
)


def test_check_warns_about_missing_images_and_missing_alt_text(app, posts_dir):
    folder = posts_dir / "2026" / "05"
    write_photo(folder / "lac.jpg", size=(800, 600))
    (folder / "tour.md").write_text(
        "---\ntitle: Tour\ndate: 2026-05-10 09:00\n---\n"
        "![Le lac](lac.jpg)\n\n"
        "![](lac.jpg)\n\n"
        "![Le sommet](sommet.jpg)\n\n"
        '<img src="refuge.png">\n\n'
        "![Ailleurs](https://example.org/a.jpg)\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["check"])
    # Warnings only: the post is served, the exit status says all is well.
    assert result.exit_code == 0, result.output
    where = "posts/2026/05/tour.md"
    lines = result.output.splitlines()
    assert f"{where}:7: avertissement : image sans texte alternatif : lac.jpg" in lines
    assert f"{where}:9: avertissement : image introuvable : sommet.jpg" in lines
    assert f"{where}:11: avertissement : image introuvable : refuge.png" in lines
    assert f"{where}:11: avertissement : image sans texte alternatif : refuge.png" in (
        lines
    )
    assert "example.org" not in result.output
    assert sum("avertissement" in line for line in lines) == 4


def test_check_warnings_speak_english_when_the_site_does(make_app, posts_dir):
    (posts_dir / "tour.md").write_text(
        "---\ntitle: Tour\ndate: 2026-05-10 09:00\n---\n![](sommet.jpg)\n",
        encoding="utf-8",
    )
    app = make_app(settings={"site": {"locale": "en"}})
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0
    assert "posts/tour.md:5: warning: image not found: sommet.jpg" in result.output
    assert "posts/tour.md:5: warning: image without alt text: sommet.jpg" in (
        result.output
    )


def test_new_post_prints_where_to_preview_the_draft(app):
    result = app.test_cli_runner().invoke(args=["new-post", "Au bord du lac"])
    assert result.exit_code == 0, result.output
    address = PREVIEW.search(result.output)
    assert address and address.group(1).endswith("/au-bord-du-lac.html")


def test_new_post_open_runs_the_editor_and_previews_what_it_saved(
    app, auth, posts_dir, tmp_path, monkeypatch
):
    editor = tmp_path / "editor.sh"
    # An author who retitles the post and writes a line, then quits.
    editor.write_text(
        "#!/bin/sh\n"
        'sed -i \'s/^title: .*/title: "Le tour du lac"/\' "$1"\n'
        "printf 'Parti à l’aube.\\n' >> \"$1\"\n",
        encoding="utf-8",
    )
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor))
    result = app.test_cli_runner().invoke(args=["new-post", "Brouillon", "--open"])
    assert result.exit_code == 0, result.output
    (created,) = posts_dir.glob("*-brouillon.md")
    text = created.read_text(encoding="utf-8")
    assert "Parti à l’aube." in text and "draft: true" in text
    address = PREVIEW.search(result.output)
    assert address and address.group(1).endswith("/le-tour-du-lac.html")
    # The address printed is where a moderator finds the preview.
    seed(app)
    app.extensions["carnet_posts"].refresh(force=True)
    moderator = app.test_client()
    assert auth.login(moderator).status_code == 303
    path = address.group(1).removeprefix("http://127.0.0.1:5000")
    assert "Parti à l’aube." in moderator.get(path).get_data(as_text=True)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.1.1", "::1", "[::1]", "localhost"]
)
def test_loopback_addresses_are_recognised(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org", ""])
def test_serve_refuses_any_host_but_this_machine(runner, host):
    result = runner.invoke(args=["serve", "--drafts", "--host", host])
    assert result.exit_code == 2
    assert "n'écoute que sur cette machine" in result.output


@pytest.mark.slow
def test_serve_drafts_shows_drafts_on_this_machine_without_login(tmp_path):
    env = blog_env(tmp_path, BLOG_IMAGE_CACHE_DIR=str(tmp_path / "images"))
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(BIN / "flask"),
                "--app",
                "wsgi",
                "serve",
                "--drafts",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process, log)
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/2012/03/brouillon-secret.html") as page:
            html = page.read().decode("utf-8")
            assert page.headers["Cache-Control"] == "private, no-store"
        assert "Brouillon — visible par vous seul" in html
        with urllib.request.urlopen(f"{base}/") as home:
            assert "Brouillon secret" not in home.read().decode("utf-8")
    finally:
        stop(process)
    assert "Aperçu sur http://127.0.0.1:" in log.read_text(encoding="utf-8")


def test_a_published_blog_never_shows_drafts(tmp_path):
    # wsgi:app, as gunicorn serves it: the flag is off whatever the environment.
    env = blog_env(tmp_path, CARNET_SHOW_DRAFTS="1", FLASK_CARNET_SHOW_DRAFTS="1")
    probe = (
        "from wsgi import app\n"
        "print(app.test_client().get('/2012/03/brouillon-secret.html').status_code)"
    )
    result = subprocess.run(
        [str(BIN / "python"), "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "404"
