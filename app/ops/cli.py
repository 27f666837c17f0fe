"""The operator's commands: ``doctor``, ``export-comments``, ``import-comments``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.ops import doctor


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


def init_app(app: Flask) -> None:
    """Register the operator's commands."""
    app.cli.add_command(doctor_command)
