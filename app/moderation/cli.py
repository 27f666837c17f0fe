"""``flask moderator …``: manage the accounts allowed into the queue."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.moderation import accounts
from app.text import UnusableText, clean

moderator_cli = AppGroup("moderator", help="Manage moderator accounts.")


def _read_password(password_stdin: bool) -> str:
    """Read a password from standard input, or prompt for it twice."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            _("Mot de passe"),
            hide_input=True,
            confirmation_prompt=_("Répétez le mot de passe"),
        )
    if len(password) < 8:
        raise click.ClickException(_("mot de passe trop court : 8 caractères au moins"))
    return password


def _name(username: str) -> str:
    """Return the name as typed, normalised as the login form normalises it."""
    try:
        return clean(username).strip()
    except UnusableText:
        # A terminal in another encoding than UTF-8 hands such bytes over.
        raise click.ClickException(
            _("identifiant illisible : tapez-le dans un terminal en UTF-8")
        ) from None


def _existing(username: str):
    """Return the moderator ``username`` or stop with an error."""
    username = _name(username)
    moderator = accounts.find(username)
    if moderator is None:
        raise click.ClickException(_("modérateur inconnu : %(name)s", name=username))
    return moderator


@moderator_cli.command("create")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def create_command(username: str, password_stdin: bool) -> None:
    """Create a moderator account."""
    username = _name(username)
    if not username or len(username) > 80:
        raise click.ClickException(_("un identifiant a de 1 à 80 caractères"))
    if accounts.find(username) is not None:
        raise click.ClickException(
            _("ce modérateur existe déjà : %(name)s", name=username)
        )
    accounts.create(username, _read_password(password_stdin))
    click.echo(_("modérateur créé : %(name)s", name=username))


@moderator_cli.command("list")
def list_command() -> None:
    """List moderator accounts."""
    for moderator in accounts.all_moderators():
        created = moderator.created.strftime("%Y-%m-%d")
        click.echo(f"{moderator.username}\t{created}")


@moderator_cli.command("delete")
@click.argument("username")
def delete_command(username: str) -> None:
    """Delete a moderator account."""
    accounts.remove(_existing(username))
    click.echo(_("modérateur supprimé : %(name)s", name=username))


@moderator_cli.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def passwd_command(username: str, password_stdin: bool) -> None:
    """Change a moderator's password."""
    moderator = _existing(username)
    accounts.change_password(moderator, _read_password(password_stdin))
    click.echo(_("mot de passe changé : %(name)s", name=username))
