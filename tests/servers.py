"""Real servers for the tests that need them: gunicorn on a fresh blog, nginx."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds=90) -> None:
    """Wait until something accepts connections on ``port``, or fail with the log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing listened on port {port} after {seconds} s: {log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server: SIGTERM, then SIGKILL if it lingers."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def blog_env(tmp_path: Path, settings: str = "", **extra: str) -> dict[str, str]:
    """Make a blog in ``tmp_path`` (fixture posts, migrated SQLite); return its env."""
    shutil.copytree(ROOT / "tests" / "posts", tmp_path / "posts")
    (tmp_path / "blog.toml").write_text(settings, encoding="utf-8")
    env = {
        **os.environ,
        "BLOG_POSTS_DIR": str(tmp_path / "posts"),
        "BLOG_DATABASE_URL": f"sqlite:///{tmp_path / 'blog.db'}",
        "BLOG_SECRET_KEY": "servers-test",
        "BLOG_SETTINGS": str(tmp_path / "blog.toml"),
        "BLOG_RATELIMIT_STORAGE_URL": "memory://",
        **extra,
    }
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return env


@contextmanager
def gunicorn(env: dict[str, str], log: Path, workers: int = 2) -> Iterator[int]:
    """Run gunicorn on the blog of ``env``; yield its port."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-w",
                str(workers),
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
    try:
        wait_for_port(port, process, log)
        yield port
    finally:
        stop(process)


def nginx_site(upstream_port: int, port: int, cache_dir: Path) -> str:
    """Return deploy/nginx.conf as the README gives it, pointed at these ports."""
    text = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream_port};",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "/var/cache/nginx/carnet": str(cache_dir),
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


@contextmanager
def nginx(upstream_port: int, workdir: Path) -> Iterator[int]:
    """Run nginx with the README's configuration in front of ``upstream_port``."""
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx)")
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "carnet.conf").write_text(
        nginx_site(upstream_port, port, workdir / "cache"), encoding="utf-8"
    )
    temp = {name: workdir / name for name in ("body", "proxy", "fcgi", "uwsgi", "scgi")}
    (workdir / "nginx.conf").write_text(
        "user root;\n"
        "worker_processes 1;\n"
        f"pid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "  access_log off;\n"
        f"  client_body_temp_path {temp['body']};\n"
        f"  proxy_temp_path {temp['proxy']};\n"
        f"  fastcgi_temp_path {temp['fcgi']};\n"
        f"  uwsgi_temp_path {temp['uwsgi']};\n"
        f"  scgi_temp_path {temp['scgi']};\n"
        f"  include {workdir / 'carnet.conf'};\n"
        "}\n",
        encoding="utf-8",
    )
    log = workdir / "nginx.out"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                NGINX,
                "-p",
                str(workdir),
                "-c",
                str(workdir / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process, log, seconds=30)
        yield port
    finally:
        stop(process)
