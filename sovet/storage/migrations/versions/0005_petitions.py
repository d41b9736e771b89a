"""Projection tables for members' petitions to their own body and faction foundings.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for kind in ("demands", "foundings"):
        op.create_table(
            f"p_{kind}",
            sa.Column("id", sa.String(200), primary_key=True),
            sa.Column("data", sa.Text, nullable=False),
        )


def downgrade() -> None:
    op.drop_table("p_foundings")
    op.drop_table("p_demands")
