"""Tell the moderator about a new pending comment: by email, or in the log."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import gettext as _

from app.comments.models import Comment
from app.config import Settings, current_settings
from app.links import absolute

if TYPE_CHECKING:
    from app.content.post import Post

log = logging.getLogger("carnet.comments")


def queue_url() -> str:
    """Return the absolute URL of the moderation queue."""
    return absolute(url_for("moderation.queue"))


def build_message(comment: Comment, post: Post, settings: Settings) -> EmailMessage:
    """Compose the notification email for one pending comment."""
    mail = settings.mail
    message = EmailMessage()
    message["Subject"] = _(
        "[%(site)s] Nouveau commentaire à valider sur « %(title)s »",
        site=settings.site.title,
        title=post.title,
    )
    message["From"] = mail.sender
    message["To"] = mail.moderator_email
    message.set_content(
        _(
            "%(author)s a écrit un commentaire sur « %(title)s » (%(post_url)s) :\n\n"
            "%(body)s\n\n"
            "Pour le publier ou le refuser : %(queue)s\n",
            author=comment.author,
            title=post.title,
            post_url=absolute(post.url),
            body=comment.body,
            queue=queue_url(),
        )
    )
    return message


def send(message: EmailMessage, settings: Settings) -> None:
    """Send ``message`` through the configured SMTP server."""
    mail = settings.mail
    with smtplib.SMTP(mail.smtp_host, mail.smtp_port, timeout=10) as smtp:
        if mail.starttls:
            smtp.starttls()
        if mail.smtp_user:
            smtp.login(mail.smtp_user, mail.smtp_password)
        smtp.send_message(message)


def pending_comment(comment: Comment, post: Post) -> None:
    """Notify the moderator of ``comment``; never let a mail failure lose it."""
    settings = current_settings()
    if settings.mail is None or not settings.mail.smtp_host:
        log.info(
            "comment %s by %s awaits moderation on %s: %s",
            comment.id,
            comment.author,
            post.url,
            queue_url(),
        )
        return
    try:
        send(build_message(comment, post, settings), settings)
    except (OSError, smtplib.SMTPException) as err:
        # The comment is already stored; the queue still shows it.
        log.warning(
            "could not email the moderator about comment %s: %s", comment.id, err
        )
