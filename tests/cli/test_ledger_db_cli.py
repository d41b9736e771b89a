"""`sovet ledger export / verify / prove` against a federation's database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sovet import actions
from sovet.cli import main
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.storage import open_database


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    with open_database(url) as db:
        actions.found_federation(db, name="F", constitution=DEFAULT_CONSTITUTION)
        actions.found_unit(db, actor="operator", unit_id="u", name="U", kind="coop")
        actions.register_members(
            db, actor="operator", rows=[(f"m{i}", f"M{i}", ["u"]) for i in range(12)]
        )
    return url


def test_export_then_verify_the_file_and_the_database(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ledger.jsonl"
    code, text, _ = run(["ledger", "export", str(out), "--db", url], capsys)
    assert code == 0 and "27 entries" in text  # founding, unit, import, 12 × (registered, joined)
    assert (tmp_path / "ledger.heads.jsonl").is_file()
    with open_database(url) as db:
        key = (db.public_key() or b"").hex()
        head = db.latest_head()
    assert head is not None
    code, text, _ = run(["ledger", "verify", str(out), "--key", key, "--json"], capsys)
    assert code == 0 and json.loads(text)["root"] == head.root.hex()
    assert json.loads(text)["signatures_checked"]
    code, text, _ = run(["ledger", "verify", "--db", url, "--json"], capsys)
    assert code == 0 and json.loads(text)["size"] == 27


def test_verify_db_names_a_changed_entry(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        raw = conn.execute("SELECT raw FROM ledger WHERE idx = 5").fetchone()[0]
        conn.execute("UPDATE ledger SET raw = ? WHERE idx = 5", (raw.replace(b'"M1"', b'"M7"'),))
    code, _, err = run(["ledger", "verify", "--db", url], capsys)
    assert code == 1 and "entry 5" in err and "Traceback" not in err


def test_prove_from_the_database(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, text, _ = run(["ledger", "prove", "7", "--db", url, "--json"], capsys)
    proof = json.loads(text)
    assert code == 0 and proof["index"] == 7 and proof["size"] == 27 and proof["proof"]
    code, _, err = run(["ledger", "prove", "99", "--db", url], capsys)
    assert code == 2 and "INDEX must be between 0 and 26" in err
