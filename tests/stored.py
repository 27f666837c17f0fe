"""Comments written straight to the database, for tests that start with some."""

from __future__ import annotations

from app.comments.models import Comment, CommentStatus
from app.extensions import db

GUITARISTE = "/2011/10/un-guitariste-des-humains-et-le.html"


def store_comment(app, **fields) -> int:
    """Store a comment (pending unless told) and return its id."""
    values = {"post_url": GUITARISTE, "author": "Anne", "body": "Salut"}
    values.update(fields)
    with app.app_context():
        comment = Comment(**values)
        db.session.add(comment)
        db.session.commit()
        return comment.id


def status_of(app, comment_id: int) -> CommentStatus:
    """Return the stored state of a comment."""
    with app.app_context():
        return db.session.get(Comment, comment_id).status
