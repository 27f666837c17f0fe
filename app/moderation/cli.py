"""``flask moderator …``: manage the accounts allowed into the queue."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.moderation import accounts

moderator_cli = AppGroup("moderator", help="Manage moderator accounts.")


def _read_password(password_stdin: bool) -> str:
    """Read a password from standard input, or prompt for it twice."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "Mot de passe", hide_input=True, confirmation_prompt=True
        )
    if len(password) < 8:
        raise click.ClickException("mot de passe trop court : 8 caractères au moins")
    return password


def _existing(username: str):
    """Return the moderator ``username`` or stop with an error."""
    moderator = accounts.find(username)
    if moderator is None:
        raise click.ClickException(f"modérateur inconnu : {username}")
    return moderator


@moderator_cli.command("create")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def create_command(username: str, password_stdin: bool) -> None:
    """Create a moderator account."""
    if not username.strip() or len(username) > 80:
        raise click.ClickException("un identifiant a de 1 à 80 caractères")
    if accounts.find(username) is not None:
        raise click.ClickException(f"ce modérateur existe déjà : {username}")
    accounts.create(username, _read_password(password_stdin))
    click.echo(f"modérateur créé : {username}")


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
    click.echo(f"modérateur supprimé : {username}")


@moderator_cli.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def passwd_command(username: str, password_stdin: bool) -> None:
    """Change a moderator's password."""
    moderator = _existing(username)
    accounts.change_password(moderator, _read_password(password_stdin))
    click.echo(f"mot de passe changé : {username}")
