"""Helpers of the Blogger import tests: run the command, look at what it left."""

from __future__ import annotations

from html import escape
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from app.comments.models import Comment
from app.extensions import db

DATA = Path(__file__).parent / "data" / "blogger"
# The shared samples sit beside the repository: ../shared/samples/blogger/.
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "blogger"
SAMPLE = SAMPLES / "old-backup-format.xml"
TAKEOUT = DATA / "feed.atom"
TAKEOUT_DIR = DATA / "takeout"
HABITS = DATA / "blog-habits.xml"

KIND = "http://schemas.google.com/g/2005#kind"


def entry(kind: str, number: str, blog: str = "77", **fields: str) -> str:
    """Return one ``<entry>`` of an old-format backup."""
    published = fields.get("published", "2011-10-03T20:00:00.000+02:00")
    title = escape(fields.get("title", f"{kind} {number}"))
    link = ""
    if "href" in fields:
        link = f"<link rel='alternate' type='text/html' href='{fields['href']}'/>"
    reply = ""
    if "on" in fields:
        post = f"tag:blogger.com,1999:blog-{blog}.post-{fields['on']}"
        reply = f"<thr:in-reply-to ref='{post}'/>"
    return (
        f"<entry><id>tag:blogger.com,1999:blog-{blog}.post-{number}</id>"
        f"<published>{published}</published>"
        f"<category scheme='{KIND}' term='http://schemas.google.com/blogger/2008/"
        f"kind#{kind}'/><title type='text'>{title}</title>"
        f"<content type='html'>{escape(fields.get('body', 'Texte.'))}</content>"
        f"{link}<author><name>Claire</name></author>{reply}</entry>"
    )


def backup(tmp_path: Path, *entries: str, blog: str = "77") -> Path:
    """Write an old-format backup holding ``entries``; return its path."""
    path = tmp_path / f"blog-{blog}.xml"
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
        f"<id>tag:blogger.com,1999:blog-{blog}.archive</id>"
        + "".join(entries)
        + "</feed>",
        encoding="utf-8",
    )
    return path


def run_import(app: Flask, export: Path, *args: str):
    """Run the command and make the app see the new files at once."""
    result = app.test_cli_runner().invoke(args=["import-blogger", str(export), *args])
    app.extensions["carnet_posts"].refresh(force=True)
    return result


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Return every file under ``folder`` with its bytes, and every folder."""
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
        for p in folder.rglob("*")
    }


def comments(app: Flask) -> list[Comment]:
    """Return every comment row, oldest first."""
    with app.app_context():
        query = sa.select(Comment).order_by(Comment.created)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def by_blogger_id(app: Flask) -> dict[str, Comment]:
    """Return the comments keyed by the number ending their Blogger id."""
    return {c.blogger_id.rsplit("-", 1)[-1]: c for c in comments(app)}
