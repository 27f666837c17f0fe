"""Command-line tools for the author: ``check``, ``new-post`` and ``serve --drafts``."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.config import current_settings
from app.content.post import post_url
from app.content.problems import PostReadError
from app.content.reader import read_post
from app.content.slugs import slugify
from app.content.survey import image_warnings
from app.extensions import db, post_index
from app.importers.journal import import_running, leftovers
from app.links import absolute
from app.problems import describe
from app.serve import serve_command
from app.text import UnusableText, clean


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Read every post and page; list the problems and exit non-zero if any."""
    index = post_index()
    index.refresh(force=True)
    problems = [describe(problem) for problem in index.problems]
    interrupted = _interrupted_imports()
    problems.extend(interrupted)
    problems.extend(_orphan_comment_warnings(index))
    # Warnings only: a post whose picture is missing is still served.
    problems.extend(
        describe(warning)
        for post in index.all_posts()
        for warning in image_warnings(post)
    )
    total = len(index.all_posts())
    for problem in problems:
        if problem not in _TERMINAL.said:  # logged as the app loaded: on the screen
            click.echo(problem, err=True)
    if index.problems or interrupted:
        click.echo(
            _(
                "%(problems)d problème(s) ; %(total)d fichier(s) lu(s) correctement.",
                problems=len(index.problems) + len(interrupted),
                total=total,
            ),
            err=True,
        )
        raise SystemExit(1)
    click.echo(_("OK : %(total)d fichier(s) lu(s), aucun problème.", total=total))


class _SaidOnce(logging.Handler):
    """Print Carnet's warnings on stderr, as Python does when no handler is set.

    The lines are kept: ``check`` does not print a second time the problems
    the app logged when it read the changed files, moments before.
    """

    def __init__(self) -> None:
        """Print from WARNING up, the message alone (Python's default)."""
        super().__init__(logging.WARNING)
        self.said: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        """Print the record and keep its line."""
        line = self.format(record)
        self.said.add(line)
        click.echo(line, err=True)


# This process's: empty unless the flask command runs (print_warnings_once).
_TERMINAL = _SaidOnce()


def print_warnings_once() -> None:
    """Under the ``flask`` command, print Carnet's warnings and keep them.

    Call before the posts are read. A server (no command line being run)
    keeps its own handlers: gunicorn.conf.py sends these to its error log.
    """
    if click.get_current_context(silent=True) is None:
        return
    logger = logging.getLogger("carnet")
    if _TERMINAL not in logger.handlers:
        logger.addHandler(_TERMINAL)


def _interrupted_imports() -> list[str]:
    """Name the staging folders a killed Blogger import left in the posts folder."""
    posts_dir = current_settings().posts_dir
    if import_running(posts_dir):
        return []  # an import at work: its folder is no leftover
    root = posts_dir.parent
    return [
        _(
            "%(folder)s : import Blogger interrompu (processus tué) ; relancez "
            "import-blogger pour le terminer ou l'annuler",
            folder=folder.relative_to(root) if folder.is_relative_to(root) else folder,
        )
        for folder in leftovers(posts_dir)
    ]


def _orphan_comment_warnings(index) -> list[str]:
    """Warn about comments on a URL that no post or alias claims any more."""
    from app.comments.models import Comment

    query = sa.select(Comment.post_url, sa.func.count()).group_by(Comment.post_url)
    try:
        counts = db.session.execute(query).all()
    except sa.exc.OperationalError:
        return []  # no database yet: no comments to lose
    claimed = {url for post in index.all_posts() for url in post.urls}
    return [
        _(
            "avertissement : %(count)d commentaire(s) sur %(url)s, "
            "adresse qu'aucun article ni alias ne revendique",
            count=count,
            url=url,
        )
        for url, count in counts
        if url not in claimed
    ]


@click.command("new-post")
@click.argument("title")
@click.option("--labels", default="", help="Libellés séparés par des virgules.")
@click.option(
    "--open", "open_editor", is_flag=True, help="Ouvrir le fichier dans $EDITOR."
)
@with_appcontext
def new_post_command(title: str, labels: str, open_editor: bool) -> None:
    """Create a draft post file; print where it is and where to preview it."""
    settings = current_settings()
    try:
        # As every text coming in: NFC, no control character (app.text).
        title, labels = clean(title).strip(), clean(labels)
    except UnusableText:
        raise click.ClickException(_("titre illisible : tapez-le en UTF-8")) from None
    now = datetime.now(settings.site.tz)
    slug = slugify(title)
    path = settings.posts_dir / f"{now:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise click.ClickException(_("%(path)s existe déjà", path=path))
    label_list = [label.strip() for label in labels.split(",") if label.strip()]
    path.write_text(
        "---\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"date: {now:%Y-%m-%d %H:%M}\n"
        f"labels: {json.dumps(label_list, ensure_ascii=False)}\n"
        "draft: true\n"
        "---\n\n",
        encoding="utf-8",
    )
    click.echo(path)
    if open_editor:
        click.edit(filename=str(path))
    _print_preview_address(path)


def _print_preview_address(path) -> None:
    """Print the address of the draft's preview, read from the file as it is now.

    The author may have changed its title, date or slug in the editor.
    """
    settings = current_settings()
    try:
        post = read_post(
            path, settings.posts_dir, settings.site.tz, settings.site.language
        )
    except PostReadError as error:
        raise click.ClickException(describe(error.error)) from None
    address = absolute(post_url(post.date, post.slug, post.is_page))
    click.echo(
        _(
            "Aperçu : %(address)s (connecté comme modérateur, ou avec "
            "flask --app wsgi serve --drafts)",
            address=address,
        )
    )


def init_app(app: Flask) -> None:
    """Register the author's commands."""
    app.cli.add_command(check_command)
    app.cli.add_command(new_post_command)
    app.cli.add_command(serve_command)
