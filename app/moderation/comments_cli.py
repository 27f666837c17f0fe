"""``flask comments …``: the moderation queue from a terminal."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.comments.models import Comment, CommentStatus
from app.moderation import actions, queue

comments_cli = AppGroup("comments", help="List and moderate reader comments.")


def _excerpt(text: str, width: int = 60) -> str:
    """Return the start of ``text`` on one line."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _as_dict(comment: Comment) -> dict:
    """Return a comment as JSON-ready data."""
    return {
        "id": comment.id,
        "created": comment.created_utc.isoformat(),
        "post_url": comment.post_url,
        "parent_id": comment.parent_id,
        "author": comment.author,
        "email": comment.email,
        "website": comment.website,
        "ip": comment.ip,
        "status": str(comment.status),
        "is_author": comment.is_author,
        "body": comment.body,
    }


@comments_cli.command("list")
@click.option(
    "--status",
    type=click.Choice([s.value for s in CommentStatus]),
    help="Only comments in this state.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def list_command(status: str | None, as_json: bool) -> None:
    """List comments, newest first: id, date, post, author, body start, state."""
    for comment in queue.listing(CommentStatus(status) if status else None):
        if as_json:
            click.echo(json.dumps(_as_dict(comment), ensure_ascii=False))
            continue
        when = comment.created_utc.strftime("%Y-%m-%d %H:%M")
        click.echo(
            f"{comment.id}\t{when}\t{comment.post_url}\t{comment.author}\t"
            f"{_excerpt(comment.body)}\t{comment.status}"
        )


def _act(action: actions.Action, ids: tuple[int, ...]) -> None:
    """Apply ``action`` to ``ids`` and report what changed; fail on unknown ids."""
    done = actions.apply(action, ids)
    for comment_id in done.changed:
        click.echo(f"{comment_id}\t{action}")
    for comment_id in done.unchanged:
        click.echo(f"{comment_id}\t" + _("déjà dans cet état"))
    if done.unknown:
        raise click.ClickException(
            _(
                "commentaire inconnu : %(ids)s",
                ids=", ".join(str(i) for i in done.unknown),
            )
        )


@comments_cli.command("approve")
@click.argument("ids", nargs=-1, type=int, required=True)
def approve_command(ids: tuple[int, ...]) -> None:
    """Publish the given comments."""
    _act(actions.Action.APPROVE, ids)


@comments_cli.command("delete")
@click.argument("ids", nargs=-1, type=int, required=True)
def delete_command(ids: tuple[int, ...]) -> None:
    """Delete the given comments (kept, hidden from readers)."""
    _act(actions.Action.DELETE, ids)


@comments_cli.command("spam")
@click.argument("ids", nargs=-1, type=int, required=True)
def spam_command(ids: tuple[int, ...]) -> None:
    """Mark the given comments as spam."""
    _act(actions.Action.SPAM, ids)
