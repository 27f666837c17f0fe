"""Real servers for the tests that need them: gunicorn on a fresh blog, nginx.

The benchmarks (bench/) use them too, with a generated blog instead of the
fixture posts.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")


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


def blog_env(
    tmp_path: Path,
    settings: str = "",
    posts: Callable[[Path], object] | None = None,
    **extra: str,
) -> dict[str, str]:
    """Make a blog in ``tmp_path`` (migrated SQLite); return its environment.

    ``posts`` fills the posts folder (default: a copy of the fixture posts).
    """
    if posts is None:
        shutil.copytree(ROOT / "tests" / "posts", tmp_path / "posts")
    else:
        posts(tmp_path / "posts")
    (tmp_path / "blog.toml").write_text(settings, encoding="utf-8")
    env = {
        **os.environ,
        "BLOG_POSTS_DIR": str(tmp_path / "posts"),
        "BLOG_DATABASE_URL": f"sqlite:///{tmp_path / 'blog.db'}",
        "BLOG_SECRET_KEY": "servers-test",
        "BLOG_SETTINGS": str(tmp_path / "blog.toml"),
        "BLOG_RATELIMIT_STORAGE_URL": "memory://",
        # The saved post index and the like, never in the repository's instance/.
        "BLOG_INSTANCE_DIR": str(tmp_path / "instance"),
        **extra,
    }
    migrate(env)
    return env


def migrate(env: dict[str, str]) -> None:
    """Bring the database of the blog in ``env`` up to date, as a user would."""
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextmanager
def running(
    args: list[str], env: dict[str, str], log: Path, port: int, cwd: Path = ROOT
) -> Iterator[subprocess.Popen]:
    """Run a server (from ``cwd``) until it listens on ``port``; stop it after."""
    with log.open("w") as output:
        process = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(port, process, log)
        yield process
    finally:
        stop(process)


@contextmanager
def gunicorn_process(
    env: dict[str, str], log: Path, workers: int = 2, app: str = "wsgi:app"
) -> Iterator[tuple[subprocess.Popen, int]]:
    """Run gunicorn serving ``app`` (the blog of ``env``); yield it and its port."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    command += ["--timeout", "60", "--access-logfile", "-", app]
    with running(command, env, log, port) as process:
        yield process, port


@contextmanager
def gunicorn(
    env: dict[str, str], log: Path, workers: int = 2, app: str = "wsgi:app"
) -> Iterator[int]:
    """Run gunicorn serving ``app`` (the blog of ``env``); yield its port."""
    with gunicorn_process(env, log, workers, app) as (_process, port):
        yield port


def nginx_site(
    upstream_ports: list[int], port: int, cache_dir: Path, static_dir: Path
) -> str:
    """Return deploy/nginx.conf as the README gives it, pointed at these ports.

    The upstream's server lines become one line per port in ``upstream_ports``,
    with the parameters the file gives them (max_fails, fail_timeout).
    """
    text = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    upstream = re.search(r"^upstream carnet \{\n(.*?)^\}", text, re.M | re.S)
    assert upstream, "deploy/nginx.conf no longer has an upstream carnet { } block"
    servers = re.findall(r"^( +)server (\S+)(.*);$", upstream[1], re.M)
    assert servers, "deploy/nginx.conf lists no server in its upstream"
    indent, _address, parameters = servers[0]
    assert {s[2] for s in servers} == {parameters}, "servers with other parameters"
    lines = "".join(
        f"{indent}server 127.0.0.1:{upstream_port}{parameters};\n"
        for upstream_port in upstream_ports
    )
    body = re.sub(r"^ +server \S+.*;\n", "", upstream[1], flags=re.M)
    text = text.replace(upstream[1], lines + body)
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "/var/cache/nginx/carnet": str(cache_dir),
        "alias /var/www/carnet/static/;": f"alias {static_dir}/;",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


@contextmanager
def nginx(
    upstream_ports: int | list[int], workdir: Path, static_dir: Path | None = None
) -> Iterator[int]:
    """Run nginx with the README's configuration in front of ``upstream_ports``.

    ``static_dir`` stands for the folder collect-static fills (default: an
    empty one, so that nginx asks Carnet for every static file).
    """
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx)")
    if isinstance(upstream_ports, int):
        upstream_ports = [upstream_ports]
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    if static_dir is None:
        static_dir = workdir / "static"
        static_dir.mkdir(exist_ok=True)
    (workdir / "carnet.conf").write_text(
        nginx_site(upstream_ports, port, workdir / "cache", static_dir),
        encoding="utf-8",
    )
    temp = {name: workdir / name for name in ("body", "proxy", "fcgi", "uwsgi", "scgi")}
    # As Debian's /etc/nginx/nginx.conf has it: file types for static files.
    types = "  include /etc/nginx/mime.types;\n" if MIME_TYPES.exists() else ""
    (workdir / "nginx.conf").write_text(
        "user root;\n"
        "worker_processes 1;\n"
        f"pid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "  access_log off;\n"
        f"{types}"
        "  default_type application/octet-stream;\n"
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
