"""The messages themselves: French plain text with an HTML alternative.

Built when they are sent, not when queued, so that they say what is true
then (a comment already moderated is not announced) and reach the address
the comment holds then (an erased one is not written to).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from app.comments.models import Comment
from app.comments.sanitize import comment_html, safe_website
from app.config import current_settings
from app.extensions import post_index
from app.links import absolute
from app.mail import tokens

# The three one-click links, in the order Blogger's queue shows them; the
# values are app.moderation.actions.Action's (the links' page checks them).
MODERATION_LINKS = (
    ("approve", _l("Publier")),
    ("spam", _l("Spam")),
    ("delete", _l("Supprimer")),
)


@dataclass(frozen=True)
class Link:
    """A link of a message: its text and absolute URL."""

    label: str
    url: str


@dataclass(frozen=True)
class Shown:
    """A comment as a message shows it."""

    id: int
    author: str
    website: str | None
    body: str  # as typed, for the plain text part
    body_html: Markup  # sanitised, for the HTML part
    created: datetime
    post_title: str
    post_url: str  # absolute; with the comment's anchor once it is published
    links: tuple[Link, ...] = ()


def site_url(endpoint: str, **values: str) -> str:
    """Return the absolute URL of a route, outside any request."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return absolute(path)


def _shown(
    comment: Comment, links: tuple[Link, ...] = (), anchor: bool = True
) -> Shown:
    """Prepare one comment for a message, with its post's title and address."""
    index = post_index()
    post = index.by_url(comment.post_url) or index.by_alias(comment.post_url)
    url = post.url if post else comment.post_url
    if anchor:
        url = f"{url}#c{comment.id}"
    return Shown(
        id=comment.id,
        author=comment.author,
        website=safe_website(comment.website),
        body=comment.body,
        body_html=comment_html(comment.body),
        created=comment.created_utc,
        post_title=post.title if post else comment.post_url,
        post_url=absolute(url),
        links=links,
    )


def _moderation_links(comment: Comment) -> tuple[Link, ...]:
    """Return the signed Publier / Spam / Supprimer links of a comment."""
    return tuple(
        Link(
            str(label),
            site_url(
                "mail_links.moderate",
                token=tokens.moderation_token(comment.id, action),
            ),
        )
        for action, label in MODERATION_LINKS
    )


def _envelope(subject: str, to: str, message_id: str) -> EmailMessage:
    """Return a message with its headers: from the blog, to ``to``."""
    settings = current_settings()
    mail = settings.mail
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr((settings.site.title, mail.sender))
    message["To"] = to
    message["Date"] = format_datetime(tokens.now())
    domain = mail.sender.rpartition("@")[2] or "localhost"
    # Stable across retries: a message sent twice after a crash is one to readers.
    message["Message-ID"] = f"<carnet.{message_id}@{domain}>"
    # RFC 3834: no vacation replies to a notification.
    message["Auto-Submitted"] = "auto-generated"
    return message


def _fill(message: EmailMessage, template: str, **context) -> EmailMessage:
    """Give ``message`` its plain text part and its HTML alternative."""
    message.set_content(render_template(f"mail/{template}.txt", **context))
    message.add_alternative(
        render_template(f"mail/{template}.html", **context), subtype="html"
    )
    return message


def moderation_message(comments: list[Comment], message_id: str) -> EmailMessage:
    """Return the moderator's message about one or more comments to moderate."""
    settings = current_settings()
    # A comment waiting for moderation has no anchor on the page yet.
    shown = [_shown(c, _moderation_links(c), anchor=False) for c in comments]
    if len(shown) == 1:
        subject = _(
            "[%(site)s] Commentaire à modérer sur « %(title)s »",
            site=settings.site.title,
            title=shown[0].post_title,
        )
    else:
        subject = ngettext(
            "[%(site)s] %(num)d commentaire à modérer",
            "[%(site)s] %(num)d commentaires à modérer",
            len(shown),
            site=settings.site.title,
        )
    message = _envelope(subject, settings.mail.moderator_email, message_id)
    return _fill(
        message,
        "moderation",
        comments=shown,
        queue_url=site_url("moderation.queue"),
        days=tokens.LINK_LIFETIME.days,
    )


def reply_message(
    replies: list[Comment], subscriber: Comment, key: str, message_id: str
) -> EmailMessage:
    """Return a commenter's message about replies published in their thread."""
    settings = current_settings()
    shown = [_shown(reply) for reply in replies]
    subject = ngettext(
        "[%(site)s] %(num)d réponse sur « %(title)s »",
        "[%(site)s] %(num)d réponses sur « %(title)s »",
        len(shown),
        site=settings.site.title,
        title=shown[0].post_title,
    )
    message = _envelope(subject, subscriber.email, message_id)
    unsubscribe = site_url(
        "mail_links.unsubscribe", token=tokens.unsubscribe_token(key)
    )
    # RFC 2369 and RFC 8058: the reader's mail program offers a one-click
    # button that POSTs "List-Unsubscribe=One-Click" to this address.
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return _fill(
        message,
        "reply",
        replies=shown,
        subscriber=subscriber.author,
        unsubscribe_url=unsubscribe,
    )
