"""``sovet land divide``, ``show`` and ``list`` as a user runs them: CSV files in, the
division published in the log, CSV errors as FILE:LINE: FIELD (exit 2), nothing stored
on any error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovet import actions
from sovet.cli import main
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.federation import KINDS
from sovet.storage import open_database

from ..conftest import elect_convenor
from ..elections import open_vote, run_election

OP = "operator"
# Illustrative fields and households (not historical figures).
PARCELS = "parcel,area,quality\nnorth,12,1\nriver,6,3/2\nhill,10.5,2/3\n"
HOUSEHOLDS = "household,eaters,workers\nIvanovs,6,2\nPetrovs,4,3\nSidorovs,2,1\n"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture
def village(tmp_path: Path) -> str:
    """A village (convenor c1, member c2) and a soviet above it (convenor s1)."""
    url = f"sqlite:///{tmp_path / 'v.db'}"
    db = open_database(url)
    actions.found_federation(db, name="F", constitution=DEFAULT_CONSTITUTION)
    actions.register_members(
        db, actor=OP, rows=[("c1", "C1", []), ("c2", "C2", []), ("s1", "S1", [])]
    )
    actions.found_unit(
        db, actor="c1", unit_id="v", name="Village", kind="village", founders=["c1", "c2"]
    )
    elect_convenor(db, "v", "c1")
    actions.found_unit(db, actor="s1", unit_id="w", name="Works", kind="workplace")
    elect_convenor(db, "w", "s1")
    actions.found_council(
        db,
        actor="s1",
        council_id="soviet",
        name="Soviet",
        level="territorial",
        constituents=["w", "v"],
    )
    actions.join_council(db, actor="c1", council="soviet", constituent="v")
    # s1 sits in the soviet for the works, and its delegates elect s1 the soviet's convenor
    e = open_vote(db, "w", "soviet", ["s1"], convenor="s1", purpose="delegation")
    run_election(db, e, {"s1": ["s1"]}, closer="s1")
    elect_convenor(db, "soviet", "s1")
    db.close()
    return url


def files(tmp_path: Path, parcels: str = PARCELS, households: str = HOUSEHOLDS) -> list[str]:
    p, h = tmp_path / "parcels.csv", tmp_path / "households.csv"
    p.write_text(parcels, encoding="utf-8")
    h.write_text(households, encoding="utf-8")
    return ["--parcels", str(p), "--households", str(h)]


def size(url: str) -> int:
    db = open_database(url)
    try:
        return db.size()
    finally:
        db.close()


def test_divide_publishes_and_show_recomputes(
    village: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = size(village)
    args = ["land", "divide", "--db", village, "--actor", "c1", "--unit", "v", "--id", "l1"]
    code, out, err = run([*args, *files(tmp_path), "--title", "Spring fields", "--json"], capsys)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert size(village) == before + 1
    assert (data["norm"], data["cut"], data["envy"], data["proportionality"]) == (
        "per_eater",
        "blocks",
        "0",
        "1",
    )
    # 28 effective units of land for 12 eaters: 7/3 a head
    assert [(h["name"], h["received"], h["per_head"]) for h in data["households"]] == [
        ("Ivanovs", "14", "7/3"),
        ("Petrovs", "28/3", "7/3"),
        ("Sidorovs", "14/3", "7/3"),
    ]
    assert data["recompute"] == {"matches": True, "differences": []}
    code, out, _ = run(["land", "show", "--db", village, "l1"], capsys)
    assert code == 0
    assert "Spring fields" in out and "Ivanovs" in out and "the same shares" in out
    code, out, _ = run(["land", "list", "--db", village, "--json"], capsys)
    assert [r["id"] for r in json.loads(out)] == ["l1"]


def test_csv_errors_name_file_line_and_field_and_store_nothing(
    village: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = size(village)
    parcels = 'parcel,area,quality\nnorth,12,1\n\nriver,"12,5",1\nhill,10\n'
    households = "Ivanovs,6,2\nPetrovs,four,3\nSidorovs,2\n"
    base = ["land", "divide", "--db", village, "--actor", "c1", "--unit", "v"]
    code, _, err = run([*base, *files(tmp_path, parcels=parcels)], capsys)
    assert code == 2
    assert f"{tmp_path / 'parcels.csv'}:4: area: '12,5' is not a number" in err
    assert "Traceback" not in err
    code, _, err = run([*base, *files(tmp_path, households=households)], capsys)
    assert code == 2
    lines = err.splitlines()
    assert f"{tmp_path / 'households.csv'}:2: eaters: 'four' is not a whole number" in lines[0]
    assert lines[1] == (
        f"{tmp_path / 'households.csv'}:3: expected household,eaters,workers, got 2 fields"
    )
    assert size(village) == before


def test_only_the_units_convenor_may_divide(
    village: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = size(village)
    for actor, message in (
        ("c2", "only a convenor of Village may do this"),
        ("s1", "acts for a higher council; only Village's own convenors"),
    ):
        args = ["land", "divide", "--db", village, "--actor", actor, "--unit", "v"]
        code, _, err = run([*args, *files(tmp_path)], capsys)
        assert code == 3 and message in err
    args = ["land", "divide", "--db", village, "--actor", "s1", "--unit", "soviet"]
    code, _, err = run([*args, *files(tmp_path)], capsys)
    assert code == 3 and "Soviet is a council" in err
    assert size(village) == before
    code, _, err = run(["land", "show", "--db", village, "nothing"], capsys)
    assert code == 2 and "no land division 'nothing'" in err


def test_the_demo_divides_land_and_housing_and_rebuilds_identically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for scenario, division, cut in (
        ("petrograd-1917", "land-ligovo-1917", "blocks"),
        ("coop-federation", "housing-elm-street-2026", "whole"),
    ):
        url = f"sqlite:///{tmp_path / scenario}.db"
        assert run(["demo", "--scenario", scenario, "--db", url], capsys)[0] == 0
        code, out, _ = run(["land", "show", "--db", url, division, "--json"], capsys)
        data = json.loads(out)
        assert code == 0 and data["cut"] == cut and data["recompute"]["matches"]
        copy = f"sqlite:///{tmp_path / scenario}-copy.db"
        assert run(["rebuild", "--db", url, "--into", copy], capsys)[0] == 0
        source, target = open_database(url), open_database(copy)
        assert "land" in KINDS and source.projection_rows("land")
        assert source.projection_rows("land") == target.projection_rows("land")
        source.close()
        target.close()
