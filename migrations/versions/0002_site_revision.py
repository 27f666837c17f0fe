"""Add the site revision counter that tells workers their page cache is stale.

Revision ID: 0002_site_revision
Revises: 0001_comments
Create Date: 2026-11-28 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_site_revision"
down_revision = "0001_comments"
branch_labels = None
depends_on = None


def upgrade():
    """Create the one-row table and its row."""
    table = op.create_table(
        "site_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_site_revision"),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])


def downgrade():
    """Drop the counter."""
    op.drop_table("site_revision")
