"""Replace the site-wide revision counter by a log of the posts whose pages changed.

Revision ID: 0003_page_change
Revises: 0002_site_revision
Create Date: 2026-11-29 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_page_change"
down_revision = "0002_site_revision"
branch_labels = None
depends_on = None


def upgrade():
    """Create the change log; the counter it replaces goes."""
    op.create_table(
        "page_change",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("post_url", sa.String(length=300), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_page_change"),
    )
    op.create_index("ix_page_change_created", "page_change", ["created"])
    op.drop_table("site_revision")


def downgrade():
    """Bring the counter back; the log goes."""
    table = op.create_table(
        "site_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_site_revision"),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])
    op.drop_index("ix_page_change_created", table_name="page_change")
    op.drop_table("page_change")
