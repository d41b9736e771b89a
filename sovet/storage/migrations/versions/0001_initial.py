"""The initial schema: ledger, heads, instance, ballot box, projection tables.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

KINDS = (
    "members",
    "units",
    "councils",
    "factions",
    "elections",
    "mandates",
    "motions",
    "petitions",
    "ratifications",
    "sessions",
    "instructions",
    "seats",
    "federation",
)


def upgrade() -> None:
    op.create_table(
        "ledger",
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "ledger_heads",
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
        sa.Column("timestamp", sa.String(32), nullable=False),
        sa.Column("signature", sa.LargeBinary(64), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
    )
    op.create_table(
        "instance",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "ballot_box",
        sa.Column("receipt", sa.String(64), primary_key=True),
        sa.Column("election", sa.String(200), nullable=False),
        sa.Column("ranking", sa.Text, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_ballot_box_election", "ballot_box", ["election"])
    for kind in KINDS:
        op.create_table(
            f"p_{kind}",
            sa.Column("id", sa.String(200), primary_key=True),
            sa.Column("data", sa.Text, nullable=False),
        )


def downgrade() -> None:
    for kind in KINDS:
        op.drop_table(f"p_{kind}")
    op.drop_index("ix_ballot_box_election", "ballot_box")
    for table in ("ballot_box", "instance", "ledger_heads", "ledger"):
        op.drop_table(table)
