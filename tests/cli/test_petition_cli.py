"""``sovet petition`` as a user runs it: open, sign, list, lapse; refusals exit non-zero
and store nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovet import actions
from sovet.cli import main
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.storage import open_database

OP = "operator"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture
def works(tmp_path: Path) -> str:
    """A works of twelve members (a tenth of them: two signatures) and a village."""
    url = f"sqlite:///{tmp_path / 'w.db'}"
    db = open_database(url)
    actions.found_federation(db, name="F", constitution=DEFAULT_CONSTITUTION)
    actions.found_unit(db, actor=OP, unit_id="w", name="Works", kind="workplace")
    actions.found_unit(db, actor=OP, unit_id="v", name="Village", kind="village")
    rows = [(f"m{i}", f"M{i}", ["w"]) for i in range(12)] + [("c1", "C1", ["v"])]
    actions.register_members(db, actor=OP, rows=rows)
    db.close()
    return url


def test_members_petition_their_works_from_the_command_line(
    works: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        ["petition", "open", "--db", works, "--actor", "m0", "--body", "w", "--kind", "motion",
         "--title", "Eight hours", "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0
    opened = json.loads(out)
    assert (opened["signatures"], opened["needed"], opened["status"]) == (1, 2, "open")
    code, out, err = run(["petition", "sign", "--db", works, "--actor", "c1", opened["id"]], capsys)
    assert code != 0 and "Works's own members" in err
    code, out, _ = run(
        ["petition", "sign", "--db", works, "--actor", "m1", opened["id"], "--json"], capsys
    )
    signed = json.loads(out)
    assert code == 0 and signed["status"] == "met" and signed["outcome"] == f"{opened['id']}:motion"
    code, out, _ = run(["petition", "list", "--db", works, "--body", "w"], capsys)
    assert code == 0 and opened["id"] in out and "2/2" in out
    db = open_database(works)
    assert db.state.motions[signed["outcome"]].title == "Eight hours"


def test_a_petition_lapses_by_the_command(works: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(["petition", "open", "--db", works, "--actor", "m0", "--body", "w", "--kind", "session"],
        capsys)  # fmt: skip
    code, out, _ = run(["petition", "lapse", "--db", works, "--at", "2099-01-01T00:00:00Z"], capsys)
    assert code == 0 and out.startswith("1 petition")
