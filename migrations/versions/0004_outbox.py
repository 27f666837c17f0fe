"""Mail through an outbox: the outbox, the sender's leases, a comment's wish for replies.

Revision ID: 0004_outbox
Revises: 0003_page_change
Create Date: 2026-12-01 12:00:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004_outbox"
down_revision = "0003_page_change"
branch_labels = None
depends_on = None


def upgrade():
    """Add comment.notify, the outbox and the two leases (free from the start)."""
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "notify", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("recipient_key", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("sent", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comment.id"], name="fk_outbox_comment_id_comment"
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["comment.id"], name="fk_outbox_subscriber_id_comment"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_state_due", "outbox", ["state", "due"])
    op.create_index("ix_outbox_comment_id", "outbox", ["comment_id"])
    lease = op.create_table(
        "mail_lease",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_mail_lease"),
    )
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    op.bulk_insert(
        lease,
        [
            {"name": "sender", "holder": None, "until": long_ago},
            {"name": "daily", "holder": None, "until": long_ago},
        ],
    )


def downgrade():
    """Drop the outbox and the leases; comments forget the wish for replies."""
    op.drop_table("mail_lease")
    op.drop_index("ix_outbox_comment_id", table_name="outbox")
    op.drop_index("ix_outbox_state_due", table_name="outbox")
    op.drop_table("outbox")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_column("notify")
