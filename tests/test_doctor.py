"""``flask --app wsgi doctor``: what this host sees, comparable between hosts."""

from __future__ import annotations

import socket

import pytest
from alembic.script import ScriptDirectory
from conftest import free_port
from flask_migrate import downgrade

from app import create_app
from app.factory import PROJECT_ROOT
from app.ops.doctor import key_fingerprint

HEAD = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()


def lines_of(result) -> dict[str, str]:
    """Return the report as {topic: text}."""
    return dict(line.split(" : ", 1) for line in result.stdout.splitlines())


def test_doctor_reports_a_healthy_host_and_exits_zero(app):
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    report = lines_of(result)
    assert report["base de données"].endswith("— répond")
    assert report["migrations"] == f"base {HEAD}, code {HEAD} — à jour"
    assert report["limites de débit"].startswith("mémoire de chaque processus")
    assert "7 fichier(s) lu(s), 0 problème(s)" in report["articles"]
    assert report["clé secrète"] == (
        f"empreinte {key_fingerprint('test-secret')}, donnée par BLOG_SECRET_KEY"
    )
    assert "test-secret" not in result.output


def test_two_hosts_with_the_same_key_and_posts_print_the_same_fingerprints(
    make_app, posts_dir
):
    first = lines_of(make_app().test_cli_runner().invoke(args=["doctor"]))
    second = lines_of(make_app().test_cli_runner().invoke(args=["doctor"]))
    assert first["clé secrète"] == second["clé secrète"]
    assert first["articles"] == second["articles"]

    other_key = make_app(BLOG_SECRET_KEY="another-secret")
    third = lines_of(other_key.test_cli_runner().invoke(args=["doctor"]))
    assert third["clé secrète"] != first["clé secrète"]

    (posts_dir / "2012-code.md").write_text(
        "---\ntitle: Changé\ndate: 2012-01-01 10:00\n---\nAutre texte.\n",
        encoding="utf-8",
    )
    changed = lines_of(other_key.test_cli_runner().invoke(args=["doctor"]))
    fingerprint = first["articles"].rsplit("contenu ", 1)[1]
    assert changed["articles"].rsplit("contenu ", 1)[1] != fingerprint


def test_doctor_fails_naming_migrations_when_the_database_is_behind(app):
    with app.app_context():
        downgrade(revision="0001_comments")
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert f"base 0001_comments, code {HEAD}" in result.stdout
    assert "db upgrade" in lines_of(result)["migrations"]
    assert result.stderr.strip() == "à corriger : migrations"


def test_doctor_hides_the_database_password_and_says_it_does_not_answer(
    tmp_path, posts_dir
):
    url = f"postgresql+psycopg://carnet:s3cret@127.0.0.1:{free_port()}/carnet"
    # Not make_app: it would run the migrations on a database that is not there.
    app = create_app(
        {
            "TESTING": True,
            "BLOG_POSTS_DIR": str(posts_dir),
            "BLOG_DATABASE_URL": url,
            "BLOG_SECRET_KEY": "k",
            "BLOG_SETTINGS": str(tmp_path / "absent.toml"),
            "settings": {},
        }
    )
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "s3cret" not in result.output
    report = lines_of(result)
    assert "carnet:***@127.0.0.1" in report["base de données"]
    assert "ne répond pas" in report["base de données"]
    assert "base de données, migrations" in result.stderr


def _redis_answers() -> bool:
    """Tell whether the machine's Redis listens on 127.0.0.1:6379."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def test_doctor_says_whether_the_rate_limit_store_answers(make_app):
    silent = f"redis://127.0.0.1:{free_port()}/0"
    result = (
        make_app(BLOG_RATELIMIT_STORAGE_URL=silent)
        .test_cli_runner()
        .invoke(args=["doctor"])
    )
    assert result.exit_code == 1
    assert lines_of(result)["limites de débit"] == f"{silent} — ne répond pas"
    if not _redis_answers():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    redis = "redis://127.0.0.1:6379/15"
    result = (
        make_app(BLOG_RATELIMIT_STORAGE_URL=redis)
        .test_cli_runner()
        .invoke(args=["doctor"])
    )
    assert result.exit_code == 0, result.output
    assert lines_of(result)["limites de débit"] == f"{redis} — répond"
