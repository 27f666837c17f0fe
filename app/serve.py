"""``flask --app wsgi serve --drafts``: the author's own preview server.

Werkzeug's development server on this machine only (a loopback address),
showing drafts and scheduled posts at their future addresses without
logging in. It is turned on by a config flag that only this command sets:
no settings file, no environment variable reaches it, so a published blog
never shows a draft to its readers.
"""

from __future__ import annotations

import ipaddress

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from werkzeug.serving import run_simple

from app.blog.preview import SHOW_DRAFTS


def is_loopback(host: str) -> bool:
    """Tell whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option(
    "--drafts",
    is_flag=True,
    help="Montrer les brouillons et les articles programmés sans connexion.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(drafts: bool, host: str, port: int) -> None:
    """Serve the blog on this machine only, to preview it while writing."""
    if not is_loopback(host):
        raise click.UsageError(
            _(
                "serve n'écoute que sur cette machine (127.0.0.1 ou ::1), pas sur "
                "%(host)s : pour servir le blog à d'autres, utilisez gunicorn "
                "(make run)",
                host=host,
            )
        )
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.config[SHOW_DRAFTS] = drafts
    shown = f"[{host}]" if ":" in host else host
    click.echo(_("Aperçu sur http://%(host)s:%(port)d/", host=shown, port=port))
    if drafts:
        click.echo(_("Brouillons et articles programmés visibles sans connexion."))
    run_simple(host, port, app, threaded=True, use_reloader=False)
