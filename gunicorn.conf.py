"""Gunicorn's settings for Carnet: ``gunicorn --config gunicorn.conf.py``.

``make run`` and the README's deployment use this file; gunicorn also reads
it by itself when started from this folder. The environment chooses where to
listen and how many workers: ``CARNET_BIND`` (default ``127.0.0.1:5000``) and
``CARNET_WORKERS`` (default 2). Access log on stdout, errors on stderr.

The application is loaded once, in the master, before it listens
(``preload_app``): the post index is read (or loaded from instance/) once,
and the workers forked from the master share its memory. Garbage collection
is kept off in the master and its objects frozen before forking, so that
the workers' collections do not copy the shared pages (Python's gc.freeze
recipe); each worker turns collection back on.

A bad setting stops gunicorn itself, with the one line that names it: the
master loads the application before listening, and ``kill -HUP`` checks the
settings before it starts new workers (``on_reload``). HUP reads the
settings again; new code needs a restart (``systemctl restart``, or USR2
then QUIT to the old master for a restart without a gap).

The application's own log lines (``carnet.*`` from INFO up: a comment that
awaits moderation, mail, the database away…) go to gunicorn's error log, in
its format, wherever ``errorlog`` sends it.
"""

import gc
import importlib
import logging
import os
import subprocess
import sys
from pathlib import Path

# Collect nothing while the application loads in the master: a collection
# would leave holes in the pages the workers are about to share.
gc.disable()

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
# The master loads the application (and reads the posts) once; workers share it.
preload_app = True

# Run in a separate interpreter, so that a bad blog.toml is found before the
# master lets go of the application it has.
SETTINGS_CHECK = """
import sys
from pathlib import Path
from app.config import ConfigError, load_settings
from app.instance import instance_folder
try:
    load_settings(Path.cwd(), instance_folder(Path.cwd()))
except ConfigError as err:
    sys.exit(f"Carnet cannot start: {err}")  # as wsgi.py words it
"""


# The application's loggers, and the level from which their lines are kept.
APP_LOGGERS = {"carnet": logging.INFO, "flask-limiter": logging.WARNING}


class ToErrorLog(logging.Handler):
    """Hand the application's records to gunicorn's error log.

    Looked up at each record, not copied: gunicorn replaces its handlers
    when it reloads (HUP), and this keeps following them.
    """

    carnet_error_log = True  # how a second run of this file finds it

    def emit(self, record: logging.LogRecord) -> None:
        """Let gunicorn's error logger write the record, at its --log-level."""
        error_log = logging.getLogger("gunicorn.error")
        if error_log.isEnabledFor(record.levelno):
            error_log.handle(record)


def send_app_logs_to_error_log() -> None:
    """Give the app's loggers gunicorn's error log (once: HUP reads this file again).

    Without it, Python drops their INFO lines (no handler, level WARNING):
    the README's "a line goes to the log" for a waiting comment never
    showed under gunicorn.
    """
    for name, level in APP_LOGGERS.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(getattr(h, "carnet_error_log", False) for h in logger.handlers):
            logger.addHandler(ToErrorLog())
        # Not to the root as well: a handler there would print them twice.
        logger.propagate = False


# Before the master loads the application: its first lines are kept too.
send_app_logs_to_error_log()


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
    """Keep the probes out of the access log.

    A bad setting never gets here: the master loads the application first
    (preload), and wsgi.py exits with the line that names the setting.
    """
    # On the logger, not a handler: it survives the handlers' reset on reload.
    logging.getLogger("gunicorn.access").addFilter(QuietProbes())


def when_ready(server):
    """Freeze what the master loaded: the workers share it untouched."""
    gc.freeze()


def on_reload(server):
    """Check the settings before new workers start: a bad one stops gunicorn.

    The old workers finish their requests and the master exits non-zero with
    the line, rather than new workers failing one after another.
    """
    complaint = settings_complaint()
    if complaint:
        server.halt(reason=complaint.splitlines()[-1], exit_status=1)
    # The settings are read again: a new application for the new workers
    # (the posts come from the index kept in instance/, so this is quick).
    gc.unfreeze()
    import wsgi

    try:
        importlib.reload(wsgi)
    except SystemExit as stop:
        server.halt(reason=str(stop.code), exit_status=1)
    server.app.callable = wsgi.app
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    """Start the worker's own life: collections on, its own database connections.

    Connections opened by the master (none, normally) must not be shared
    with the workers: each disposes of the pool it inherited.
    """
    gc.enable()
    app = server.app.callable
    # Another application run with this file (the benchmarks' floor) has none.
    if app is not None and "sqlalchemy" in getattr(app, "extensions", {}):
        from app.extensions import db

        with app.app_context():
            db.engine.dispose(close=False)
