"""`sovet ledger export / verify / prove` against a federation's database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sovet import actions
from sovet.cli import main
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.ledger.events import decode_entry
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
        actions.register_member(db, actor="operator", name="Founder", member_id="f0")
        actions.found_unit(db, actor="f0", unit_id="u", name="U", kind="coop")
        actions.register_members(
            db, actor="operator", rows=[(f"m{i}", f"M{i}", ["u"]) for i in range(12)]
        )
    return url


def test_export_then_verify_the_file_and_the_database(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ledger.jsonl"
    code, text, _ = run(["ledger", "export", str(out), "--db", url], capsys)
    # founding, founder, unit, the import, 12 × (registered + joined)
    assert code == 0 and "28 entries" in text
    assert (tmp_path / "ledger.heads.jsonl").is_file()
    with open_database(url) as db:
        key = (db.public_key() or b"").hex()
        head = db.latest_head()
    assert head is not None
    code, text, _ = run(["ledger", "verify", str(out), "--key", key, "--json"], capsys)
    assert code == 0 and json.loads(text)["root"] == head.root.hex()
    assert json.loads(text)["signatures_checked"]
    # the key stored in the same database vouches for nothing: said loudly, exit 5
    code, text, err = run(["ledger", "verify", "--db", url, "--json"], capsys)
    report = json.loads(text)
    assert code == 5 and report["size"] == 28 and report["vouched"] is False
    assert "WARNING" in err and "NOT for who signed" in err and report["warning"]
    code, text, err = run(["ledger", "verify", "--db", url, "--key", key, "--json"], capsys)
    assert code == 0 and json.loads(text)["vouched"] is True and "WARNING" not in err


def test_verify_db_names_a_changed_entry(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        # entry 6 registers m1 (0 founding, 1 founder, 2 unit, 3 the import, 4-5 m0)
        raw = conn.execute("SELECT raw FROM ledger WHERE idx = 6").fetchone()[0]
        assert b'"M1"' in raw
        conn.execute("UPDATE ledger SET raw = ? WHERE idx = 6", (raw.replace(b'"M1"', b'"M7"'),))
    code, _, err = run(["ledger", "verify", "--db", url], capsys)
    assert code == 1 and "entry 6" in err and "Traceback" not in err


def test_prove_from_the_database(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, text, _ = run(["ledger", "prove", "7", "--db", url, "--json"], capsys)
    proof = json.loads(text)
    assert code == 0 and proof["index"] == 7 and proof["size"] == 28 and proof["proof"]
    code, _, err = run(["ledger", "prove", "99", "--db", url], capsys)
    assert code == 2 and "INDEX must be between 0 and 27" in err


def _rewritten_copy(url: str, into: str, at: int) -> None:
    """History rewritten from entry ``at`` on, re-chained and re-signed with a new key
    stored in the new database: what whoever holds the server could do."""
    with open_database(url) as db:
        entries = [decode_entry(raw) for raw in db.raw_entries()]
    with open_database(into) as forged:
        forged.initialise(signing_key=b"\x07" * 32)
        with forged.writing(many=True) as w:
            for entry in entries:
                data = dict(entry.data)
                if entry.index == at:
                    data["name"] = "Sock Puppet"
                w.append(entry.type, entry.actor, data, at=entry.at)


def test_verify_db_without_a_pinned_key_vouches_for_nothing(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rewritten, re-chained, re-signed history "verified ok" with the key beside it."""
    forged = f"sqlite:///{tmp_path / 'forged.db'}"
    _rewritten_copy(url, forged, at=20)
    with open_database(url) as db:
        key = (db.public_key() or b"").hex()
    pin = tmp_path / "federation.key"
    # a member pins the federation's key on first sight ...
    code, text, err = run(["ledger", "verify", "--db", url, "--pin-file", str(pin)], capsys)
    assert code == 0 and "pinned on first sight" in text and pin.read_text().strip() == key
    # ... and the rewritten history is then refused, as with the key given
    code, _, err = run(["ledger", "verify", "--db", forged, "--pin-file", str(pin)], capsys)
    assert code == 1 and "not the key pinned" in err
    code, _, err = run(["ledger", "verify", "--db", forged, "--key", key], capsys)
    assert code == 1 and "signed by another key" in err
    # without a key from elsewhere the intact-looking forgery is not "ok": exit 5, loudly
    code, text, err = run(["ledger", "verify", "--db", forged, "--json"], capsys)
    assert code == 5 and json.loads(text)["vouched"] is False
    assert "vouches only for the log's internal consistency" in err


def test_a_mirror_pins_the_key_on_first_sight(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = f"sqlite:///{tmp_path / 'forged.db'}"
    _rewritten_copy(url, forged, at=20)
    source, mirror = tmp_path / "ledger.jsonl", tmp_path / "mirror"
    assert run(["ledger", "export", str(source), "--db", url], capsys)[0] == 0
    assert run(["ledger", "mirror", str(source), "--into", str(mirror)], capsys)[0] == 0
    with open_database(url) as db:
        assert (mirror / "key").read_text().strip() == (db.public_key() or b"").hex()
    assert run(["ledger", "export", str(source), "--db", forged], capsys)[0] == 0
    code, _, err = run(["ledger", "mirror", str(source), "--into", str(mirror)], capsys)
    assert code == 1 and "refusing to mirror" in err
