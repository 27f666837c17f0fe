"""Gunicorn's settings for Carnet: ``gunicorn --config gunicorn.conf.py``.

``make run`` and the README's deployment use this file; gunicorn also reads
it by itself when started from this folder. The environment chooses where to
listen and how many workers: ``CARNET_BIND`` (default ``127.0.0.1:5000``) and
``CARNET_WORKERS`` (default 2). Access log on stdout, errors on stderr.

A bad setting stops gunicorn itself, with the one line that names it: it is
checked before listening (``on_starting``) and before a ``kill -HUP`` starts
new workers (``on_reload``); a worker that still cannot load the application
exits as "could not boot", so that gunicorn stops instead of forking new
workers forever.
"""

import logging
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# Answered every few seconds by the probes; app/ops/health.py serves them.
PROBE_PATHS = ("/healthz", "/readyz")

wsgi_app = "wsgi:app"
chdir = str(ROOT)
bind = [os.environ.get("CARNET_BIND", "127.0.0.1:5000")]
_workers = os.environ.get("CARNET_WORKERS", "2")
if not (_workers.isascii() and _workers.isdigit() and int(_workers) > 0):
    sys.exit(f"CARNET_WORKERS: expected a whole number ≥ 1, got {_workers!r}")
workers = int(_workers)
accesslog = "-"
errorlog = "-"
# Gunicorn 25.1+ opens a control socket at one path per user: two instances
# on a host would take each other's. Carnet is driven by signals (HUP, TERM).
control_socket_disable = True
# Not preload_app: each worker imports the application itself, so that a
# `kill -HUP` starts workers on the code and blog.toml now on disk.
preload_app = False

# Run in a separate interpreter: were the master to import the application,
# workers forked after a reload would inherit those modules, not the new code.
SETTINGS_CHECK = """
import sys
from pathlib import Path
from app.config import ConfigError, load_settings
try:
    load_settings(Path.cwd(), Path.cwd() / "instance")
except ConfigError as err:
    sys.exit(f"Carnet cannot start: {err}")  # as wsgi.py words it
"""


class QuietProbes(logging.Filter):
    """Keep the health probes out of the access log (they would drown it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop a request line whose path is a probe's."""
        atoms = record.args
        return not (isinstance(atoms, dict) and atoms.get("U") in PROBE_PATHS)


def settings_complaint() -> str:
    """Return what is wrong with the settings on disk, or "" when nothing is."""
    check = subprocess.run(
        [sys.executable, "-c", SETTINGS_CHECK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return check.stderr.strip() if check.returncode else ""


def on_starting(server):
    """Check the settings before listening: a bad one ends gunicorn here."""
    complaint = settings_complaint()
    if complaint:
        print(complaint, file=sys.stderr, flush=True)
        sys.exit(1)
    # On the logger, not a handler: it survives the handlers' reset on reload.
    logging.getLogger("gunicorn.access").addFilter(QuietProbes())


def on_reload(server):
    """Check the settings before new workers start: a bad one stops gunicorn.

    The old workers finish their requests and the master exits non-zero with
    the line, rather than new workers failing one after another.
    """
    complaint = settings_complaint()
    if complaint:
        server.halt(reason=complaint.splitlines()[-1], exit_status=1)


def post_fork(server, worker):
    """Load the application now, turning wsgi.py's exit into a boot failure.

    wsgi.py exits with one line on a bad setting; gunicorn takes a plain exit
    for a crash and forks another worker, forever. Exit code 3 (its "worker
    failed to boot") makes it stop instead.
    """
    try:
        import wsgi  # noqa: F401 - gunicorn then finds it already imported
    except SystemExit as stop:
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr, flush=True)
        sys.exit(server.WORKER_BOOT_ERROR)
