"""Carry a whole federation between databases (SQLite <-> PostgreSQL) through a file.

The file is JSON lines: a header, then one line per row of every table that is not
derived (the log, its heads, the instance key, the sealed ballot box and the accounts),
bytes as hex. The projection is not carried: importing replays the log, so the copy's
ledger has the same root and size, and its projection equals the original's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import sqlalchemy as sa

from sovet.errors import FileFormatError, InputError
from sovet.storage.database import Database, open_database
from sovet.storage.rebuild import rebuild_projection

__all__ = ["FORMAT", "export_federation", "import_federation"]

FORMAT = "sovet-export/1"
_SKIP = {"alembic_version", "login_sessions", "login_throttle"}  # live, not carried


def _tables(db: Database) -> list[sa.Table]:
    meta = sa.MetaData()
    meta.reflect(bind=db.engine)
    return [t for t in meta.sorted_tables if t.name not in _SKIP and not t.name.startswith("p_")]


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return {"hex": bytes(value).hex()}
    return value


def export_federation(
    db: Database, out: TextIO, *, progress: Callable[[int], None] | None = None
) -> int:
    """Write the federation to ``out``; returns the number of rows written."""
    head = db.latest_head()
    out.write(
        json.dumps({"format": FORMAT, "size": db.size(), "root": head.root.hex() if head else None})
        + "\n"
    )
    rows = 0
    with db.engine.connect() as conn:
        for table in _tables(db):
            order = list(table.primary_key.columns) or list(table.columns)
            # a server-side cursor on PostgreSQL: closed here even when writing fails
            # half-way (a full disk, a closed pipe), not left to the garbage collector
            with conn.execution_options(stream_results=True, yield_per=5000).execute(
                sa.select(table).order_by(*order)
            ) as result:
                for row in result:
                    record = {k: _plain(v) for k, v in row._mapping.items()}
                    line = json.dumps({"table": table.name, "row": record}, sort_keys=True)
                    out.write(line + "\n")
                    rows += 1
                    if progress is not None and rows % 10_000 == 0:
                        progress(rows)
    return rows


def _follow_sequences(conn: sa.Connection, tables: list[sa.Table]) -> None:
    """Move each PostgreSQL sequence past the ids just copied in with their rows (say, of
    login attempts), so that the next row the server adds gets a new id, not the first
    one again. SQLite needs nothing: its next id follows the largest one stored."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = conn.execute(
                sa.select(sa.func.pg_get_serial_sequence(table.name, column.name))
            ).scalar_one()
            if sequence is None:
                continue
            largest = conn.execute(sa.select(sa.func.max(column))).scalar_one()
            # is_called false: the next value is exactly this one
            conn.execute(sa.select(sa.func.setval(sequence, (largest or 0) + 1, False)))


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each line's JSON object; a line that is not one (or not UTF-8) is a FileFormatError."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                raise FileFormatError("not UTF-8 text", path=str(path), line=number) from None
            except json.JSONDecodeError as exc:
                raise FileFormatError(f"not JSON: {exc.msg}", path=str(path), line=number) from None
            if not isinstance(record, dict):
                raise FileFormatError(
                    f"expected a JSON object, not {type(record).__name__}",
                    path=str(path),
                    line=number,
                )
            yield number, record


def _row(record: dict[str, Any], path: Path, number: int) -> dict[str, Any]:
    """A row as stored: ``{"hex": ...}`` values back to bytes."""
    row = {}
    for key, value in record["row"].items():
        if isinstance(value, dict) and "hex" in value:
            try:
                value = bytes.fromhex(value["hex"])
            except (TypeError, ValueError):
                raise FileFormatError(
                    f"column {key!r}: not hexadecimal bytes", path=str(path), line=number
                ) from None
        row[key] = value
    return row


def import_federation(path: Path, url: str) -> Database:
    """Load an export into the empty database at ``url`` and replay its log."""
    target = open_database(url)
    try:
        return _load(path, target, url)
    except BaseException:
        target.close()
        raise


def _load(path: Path, target: Database, url: str) -> Database:
    if target.size() != 0:
        raise InputError(f"{url} already holds a federation; import into an empty database")
    tables = {t.name: t for t in _tables(target)}
    lines = _lines(path)
    try:
        _, header = next(lines)
    except StopIteration:
        raise FileFormatError("the file is empty", path=str(path)) from None
    if header.get("format") != FORMAT:
        raise FileFormatError(f"not a {FORMAT} file", path=str(path), line=1)
    batches: dict[str, list[dict[str, Any]]] = {}
    with target.engine.connect() as conn:
        conn = conn.execution_options(sovet_write=True)
        with conn.begin():
            for number, record in lines:
                name = record.get("table")
                if name not in tables or not isinstance(record.get("row"), dict):
                    raise FileFormatError(f"unknown table {name!r}", path=str(path), line=number)
                row = _row(record, path, number)
                batch = batches.setdefault(name, [])
                batch.append(row)
                if len(batch) >= 5000:
                    conn.execute(sa.insert(tables[name]), batch)
                    batch.clear()
            for name, batch in batches.items():
                if batch:
                    conn.execute(sa.insert(tables[name]), batch)
            _follow_sequences(conn, list(tables.values()))
    rebuild_projection(target)
    if target.size() != header.get("size"):
        raise FileFormatError(
            f"the file says {header.get('size')} entries but holds {target.size()}", path=str(path)
        )
    head = target.latest_head()
    if header.get("root") is not None and (head is None or head.root.hex() != header["root"]):
        raise FileFormatError(
            "the imported log's root differs from the exported one", path=str(path)
        )
    return target
