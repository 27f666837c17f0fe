"""Create the comment and moderator tables.

Revision ID: 0001_comments
Revises:
Create Date: 2024-06-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_comments"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    """Create both tables and their indexes."""
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_url", sa.String(length=300), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("is_author", sa.Boolean(), nullable=False),
        sa.Column("blogger_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["comment.id"], name="fk_comment_parent_id_comment"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_comment"),
        sa.UniqueConstraint("blogger_id", name="uq_comment_blogger_id"),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index("ix_comment_post_url", ["post_url"], unique=False)
        batch_op.create_index("ix_comment_parent_id", ["parent_id"], unique=False)
        batch_op.create_index("ix_comment_status", ["status"], unique=False)
        batch_op.create_index("ix_comment_created", ["created"], unique=False)

    op.create_table(
        "moderator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_moderator"),
        sa.UniqueConstraint("username", name="uq_moderator_username"),
    )


def downgrade():
    """Drop both tables."""
    op.drop_table("moderator")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_created")
        batch_op.drop_index("ix_comment_status")
        batch_op.drop_index("ix_comment_parent_id")
        batch_op.drop_index("ix_comment_post_url")
    op.drop_table("comment")
