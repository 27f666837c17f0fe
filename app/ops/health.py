"""``/healthz`` and ``/readyz``: probes for load balancers, systemd and monitors.

Both answer plain text with ``Cache-Control: no-store``; the page cache skips
them (app/pagecache.py) and gunicorn.conf.py keeps them out of the access log,
where a probe every few seconds would drown the readers' requests.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response
from flask_babel import gettext as _

from app.extensions import limiter
from app.ops import readiness

bp = Blueprint("health", __name__)


def _plain(text: str, status: int) -> Response:
    """Return a short plain-text answer that no cache keeps."""
    response = Response(text + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """Answer 200 while the process runs, without asking the database."""
    return _plain("ok", 200)


@bp.get("/readyz")
def readyz() -> Response:
    """Answer 200 when this process can serve readers, else 503 and why."""
    reasons = readiness.unready_reasons()
    if reasons:
        return _plain("\n".join(reasons), 503)
    return _plain(_("prêt"), 200)


def init_app(app: Flask) -> None:
    """Register the probes; no rate limit applies to them."""
    app.register_blueprint(bp)
    limiter.exempt(bp)
