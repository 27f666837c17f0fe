"""Jinja filters and globals: every date a reader sees goes through Babel here."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from flask import Flask, request
from flask_babel import format_date, format_time
from flask_babel import gettext as _

from app.config import current_settings


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
    """Return the URL path of a label page, percent-encoding UTF-8 as Blogger."""
    return "/search/label/" + quote(label, safe="")


def absolute(path: str) -> str:
    """Return ``path`` as an absolute URL on the site's ``base_url``."""
    return current_settings().site.base_url.rstrip("/") + path


def init_app(app: Flask) -> None:
    """Register the filters and the globals every template may use."""
    for func in (
        date_header,
        time_short,
        datetime_short,
        iso,
        label_path,
        absolute,
    ):
        app.add_template_filter(func)
    app.add_template_global(month_name)
    app.add_template_global(month_year)

    @app.context_processor
    def site_context() -> dict:
        """Give every template the settings and the canonical URL of the page."""
        return {
            "settings": current_settings(),
            "canonical_url": absolute(request.path) if request else "",
        }
