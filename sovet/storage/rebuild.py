"""Rebuild the projection from the log: the database is a projection of the log."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from sovet.errors import InputError
from sovet.federation import KINDS
from sovet.storage import schema
from sovet.storage.database import Database, open_database, write_projection

__all__ = ["copy_log", "rebuild_projection"]


def rebuild_projection(db: Database, *, progress: Callable[[int], None] | None = None) -> int:
    """Replay the whole log and rewrite every projection table; returns the log size."""
    db.forget()
    state = db.state  # replays the log from the first entry
    touched = {(kind, record_id) for kind in KINDS for record_id in _ids(state, kind)}
    with db.engine.connect() as conn:
        conn = conn.execution_options(sovet_write=True)
        with conn.begin():
            for table in schema.PROJECTION.values():
                conn.execute(sa.delete(table))
            write_projection(conn, state, touched)
    if progress is not None:
        progress(state.size)
    return state.size


def _ids(state: object, kind: str) -> list[str]:
    if kind == "federation":
        return ["constitution"]
    return list(getattr(state, kind))


def copy_log(source: Database, target_url: str) -> Database:
    """Copy the log, its heads, the instance keys and the sealed box into an empty
    database at ``target_url`` and rebuild its projection there."""
    target = open_database(target_url)
    if target.size() != 0:
        raise InputError(f"{target_url} is not empty; rebuild into a new database")
    with source.engine.connect() as src, target.engine.connect() as dst:
        dst = dst.execution_options(sovet_write=True)
        with dst.begin():
            for table in (schema.instance, schema.ledger, schema.heads, schema.ballot_box):
                rows = [dict(r._mapping) for r in src.execute(sa.select(table))]
                for start in range(0, len(rows), 5000):
                    dst.execute(sa.insert(table), rows[start : start + 5000])
    rebuild_projection(target)
    return target
