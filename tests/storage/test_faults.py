"""Storage faults under SQLite: a read-only database and a full disk give a clear error,
lose nothing acknowledged, and leave a log that verifies."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.errors import StorageError
from sovet.ledger.verify import verify_log
from sovet.storage import Database, open_database


def founded(path: Path) -> Database:
    db = open_database(f"sqlite:///{path}")
    actions.found_federation(db, name="Faults", constitution=DEFAULT_CONSTITUTION)
    actions.register_member(db, actor="operator", name="Ana", member_id="m1")
    return db


def intact(path: Path, expected_size: int) -> None:
    with open_database(f"sqlite:///{path}") as db:
        assert db.size() == expected_size
        report = verify_log(list(db.raw_entries()), db.heads(), db.public_key())
        assert report.size == expected_size
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_read_only_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    founded(path).close()
    readonly = open_database(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert readonly.state.members["m1"].name == "Ana"  # reading still works
    with pytest.raises(StorageError, match="could not be written: attempt to write a readonly"):
        actions.register_member(readonly, actor="operator", name="Ben", member_id="m2")
    assert "m2" not in readonly.state.members
    readonly.close()
    intact(path, 2)


def test_full_disk_gives_a_clear_error_and_keeps_what_was_stored(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    db = founded(path)
    with db.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    db.close()
    # the same file, on a "disk" that has room for only a few more pages
    full = open_database(f"sqlite:///{path}")

    @sa.event.listens_for(full.engine, "connect")
    def _small_disk(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {int(pages or 0) + 4}")  # type: ignore[attr-defined]

    full.engine.dispose()
    rows = [(f"x{i}", f"Member {i} " + "x" * 200, []) for i in range(2000)]
    with pytest.raises(StorageError, match="database or disk is full"):
        actions.register_members(full, actor="operator", rows=rows)
    assert "x0" not in full.state.members and "m1" in full.state.members
    full.close()
    intact(path, 2)  # the failed batch left nothing behind, the rest verifies
