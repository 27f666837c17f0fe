"""One import run: recover, read, plan, write, fetch images; report."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from flask import current_app

from app.config import SiteSettings, current_settings
from app.extensions import db
from app.importers.blogger import BlogInfo, Entry
from app.importers.fetch import Fetcher
from app.importers.files import id_key
from app.importers.images import download_images
from app.importers.journal import import_lock
from app.importers.plan import Planner, Site
from app.importers.report import ImportReport
from app.importers.source import read_export
from app.importers.writer import apply_plan, recover, stored_comment_keys

Progress = Callable[[Iterable[Entry]], Iterable[Entry]]


def run_import(
    export_file: Path,
    posts_dir: Path,
    *,
    blog: str | None = None,
    download: bool = False,
    progress: Progress = iter,
) -> ImportReport:
    """Import a Blogger export into ``posts_dir`` and the database; report.

    The posts folder is locked for the run; an earlier run a crash left
    half-done is finished or undone first.
    """
    settings = current_settings().site
    with import_lock(posts_dir):
        recovered = recover(posts_dir, db.session)
        export = read_export(export_file, blog)
        stored = set(stored_comment_keys(db.session))
        site = Site(settings.tz, settings.language, settings.max_post_bytes)
        plan = Planner(export, posts_dir, site, stored).build(progress)
        report = plan.report
        report.recovered = recovered
        report.sources = export.used
        report.language = export.blog.language
        report.suggestions = suggestions(export.blog, settings)
        if plan.files or plan.comments:
            apply_plan(plan, posts_dir, db.session)
        if download:
            ids = {
                id_key(e.blogger_id)
                for e in export.entries
                if e.kind in ("post", "page")
            }
            # Tests shorten the waits through the config, as they set the clock.
            fetcher = Fetcher(**current_app.config.get("CARNET_IMAGE_FETCH", {}))
            try:
                report.images = download_images(posts_dir, ids, settings.tz, fetcher)
            finally:
                fetcher.session.close()
    return report


def suggestions(blog: BlogInfo, site: SiteSettings) -> list[str]:
    """Return the ``blog.toml`` lines the blog's settings suggest, if they differ.

    A new site (still called "Carnet") also gets the blog's title.
    """
    lines = []
    if blog.title and site.title == SiteSettings.title:
        lines.append(f"title = {json.dumps(blog.title, ensure_ascii=False)}")
    locale = blog.language.replace("-", "_")
    if locale and locale.split("_")[0] != site.language:
        try:
            Locale.parse(locale)
            lines.append(f'locale = "{locale}"')
        except (UnknownLocaleError, ValueError):
            pass
    if blog.timezone and blog.timezone != site.timezone:
        try:
            ZoneInfo(blog.timezone)
            lines.append(f'timezone = "{blog.timezone}"')
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ["[site]", *lines] if lines else []
