"""The pages a message links to: confirm a moderation link, unsubscribe.

Per-link pages, never the same document for two people: a blueprint of its
own, outside app.httpcache's public blueprints, so they are
``Cache-Control: private, no-store`` and never kept. They use no session:
the signed token in the address is the whole credential.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the links' blueprint."""
    from app.mail_links.routes import bp

    app.register_blueprint(bp)
