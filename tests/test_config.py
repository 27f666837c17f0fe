"""Settings: blog.toml and BLOG_* variables, validated at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app import create_app
from app.config import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def _app(tmp_path: Path, posts_dir: Path, toml: str, **extra):
    """Create an app whose blog.toml holds ``toml``."""
    settings = tmp_path / "blog.toml"
    settings.write_text(toml, encoding="utf-8")
    config = {
        "BLOG_SETTINGS": str(settings),
        "BLOG_POSTS_DIR": str(posts_dir),
        "BLOG_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "BLOG_SECRET_KEY": "k",
    }
    config.update(extra)
    return create_app(config)


def test_settings_file_sets_title_and_posts_per_page(tmp_path, posts_dir):
    app = _app(
        tmp_path, posts_dir, '[site]\ntitle = "Mon carnet"\nposts_per_page = 2\n'
    )
    with app.app_context():
        upgrade()
    page = app.test_client().get("/").get_data(as_text=True)
    assert "Mon carnet" in page
    assert page.count('class="post-title"') == 2


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("[site]\ntitel = 'x'\n", "[site] titel: unknown setting"),
        ("[sit]\ntitle = 'x'\n", "[sit]: unknown section"),
        ("[site]\nposts_per_page = 'sept'\n", "[site] posts_per_page"),
        ("[site]\ntimezone = 'Europe/Pariss'\n", "[site] timezone"),
        ("[site]\nlocale = 'xx_YY'\n", "[site] locale"),
        ("[site]\nbase_url = 'localhost'\n", "[site] base_url"),
        ("[comments]\nmoderation = 'sometimes'\n", "[comments] moderation"),
        ("[comments]\nrate_limit = 'beaucoup'\n", "[comments] rate_limit"),
        ("[comments]\nblocklist = 'casino'\n", "[comments] blocklist"),
        ("[site\n", "not valid TOML"),
        ("[site]\nposts_per_page = 0\n", "[site] posts_per_page: must be at least 1"),
        ("[comments]\nmax_length = 0\n", "[comments] max_length: must be at least 1"),
        ("[comments]\nmax_length = -3\n", "[comments] max_length: expected a whole"),
        ("[mail]\nsmtp_host = 'localhost'\n", "[mail] moderator_email: required"),
        ("site = 'Carnet'\n", "[site] must be a table"),
        ("[site]\ntitle = 3\n", "[site] title: expected a string"),
        ("[site]\ntrusted_proxies = true\n", "[site] trusted_proxies: expected a"),
        ("[mail]\nuse_tls = 'oui'\n", "[mail] use_tls: expected true or false"),
        ("[mail]\nstarttls = 1\n", "[mail] starttls: expected true or false"),
        (
            "[mail]\nstarttls = true\nuse_tls = false\n",
            "[mail] use_tls: old name of starttls, which says otherwise",
        ),
        ("[mail]\ndigest = 'weekly'\n", "[mail] digest: expected each or daily"),
        ("[comments]\nkeep_ip_days = -1\n", "[comments] keep_ip_days: expected a"),
        ("[comments]\nkeep_ip_days = '30'\n", "[comments] keep_ip_days: expected a"),
        ("[comments]\nblocklist = [1, 2]\n", "[comments] blocklist: expected a list"),
        ("[site]\n__class__ = 'x'\n", "[site] __class__: unknown setting"),
        ("[database]\npool_size = 'cinq'\n", "[database] pool_size"),
        ("[database]\npool_size = 0\n", "[database] pool_size"),
        ("[database]\nmax_overflow = -1\n", "[database] max_overflow"),
        ("[database]\npool_timeout = 0\n", "[database] pool_timeout"),
        ("[database]\npool = 5\n", "[database] pool: unknown setting"),
        (
            "[site]\nproxy_addresses = ['nginx']\n",
            "[site] proxy_addresses: not an IP address or network: 'nginx'",
        ),
        ("[site]\nproxy_addresses = '::1'\n", "[site] proxy_addresses: expected a"),
    ],
)
def test_bad_setting_stops_start_up_naming_it(tmp_path, posts_dir, toml, named):
    with pytest.raises(ConfigError) as caught:
        _app(tmp_path, posts_dir, toml)
    message = str(caught.value)
    assert named in message
    assert "\n" not in message


def test_use_tls_is_still_understood_as_starttls(tmp_path, posts_dir):
    toml = "[mail]\nuse_tls = true\nstarttls = true\n"
    settings = _app(tmp_path, posts_dir, toml).config["CARNET"]
    assert settings.mail.starttls is True
    assert settings.comments.keep_ip_days == 30 and settings.mail.digest == "each"


def test_bad_environment_variable_is_named(tmp_path, posts_dir):
    with pytest.raises(ConfigError, match="BLOG_POSTS_DIR"):
        _app(tmp_path, posts_dir, "", BLOG_POSTS_DIR=str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError, match="BLOG_DATABASE_URL"):
        _app(tmp_path, posts_dir, "", BLOG_DATABASE_URL="blog.db")


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("BLOG_RATELIMIT_STORAGE_URL", "sqlite:///limits.db", "unsupported storage"),
        ("BLOG_TRUSTED_PROXIES", "deux", "expected a whole number, got 'deux'"),
        ("BLOG_TRUSTED_PROXIES", "-1", "expected a whole number, got '-1'"),
        ("BLOG_TRUSTED_PROXIES", "²", "expected a whole number, got '²'"),
        ("BLOG_SETTINGS", "{tmp}/absent.toml", "no such file"),
        ("BLOG_PROXY_ADDRESSES", "10.0.0.5, web-1", "network: 'web-1'"),
        ("BLOG_INSTANCE_DIR", "{tmp}/blog.toml", "not a folder"),
    ],
)
def test_bad_environment_variable_stops_start_up_naming_it(
    tmp_path, posts_dir, variable, value, named
):
    with pytest.raises(ConfigError) as caught:
        _app(tmp_path, posts_dir, "", **{variable: value.format(tmp=tmp_path)})
    message = str(caught.value)
    assert message.startswith(f"{variable}: ")
    assert named in message
    assert "\n" not in message


def test_the_instance_folder_may_live_outside_the_code(tmp_path, posts_dir):
    state = tmp_path / "var-lib-carnet"
    app = _app(
        tmp_path, posts_dir, "", BLOG_SECRET_KEY="", BLOG_INSTANCE_DIR=str(state)
    )
    # What this host keeps for itself goes there: the generated key, the
    # saved post index and the resized images.
    assert app.instance_path == str(state)
    assert (state / "secret_key").read_text().strip() == app.config["SECRET_KEY"]
    assert list(state.glob("post-index-*.cache"))
    assert app.config["CARNET"].image_cache_dir == state / "images"


def test_settings_file_that_is_not_utf8_is_named(tmp_path, posts_dir):
    settings = tmp_path / "latin1.toml"
    settings.write_bytes('[site]\ntitle = "Carnet d\'été"\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        _app(tmp_path, posts_dir, "", BLOG_SETTINGS=str(settings))
    assert str(caught.value).startswith(f"{settings}: not valid TOML")


def test_empty_secret_key_file_stops_start_up_naming_it(tmp_path):
    from app.instance import instance_secret_key

    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "secret_key").write_text("")
    with pytest.raises(ConfigError, match="^BLOG_SECRET_KEY: .*secret_key is empty"):
        instance_secret_key(tmp_path / "instance")


def test_a_generated_key_is_refused_when_the_database_is_not_sqlite(
    tmp_path, posts_dir
):
    # Each host would generate its own key: a comment form served by one
    # host would be refused by the next behind a round-robin balancer.
    with pytest.raises(ConfigError) as caught:
        _app(
            tmp_path,
            posts_dir,
            "",
            BLOG_SECRET_KEY="",
            BLOG_DATABASE_URL="postgresql+psycopg://carnet@db.internal/carnet",
        )
    message = str(caught.value)
    assert message.startswith("BLOG_SECRET_KEY:")
    assert "same value on every host" in message
    assert "\n" not in message


def test_wsgi_prints_one_line_and_exits_on_a_bad_setting(tmp_path, posts_dir):
    settings = tmp_path / "blog.toml"
    settings.write_text("[comments]\nmax_length = -3\n", encoding="utf-8")
    env = dict(os.environ, BLOG_SETTINGS=str(settings), BLOG_POSTS_DIR=str(posts_dir))
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "[comments] max_length" in lines[0]


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    from app.instance import instance_secret_key

    first = instance_secret_key(tmp_path / "instance")
    assert len(first) == 64
    assert instance_secret_key(tmp_path / "instance") == first
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0
