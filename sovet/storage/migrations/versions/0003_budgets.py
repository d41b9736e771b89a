"""Projection tables for participatory budgets, turnout (one row per voter and vote),
production and needs declarations, and adopted plans.

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
    for name in ("p_budgets", "p_turnout", "p_declarations", "p_plans"):
        op.create_table(
            name,
            sa.Column("id", sa.String(400), primary_key=True),
            sa.Column("data", sa.Text, nullable=False),
        )


def downgrade() -> None:
    for name in ("p_plans", "p_declarations", "p_turnout", "p_budgets"):
        op.drop_table(name)
