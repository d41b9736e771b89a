"""`sovet close-due`: every vote past its deadline closed once, as the actor "deadline"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovet import actions
from sovet.cli import main
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.ledger.events import decode_entry
from sovet.storage import open_database

from ..conftest import elect_convenor


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A unit of three whose assembly votes on a motion from 1 February; one has voted."""
    url = f"sqlite:///{tmp_path / 'f.db'}"
    with open_database(url) as db:
        actions.found_federation(db, name="F", constitution=DEFAULT_CONSTITUTION)
        actions.register_members(
            db, actor="operator", rows=[(f"m{i}", f"M{i}", []) for i in range(3)]
        )
        actions.found_unit(
            db, actor="m0", unit_id="u", name="U", kind="coop", founders=["m0", "m1", "m2"]
        )
        elect_convenor(db, "u", "m0")
        m = actions.propose_motion(
            db, actor="m1", body="u", title="Bread", text="", motion_id="bread"
        )
        actions.open_voting(db, actor="m0", motion=m.id, at="2026-02-01T00:00:00Z")
        actions.vote(db, actor="m1", motion=m.id, choice="yes", at="2026-02-01T01:00:00Z")
    return url


def test_close_due_closes_only_what_is_past_its_deadline(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["close-due", "--db", url, "--at", "2026-02-07T23:00:00Z", "--json"], capsys)
    assert code == 0 and json.loads(out)["total"] == 0
    code, out, _ = run(["close-due", "--db", url, "--at", "2026-02-08T00:00:00+00:00"], capsys)
    assert code == 0 and "closed 1 vote(s)" in out and "1 motions" in out
    with open_database(url) as db:
        assert db.state.motions["bread"].status.value == "passed"  # 1 of 3: quorum 1/5
        last = decode_entry(list(db.raw_entries())[-1])
    assert (last.type, last.actor, last.at) == ("motion.closed", "deadline", "2026-02-08T00:00:00Z")
    code, _, err = run(["close-due", "--db", url, "--at", "tomorrow"], capsys)
    assert code == 2 and "--at" in err
