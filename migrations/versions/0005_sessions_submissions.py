"""Revocable sessions and exactly-once comments.

``moderator.session_generation`` is part of every session cookie's user id:
logging out, ``moderator passwd`` and « log out everywhere » bump it, and
every cookie carrying the old value stops opening the queue.
``comment.submission`` is a hash of the post, the author, the text and the
comment form token's issue time, unique: a form sent twice at once stores
one comment. Comments stored before (or imported) have none.

Revision ID: 0005_sessions_submissions
Revises: 0004_outbox
Create Date: 2026-12-10 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_sessions_submissions"
down_revision = "0004_outbox"
branch_labels = None
depends_on = None


def upgrade():
    """Add moderator.session_generation and the unique comment.submission."""
    with op.batch_alter_table("moderator", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "session_generation",
                sa.Integer(),
                server_default=sa.text("0"),
                nullable=False,
            )
        )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission", sa.String(length=64)))
        batch_op.create_unique_constraint("uq_comment_submission", ["submission"])


def downgrade():
    """Drop both columns."""
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_constraint("uq_comment_submission", type_="unique")
        batch_op.drop_column("submission")
    with op.batch_alter_table("moderator", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
