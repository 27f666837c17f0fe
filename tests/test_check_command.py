"""`flask --app wsgi check`: every broken file named, exit status non-zero."""

from __future__ import annotations

import subprocess

from servers import BIN, ROOT, blog_env


def test_check_passes_on_good_posts(runner):
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "aucun problème" in result.output


def break_three_files(posts_dir) -> None:
    """Write a file with bad YAML, one without a title and one in Latin-1."""
    (posts_dir / "yaml-casse.md").write_text(
        "---\ntitle: Bien\ndate: 2013-01-01 10:00\nlabels: [a, b\n---\nx\n",
        encoding="utf-8",
    )
    (posts_dir / "sans-titre.md").write_text(
        "---\ndate: 2013-01-01 10:00\n---\nx\n", encoding="utf-8"
    )
    (posts_dir / "latin1.md").write_bytes(
        "---\ntitle: Été\ndate: 2013-01-01\n---\n".encode("latin-1")
    )


def test_check_names_each_broken_file_and_fails(app, posts_dir):
    break_three_files(posts_dir)
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    for name in ("yaml-casse.md", "sans-titre.md", "latin1.md"):
        assert name in result.output
    assert "posts/yaml-casse.md:5: YAML invalide dans l’en-tête : " in result.output
    assert "posts/sans-titre.md:1: titre manquant\n" in result.output
    assert (
        "posts/latin1.md:2: pas du texte UTF-8 (enregistrez le fichier en UTF-8)\n"
        in result.output
    )
    assert "3 problème(s)" in result.output
    # Meanwhile the good posts are still served.
    assert app.test_client().get("/").status_code == 200


def test_check_speaks_english_when_the_site_does(make_app, posts_dir):
    break_three_files(posts_dir)
    app = make_app(settings={"site": {"locale": "en"}})
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "posts/yaml-casse.md:5: bad YAML in front matter: " in result.output
    assert "posts/sans-titre.md:1: missing title\n" in result.output
    assert (
        "posts/latin1.md:2: not UTF-8 text (save the file as UTF-8)\n" in result.output
    )
    assert "3 problem(s); " in result.output
    for french in ("YAML invalide", "manquant", "enregistrez", "problème"):
        assert french not in result.output


def test_new_post_creates_a_draft_file(app, posts_dir):
    result = app.test_cli_runner().invoke(
        args=["new-post", "Mon billet d'été", "--labels", "été, vie"]
    )
    assert result.exit_code == 0, result.output
    created = list(posts_dir.glob("*-mon-billet-dete.md"))
    assert len(created) == 1
    text = created[0].read_text(encoding="utf-8")
    assert "draft: true" in text and '"été"' in text


def test_a_post_file_over_the_size_limit_is_named_and_the_site_goes_on(
    make_app, posts_dir
):
    app = make_app(settings={"site": {"max_post_bytes": 20_000}})
    huge = "---\ntitle: Un livre entier\ndate: 2013-01-01 10:00\n---\n"
    (posts_dir / "livre.md").write_text(huge + "Une phrase.\n\n" * 5_000, "utf-8")
    app.extensions["carnet_posts"].refresh(force=True)
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "posts/livre.md: fichier trop gros (65" in result.output
    assert "[site] max_post_bytes" in result.output
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert "Un livre entier" not in client.get("/").get_data(as_text=True)
    assert client.get("/search?q=phrase").status_code == 200
    assert client.get("/2013/01/un-livre-entier.html").status_code == 404


def test_the_flask_command_prints_a_new_problem_once(tmp_path):
    # The app reads the changed file as it loads, and logs its problem; the
    # listing then must not print the same line again.
    env = blog_env(tmp_path)  # migrated: the index of the good posts is kept
    (tmp_path / "posts" / "casse.md").write_text("---\ndate: 2011-10-03\n---\nx\n")
    for run in ("the file just changed", "the index kept since"):
        result = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1, run
        assert result.stderr.count("posts/casse.md:1: titre manquant\n") == 1, (
            run,
            result.stderr,
        )
        assert "1 problème(s)" in result.stderr, run
