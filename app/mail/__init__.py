"""Mail: the outbox, the sender and the messages (never in a reader's request).

Where it sits: above app.comments, below the pages. The comment service and
the moderation actions must write an outbox row in the transaction of the
comment it announces, yet comments must not import mail. So comments
define a small hook (app.comments.notify: an announcer called before the
commit) and this package registers :class:`~app.mail.outbox.OutboxAnnouncer`
into it when the app is built. Comments stay a store that knows nothing of
messages, and everything about messages (what they say, when they leave,
who sends them) lives here. The pages the messages link to (confirmation of
a moderation link, unsubscribe) are a blueprint of their own, app.mail_links.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Announce comments through the outbox; add ``mail send``; prepare the sender.

    The sender thread itself starts on the process's first request (see
    app.mail.background): the factory wraps the WSGI app with
    :func:`wrap_wsgi` last.
    """
    from app.comments import notify
    from app.mail import models  # noqa: F401 (Alembic)
    from app.mail.background import INTERVAL, SenderThread
    from app.mail.cli import mail_cli
    from app.mail.outbox import OutboxAnnouncer

    notify.register(app, OutboxAnnouncer())
    app.cli.add_command(mail_cli)
    if app.config.get("CARNET_MAIL_THREAD", not app.testing):
        interval = float(app.config.get("CARNET_MAIL_INTERVAL", INTERVAL))
        app.extensions["carnet_mail_thread"] = SenderThread(app, interval)


def wrap_wsgi(app: Flask) -> None:
    """Start the sender on each process's first request, when it has one."""
    from app.mail.background import StartsSender

    thread = app.extensions.get("carnet_mail_thread")
    if thread is not None:
        app.wsgi_app = StartsSender(app.wsgi_app, thread)
