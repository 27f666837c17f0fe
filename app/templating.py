"""Jinja filters and globals: every date a reader sees goes through Babel here."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from flask import Flask, current_app, get_template_attribute, request, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import Field

from app.comments.section import ShownComment
from app.content.bounded import BoundedCache
from app.content.post import Post
from app.links import absolute


def date_header(value: datetime) -> str:
    """Format a Blogger date header: ``lundi 3 octobre 2011``.

    Values are aware; Flask-Babel shows them in the site timezone.
    """
    return format_date(value, "full")


def time_short(value: datetime) -> str:
    """Format an hour the way Blogger's footer does: ``21:40``."""
    return format_time(value, "HH:mm")


def datetime_short(value: datetime) -> str:
    """Format a date and hour: ``3 octobre 2011 à 21:40``."""
    site = current_app.config["CARNET"].site
    return _datetime_short(value, site.locale, site.timezone)


@lru_cache(maxsize=16384)
def _datetime_short(value: datetime, locale: str, timezone: str) -> str:
    """Format once per site language and time zone (the site's, in context).

    A post page shows the date of every comment: Babel's formatting is the
    dearest part of it, and the same dates come back at every render.
    """
    day = format_date(value, "long")
    return _("%(day)s à %(time)s", day=day, time=time_short(value))


def month_name(month: int, year: int = 2000) -> str:
    """Return the month's name in the site language (``octobre``)."""
    return format_date(date(year, month, 1), "LLLL")


def month_year(year: int, month: int) -> str:
    """Return ``octobre 2011``."""
    return format_date(date(year, month, 1), "LLLL yyyy")


def iso(value: datetime) -> str:
    """Return an ISO 8601 timestamp, for ``<time datetime>``."""
    return value.isoformat()


def label_path(label: str) -> str:
    """Return the URL path of a label page (UTF-8 percent-encoded, as Blogger)."""
    return url_for("blog.label", label=label)


def _renderer():
    """Return the running application's renderer of posts."""
    return current_app.extensions["carnet_posts"].renderer


def post_html(post: Post) -> Markup:
    """Return a post's whole HTML (trusted: the author wrote it)."""
    return Markup(_renderer().html(post))


def teaser_html(post: Post) -> Markup:
    """Return what a list shows of a post."""
    return Markup(_renderer().teaser(post))


def is_cut(post: Post) -> bool:
    """Tell whether a list shows only part of the post ("Lire la suite »")."""
    return _renderer().is_cut(post)


# Comments rendered last, by characters: the key (the comment, its text
# sanitised) holds about half as much as the HTML made from it. A post with
# 5,000 comments takes 5 M of them.
_BLOCKS = BoundedCache(8 * 1024 * 1024)


def comment_block(comment: ShownComment) -> Markup:
    """Return one comment (and its replies) as HTML, kept once rendered.

    A post with thousands of comments renders them all at every new one:
    each is made once per site language and time zone, then kept.
    """
    site = current_app.config["CARNET"].site
    key = (comment, site.locale, site.timezone)
    kept = _BLOCKS.get(key)
    if kept is None:
        kept = _comment_block(comment)
        _BLOCKS.put(key, kept, key_chars=len(kept) // 2)
    return Markup(kept)


def _comment_block(comment: ShownComment) -> str:
    """Render a comment in the current app (whose language the key names)."""
    macro = get_template_attribute("comments/_comment.html", "comment_item")
    words = {
        "reply": _("Répondre"),
        "author": _("(auteur)"),
        "deleted": _("Ce commentaire a été supprimé."),
    }
    return str(macro(comment, words))


def field_aria(field: Field, help_id: str | None = None) -> dict[str, str]:
    """Return the ARIA attributes tying a form field to its help and errors."""
    described = [help_id] if help_id else []
    attrs = {}
    if field.errors:
        described.append(f"{field.name}-errors")
        attrs["aria_invalid"] = "true"
    if described:
        attrs["aria_describedby"] = " ".join(described)
    return attrs


def init_app(app: Flask) -> None:
    """Register the filters and the globals every template may use."""
    for func in (
        date_header,
        time_short,
        datetime_short,
        iso,
        label_path,
        absolute,
        post_html,
        teaser_html,
        is_cut,
        comment_block,
    ):
        app.add_template_filter(func)
    app.add_template_global(month_name)
    app.add_template_global(month_year)
    app.add_template_global(field_aria)

    @app.context_processor
    def site_context() -> dict:
        """Give every template the settings and the canonical URL of the page."""
        return {
            "settings": current_app.config["CARNET"],
            "canonical_url": absolute(request.path) if request else "",
        }
