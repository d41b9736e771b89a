"""Server-side sign-in sessions, the sign-in throttle, suspended accounts, the notice of
a password reset, and the projection of the public account events and bulk imports.

* ``login_sessions``: one row per signed-in session (the SHA-256 of the random id the
  cookie carries); signing out, a new password or a suspension deletes the rows, so a
  captured cookie stops working at once.
* ``login_throttle``: failed sign-ins per (name, client), per name and per client, with
  the moment the next try is allowed; one row, updated in the same write-locked
  transaction as the check, so parallel tries cannot overtake the limit.
* ``accounts.disabled`` (suspended by the operator) and ``accounts.notice`` (a reset of
  the password by someone else, shown at the next sign-in until acknowledged).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column(
            "account", sa.String(64), sa.ForeignKey("accounts.id"), nullable=False, index=True
        ),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_at", sa.String(32), nullable=False),
        sa.Column("next_at", sa.String(32), nullable=False),
    )
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("notice", sa.Text, nullable=True))
    for kind in ("accounts", "imports"):
        op.create_table(
            f"p_{kind}",
            sa.Column("id", sa.String(200), primary_key=True),
            sa.Column("data", sa.Text, nullable=False),
        )


def downgrade() -> None:
    for kind in ("accounts", "imports"):
        op.drop_table(f"p_{kind}")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("notice")
        batch.drop_column("disabled")
    op.drop_table("login_throttle")
    op.drop_table("login_sessions")
