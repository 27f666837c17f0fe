"""Importers: ``flask --app wsgi import-blogger <export>`` brings a Blogger blog in.

The reading and converting machinery (lxml, BeautifulSoup, markdownify,
requests) is imported when the command runs, not with the application:
the web workers never need it, and each would carry it in memory.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.config import current_settings
from app.importers.signals import GUARD, Terminated

if TYPE_CHECKING:
    from app.importers.blogger import Entry
    from app.importers.report import ImportReport

# The exit status of a process ended by SIGTERM, as shells report it.
TERMINATED = 128 + 15


def _quiet(entries: list[Entry]) -> Iterable[Entry]:
    """Go through the entries without a progress bar (not a terminal)."""
    return entries


def _progress(entries: list[Entry]) -> Iterable[Entry]:
    """Show a progress bar over the entries while a person is watching."""
    with click.progressbar(entries, label=_("Lecture de l'export")) as bar:
        yield from bar


@click.command("import-blogger")
@click.argument("export", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--posts-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=_l("Dossier des articles (par défaut : celui du site)."),
)
@click.option(
    "--download-images",
    is_flag=True,
    help=_l(
        "Télécharger les images hébergées par Blogger à côté des articles "
        "et y faire pointer les articles."
    ),
)
@click.option(
    "--blog",
    default=None,
    help=_l("Le blog à importer quand un dossier Takeout en contient plusieurs."),
)
@with_appcontext
def import_blogger_command(
    export: Path, posts_dir: Path | None, download_images: bool, blog: str | None
) -> None:
    """Import a Blogger backup (blog-*.xml), a Takeout feed.atom, folder or zip."""
    posts_dir = (posts_dir or current_settings().posts_dir).resolve()
    posts_dir.mkdir(parents=True, exist_ok=True)
    with GUARD.installed():
        report = _run(export, posts_dir, blog, download_images)
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
        if GUARD.requested:
            click.echo(_("Arrêté par SIGTERM après la fin de l'import."), err=True)
            raise SystemExit(TERMINATED)
    if not report.imported and not report.existing and report.images is None:
        raise click.ClickException(_("rien à importer dans %(f)s", f=export.name))


def _run(
    export: Path, posts_dir: Path, blog: str | None, download: bool
) -> ImportReport:
    """Run the import; turn every failure into one line and a non-zero exit."""
    from app.importers.blogger import NotBloggerExport
    from app.importers.journal import ImportBusy
    from app.importers.run import run_import
    from app.importers.writer import ImportConflict

    progress = _progress if sys.stdout.isatty() else _quiet
    try:
        return run_import(
            export, posts_dir, blog=blog, download=download, progress=progress
        )
    except Terminated:
        click.echo(_("Import interrompu (SIGTERM) : rien n'a été importé."), err=True)
        raise SystemExit(TERMINATED) from None
    except NotBloggerExport as error:
        raise click.ClickException(str(error)) from None
    except ImportBusy:
        raise click.ClickException(
            _("un autre import est en cours dans %(dir)s", dir=posts_dir)
        ) from None
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


def init_app(app: Flask) -> None:
    """Register the ``import-blogger`` command."""
    app.cli.add_command(import_blogger_command)
