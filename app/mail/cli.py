"""``flask --app wsgi mail send``: deliver what is due, for cron."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.config import current_settings
from app.mail import chores, sender

# Each pass delivers up to sender.BATCH rows; cron's run goes on until done.
MAX_PASSES = 50


@click.group("mail")
def mail_cli() -> None:
    """Le courrier du blog : avis au modérateur et avis de réponse."""


@mail_cli.command("send")
@with_appcontext
def send_command() -> None:
    """Envoie les messages dus et fait le ménage quotidien (pour cron)."""
    try:
        done = chores.run_chores()
        total = sender.PassReport()
        for _pass in range(MAX_PASSES):
            report = sender.run_pass()
            for name in ("sent", "retrying", "failed", "dropped", "postponed"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            total.leader = report.leader
            if not report.leader or not (report.sent or report.dropped):
                break
    except sa.exc.SQLAlchemyError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise click.ClickException(
            _("base de données injoignable : %(e)s", e=first)
        ) from None
    if not current_settings().sends_mail:
        click.echo(_("Pas de [mail] smtp_host : aucun message à envoyer."))
    elif not total.leader:
        click.echo(_("Un autre expéditeur est à l'œuvre : il enverra ce qui est dû."))
    else:
        click.echo(
            _(
                "%(sent)d message(s) envoyé(s), %(retrying)d à réessayer, "
                "%(failed)d en échec, %(postponed)d retenu(s) pour plus tard.",
                sent=total.sent,
                retrying=total.retrying,
                failed=total.failed,
                postponed=total.postponed,
            )
        )
    click.echo(
        _(
            "%(ips)d adresse(s) IP anonymisée(s), %(rows)d ancien(s) message(s) "
            "effacé(s) de la file d'envoi.",
            ips=done.anonymised,
            rows=done.purged,
        )
    )
