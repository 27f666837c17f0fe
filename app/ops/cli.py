"""The operator's commands: ``doctor``, ``collect-static``, moving comments."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.extensions import db
from app.ops import doctor, transfer
from app.ops.readiness import first_line


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Print what this host sees, to compare hosts; exit 1 if something is wrong."""
    findings = doctor.examine()
    for finding in findings:
        click.echo(f"{finding.topic} : {finding.text}")
    wrong = [finding.topic for finding in findings if finding.wrong]
    if wrong:
        click.echo(_("à corriger : %(topics)s", topics=", ".join(wrong)), err=True)
        raise SystemExit(1)


@click.command("collect-static")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def collect_static_command(target: Path) -> None:
    """Copy static/ into TARGET under versioned names, for nginx to serve."""
    files = current_app.extensions["carnet_static"]
    try:
        done = files.collect(target)
    except ValueError:
        raise click.ClickException(
            _(
                "%(target)s est dans %(folder)s : choisissez un dossier à part.",
                target=target,
                folder=files.folder,
            )
        ) from None
    except OSError as error:
        # Each file is whole or absent: running the command again finishes.
        raise click.ClickException(_("copie interrompue : %(e)s", e=error)) from None
    click.echo(
        _(
            "%(copied)d fichier(s) copié(s) dans %(target)s, %(present)d déjà "
            "présent(s), %(older)d ancienne(s) version(s) gardée(s).",
            copied=done.copied,
            present=done.present,
            older=done.older,
            target=target,
        )
    )


def _progress(label: str) -> transfer.Progress:
    """Return a progress wrapper: a bar when a person watches the terminal."""

    def wrap(rows: Iterable[Any], length: int) -> Iterable[Any]:
        """Yield the rows, moving the bar along."""
        if not sys.stdout.isatty():
            yield from rows
            return
        with click.progressbar(rows, length=length, label=label) as bar:
            yield from bar

    return wrap


@click.command("export-comments")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_comments_command(target: Path) -> None:
    """Write every comment, all fields, to TARGET as JSON Lines."""
    try:
        count = transfer.export_comments(
            db.session, target, _progress(_("Export des commentaires"))
        )
    except sa.exc.SQLAlchemyError as error:
        raise click.ClickException(
            _("export impossible, base de données : %(e)s", e=first_line(error))
        ) from None
    except OSError as error:
        raise click.ClickException(_("export impossible : %(e)s", e=error)) from None
    click.echo(_("%(n)d commentaire(s) exporté(s) dans %(file)s", n=count, file=target))


@click.command("import-comments")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_comments_command(source: Path) -> None:
    """Add the comments of SOURCE (from export-comments) not stored yet."""
    try:
        result = transfer.import_comments(
            db.session, source, _progress(_("Import des commentaires"))
        )
    except transfer.TransferError as error:
        raise click.ClickException(str(error)) from None
    except sa.exc.SQLAlchemyError as error:
        raise click.ClickException(
            _("rien importé, base de données : %(e)s", e=first_line(error))
        ) from None
    except OSError as error:
        raise click.ClickException(_("rien importé : %(e)s", e=error)) from None
    click.echo(
        _(
            "%(added)d commentaire(s) ajouté(s), %(present)d déjà présent(s).",
            added=result.added,
            present=result.present,
        )
    )


def init_app(app: Flask) -> None:
    """Register the operator's commands."""
    app.cli.add_command(doctor_command)
    app.cli.add_command(collect_static_command)
    app.cli.add_command(export_comments_command)
    app.cli.add_command(import_comments_command)
