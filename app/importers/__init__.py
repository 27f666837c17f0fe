"""Importers: ``flask --app wsgi import-blogger <file>`` brings a Blogger blog in."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.config import current_settings
from app.extensions import db
from app.importers.blogger import Entry, NotBloggerExport, read_export
from app.importers.plan import Planner
from app.importers.report import ImportReport
from app.importers.writer import ImportConflict, apply_plan, stored_comment_keys


def run_import(
    export_file: Path, posts_dir: Path, show_progress: bool = False
) -> ImportReport:
    """Import a Blogger export into ``posts_dir`` and the database; report."""
    export = read_export(export_file)
    stored = set(stored_comment_keys(db.session))
    planner = Planner(export, posts_dir, current_settings().site.tz, stored)

    def progress(entries: list[Entry]) -> Iterable[Entry]:
        """Show a progress bar over the entries when a person is watching."""
        if not show_progress:
            yield from entries
            return
        with click.progressbar(entries, label=_("Lecture de l'export")) as bar:
            yield from bar

    plan = planner.build(progress)
    if plan.files or plan.comments:
        apply_plan(plan, posts_dir, db.session)
    return plan.report


@click.command("import-blogger")
@click.argument(
    "export_file", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--posts-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=_l("Dossier des articles (par défaut : celui du site)."),
)
@with_appcontext
def import_blogger_command(export_file: Path, posts_dir: Path | None) -> None:
    """Import a Blogger backup (blog-*.xml) or Takeout feed.atom, comments included."""
    posts_dir = (posts_dir or current_settings().posts_dir).resolve()
    posts_dir.mkdir(parents=True, exist_ok=True)
    try:
        report = run_import(export_file, posts_dir, show_progress=sys.stdout.isatty())
    except NotBloggerExport as error:
        raise click.ClickException(str(error)) from None
    except ImportConflict as error:
        raise click.ClickException(_("rien importé : %(e)s", e=error)) from None
    except sa.exc.SQLAlchemyError as error:
        first_line = str(error).splitlines()[0]
        raise click.ClickException(
            _("rien importé, base de données : %(e)s", e=first_line)
        ) from None
    except OSError as error:
        raise click.ClickException(_("rien importé : %(e)s", e=error)) from None
    except Exception as error:  # noqa: BLE001 — one line for the author, not a traceback
        raise click.ClickException(
            _("rien importé (%(kind)s : %(e)s)", kind=type(error).__name__, e=error)
        ) from None
    for line in report.lines():
        click.echo(line)
    if report.posts or report.pages:
        # Other hosts serve their own posts/: the import reached only this one.
        click.echo(
            _(
                "Les fichiers écrits dans %(folder)s n'existent que sur cette "
                "machine : validez-les dans git ou copiez-les sur les autres "
                "serveurs.",
                folder=posts_dir,
            )
        )
    if not report.imported and not report.existing:
        raise click.ClickException(_("rien à importer dans %(f)s", f=export_file.name))


def init_app(app: Flask) -> None:
    """Register the ``import-blogger`` command."""
    app.cli.add_command(import_blogger_command)
