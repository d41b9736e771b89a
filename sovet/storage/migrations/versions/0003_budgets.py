"""Participatory budgets and turnout (one row per voter and vote): projection tables.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name in ("p_budgets", "p_turnout"):
        op.create_table(
            name,
            sa.Column("id", sa.String(400), primary_key=True),
            sa.Column("data", sa.Text, nullable=False),
        )


def downgrade() -> None:
    op.drop_table("p_turnout")
    op.drop_table("p_budgets")
