"""/healthz and /readyz: what a load balancer, systemd or a monitor is told."""

from __future__ import annotations

import shutil

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade

from app.extensions import db
from app.factory import PROJECT_ROOT

HEAD = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()


def test_healthz_answers_ok_uncached_and_without_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "ok\n"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def make_app_without_database(tmp_path):
    """Return an app whose SQLite file lies in a folder that does not exist.

    Ask for the ``posts_dir`` fixture too: it makes tmp_path/posts.
    """
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "BLOG_POSTS_DIR": str(tmp_path / "posts"),
            "BLOG_DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'blog.db'}",
            "BLOG_SECRET_KEY": "k",
            "BLOG_SETTINGS": str(tmp_path / "absent.toml"),
            "settings": {},
        }
    )


def test_healthz_answers_while_the_database_is_unreachable(tmp_path, posts_dir):
    response = make_app_without_database(tmp_path).test_client().get("/healthz")
    assert response.status_code == 200


def test_readyz_is_ready_on_a_migrated_database_with_posts(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "prêt\n"
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_says_503_and_why_when_the_database_is_unreachable(tmp_path, posts_dir):
    response = make_app_without_database(tmp_path).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("base de données injoignable")
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_until_migrations_reach_the_head_and_never_cached(app, client):
    assert client.get("/readyz").status_code == 200
    with app.app_context():
        downgrade(revision="0001_comments")
    response = client.get("/readyz")
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "0001_comments" in text and HEAD in text
    assert "db upgrade" in text
    with app.app_context():
        downgrade(revision="base")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "aucune appliquée" in response.get_data(as_text=True)


def test_readyz_stays_ready_when_a_newer_release_migrated_the_database(app, client):
    # Rolling deploy: the new code migrated first; migrations are backward
    # compatible for one release, so the old hosts keep their traffic.
    with app.app_context():
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0099_x'"))
        db.session.commit()
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_the_posts_folder_goes_away(client, posts_dir):
    assert client.get("/readyz").status_code == 200
    shutil.rmtree(posts_dir)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "articles" in response.get_data(as_text=True)


def test_probes_speak_the_site_language(make_app):
    client = make_app(settings={"site": {"locale": "en"}}).test_client()
    assert client.get("/readyz").get_data(as_text=True) == "ready\n"
