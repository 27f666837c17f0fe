"""Prepare lists of posts for templates: pages of results, date groups, sidebar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from flask import abort, current_app, render_template, request
from markupsafe import Markup

from app.config import current_settings
from app.content.post import Post
from app.extensions import post_index
from app.httpcache import depends_on
from app.params import whole_number


@dataclass(frozen=True)
class Page:
    """One page of a list of posts, with where the neighbouring pages are."""

    posts: tuple[Post, ...]
    number: int
    has_newer: bool
    has_older: bool

    @property
    def days(self) -> list[tuple[date, list[Post]]]:
        """Group the posts under Blogger's date headers (one per local day)."""
        tz = current_settings().site.tz
        return [
            (day, list(posts))
            for day, posts in groupby(
                self.posts, key=lambda p: p.date.astimezone(tz).date()
            )
        ]


def paginate(posts: Sequence[Post]) -> Page:
    """Cut ``posts`` into the page asked for by ``?page=N`` (404 past the end)."""
    per_page = current_settings().site.posts_per_page
    raw = request.args.get("page")
    number = 1 if raw is None else whole_number(raw, 0, high=10**9)
    if number < 1 or (number > 1 and (number - 1) * per_page >= len(posts)):
        abort(404)
    start = (number - 1) * per_page
    return Page(
        posts=tuple(posts[start : start + per_page]),
        number=number,
        has_newer=number > 1,
        has_older=start + per_page < len(posts),
    )


def sidebar(year: int | None = None, month: int | None = None) -> dict:
    """Return the sidebar's HTML, with the archive open on a month.

    Most pages share a handful of sidebars (one per open month): each is
    rendered once per version of the index and kept.
    """
    index = post_index()
    archive = index.archive()
    if year is None and archive:
        year, month = archive[0][0], archive[0][2][0][0]
    if year and month:
        # The open month lists its posts' titles.
        depends_on(f"month:{year}-{month}")
    version = index.version
    kept = current_app.extensions.setdefault("carnet_sidebars", {})
    if kept.get("version") != version:
        kept.clear()
        kept["version"] = version
    html = kept.get((year, month))
    if html is None:
        html = Markup(
            render_template(
                "partials/sidebar.html",
                sidebar_pages=index.pages(),
                sidebar_archive=archive,
                sidebar_open=(year, month),
                sidebar_month_posts=(
                    index.by_month(year, month) if year and month else ()
                ),
                sidebar_labels=index.labels(),
            )
        )
        kept[(year, month)] = html
    return {"sidebar_html": html}
