"""The one schema, for SQLite and PostgreSQL (SQLAlchemy Core).

- ``ledger``: the transparency log, one canonical event per row; the truth.
- ``ledger_heads``: the signed tree heads, one per committed transaction.
- ``instance``: this installation's own settings and signing key.
- ``ballot_box``: sealed secret ballots of open votes, keyed by a random receipt and
  stored without any link to the voter (no rowid, no time): they enter the log, without
  names, only when the count is published.
- ``p_<kind>``: the projection of the log, one row per record as JSON; rebuilt from the
  log by ``sovet rebuild``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, LargeBinary, MetaData, String, Table, Text

from sovet.federation import KINDS

__all__ = ["PROJECTION", "ballot_box", "heads", "instance", "ledger", "metadata"]

metadata = MetaData()

ledger = Table(
    "ledger",
    metadata,
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    Column("type", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    Column("raw", LargeBinary, nullable=False),
)

heads = Table(
    "ledger_heads",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("timestamp", String(32), nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
    Column("key_id", String(64), nullable=False),
)

instance = Table(
    "instance",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

ballot_box = Table(
    "ballot_box",
    metadata,
    Column("receipt", String(64), primary_key=True),
    Column("election", String(200), nullable=False),
    Column("ranking", Text, nullable=False),
    Index("ix_ballot_box_election", "election"),
    sqlite_with_rowid=False,
)

PROJECTION: dict[str, Table] = {
    kind: Table(
        f"p_{kind}",
        metadata,
        Column("id", String(200), primary_key=True),
        Column("data", Text, nullable=False),
    )
    for kind in KINDS
}
