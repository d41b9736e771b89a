"""The federation commands as a user runs them: init, demo, status, members import, rebuild."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sovet.cli import main
from sovet.federation import State
from sovet.storage import open_database


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = f"sqlite:///{path}"
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--scenario", "petrograd-1917", "--db", url])
    assert exit_info.value.code == 0
    return url


def _members_govern(s: State) -> None:
    """What members do themselves in a demo, the operator never: each body's convenors
    were elected in its own counted office election; members stood unasked; a tenth of a
    unit's members convened its assembly by petition; factions have members."""
    for body in [*s.units, *s.councils]:
        elected = {
            m
            for e in s.elections.values()
            if e.purpose.value == "office" and e.target == body and e.status.value == "counted"
            for m in e.elected
        }
        assert s.convenors_of(body) and s.convenors_of(body) <= elected, body
    assert any(n.valid and not n.nominators for e in s.elections.values() for n in e.nominations)
    met = [d for d in s.demands.values() if d.status.value == "met"]
    assert met and all(d.outcome for d in met)
    assert any(s.sessions[d.outcome].convened_by == d.id for d in met if d.outcome in s.sessions)
    # members found the factions; others who lean to one join it afterwards
    founders = s.rules().factions.founders
    assert s.factions and all(
        sum(m.faction == f for m in s.members.values()) > founders for f in s.factions
    )


def test_demo_report_shows_every_concept(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["status", "--db", demo_db, "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    councils = {c["id"]: c for c in data["councils"]}
    assert set(councils) == {
        "vyborg-soviet",
        "peasant-soviet",
        "petrograd-soviet",
        "all-russian-congress",
    }
    soviet = councils["petrograd-soviet"]
    assert soviet["seats"] == sum(soviet["by_faction"].values()) == len(soviet["delegates"])
    assert soviet["seats"] >= 15
    assert data["open_elections"] and data["open_motions"] and data["recalls"]
    assert data["ratifications"]
    db = open_database(demo_db)
    s = db.state
    # members put themselves forward with a statement; one election still takes nominations
    assert data["nominations"] and data["nominations"][0]["candidates"]
    assert any(c.statement for e in s.elections.values() for c in e.candidates)
    assert any(n.accepted and n.nominators for e in s.elections.values() for n in e.nominations)
    assert any(m.status.value == "recalled" for m in s.mandates.values())
    assert any(r.status.value == "ratified" for r in s.ratifications.values())
    assert any(m.roll_call for m in s.motions.values())
    budget = next(iter(s.budgets.values()))
    assert budget.status.value == "counted" and 0 < budget.cost <= budget.total
    plan = next(m for m in s.motions.values() if m.payload.get("effect") == "adopt-plan")
    assert json.loads(plan.payload["plan"])["status"] == "optimal"
    assert plan.status.value == "ratifying"
    assert len([k for k in s.declarations if k.startswith("1917-Q4|")]) >= 9
    assert data["ledger"]["size"] == db.size()
    assert [(d["id"], d["unit"], d["norm"], d["envy"]) for d in data["land"]] == [
        ("land-ligovo-1917", "ligovo", "per_eater", "0")
    ]
    _members_govern(s)


def test_status_human_report(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["status", "--db", demo_db], capsys)
    assert code == 0
    for heading in (
        "Petrograd Soviet",
        "Open elections",
        "Recalls under way",
        "Ratifications pending",
        "Ledger head",
    ):
        assert heading in out


def test_coop_demo_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'coop.db'}"
    code, out, _ = run(["demo", "--scenario", "coop-federation", "--db", url], capsys)
    assert code == 0 and "Riverside City Assembly" in out
    s = open_database(url).state
    assert any(m.status.value == "recalled" for m in s.mandates.values())
    assert any(r.status.value == "ratified" for r in s.ratifications.values())
    _members_govern(s)
    code, _, err = run(["demo", "--scenario", "coop-federation", "--db", url], capsys)
    assert code == 2 and "already holds a federation" in err and "Traceback" not in err


def test_init_then_members_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    assert run(["init", "--db", url, "--name", "Tenants"], capsys)[0] == 0
    from sovet import actions

    db = open_database(url)
    actions.register_member(db, actor="operator", name="Founder", member_id="f1")
    actions.found_unit(db, actor="f1", unit_id="elm", name="Elm St", kind="neighbourhood")
    good = tmp_path / "members.csv"
    good.write_text("id,name,units\nm1,Ana,elm\nm2,Ben,\n", encoding="utf-8")
    code, out, _ = run(["members", "import", str(good), "--db", url], capsys)
    assert code == 0 and "Registered 2 members" in out
    db.forget()
    assert db.state.units["elm"].members == {"f1", "m1"}

    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,units\nm3,Cy,elm\nm1,Dup,elm\nm4,,nowhere\n", encoding="utf-8")
    size = db.size()
    code, _, err = run(["members", "import", str(bad), "--db", url], capsys)
    assert code == 2
    assert "bad.csv:3: id: 'm1' is already taken" in err
    assert "bad.csv:4: name: empty" in err and "bad.csv:4: units: no unit 'nowhere'" in err
    assert "Traceback" not in err
    assert db.size() == size  # nothing imported, not even the good line


def test_rebuild_into_an_empty_database_is_identical(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sovet.federation import KINDS

    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    code, _, _ = run(["rebuild", "--db", demo_db, "--into", copy], capsys)
    assert code == 0
    source, target = open_database(demo_db), open_database(copy)
    for kind in KINDS:
        assert source.projection_rows(kind) == target.projection_rows(kind), kind
    assert source.leaf_hashes() == target.leaf_hashes()
    assert source.projection_rows("mandates")  # not vacuously equal


def test_rebuild_in_place_restores_a_damaged_projection(
    tmp_path: Path, demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    import sqlalchemy as sa

    path = tmp_path / "damaged.db"
    shutil.copy(demo_db.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    db = open_database(url)
    before = db.projection_rows("motions")
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM p_motions"))
        conn.execute(sa.text("UPDATE p_members SET data = '{}'"))
    assert db.projection_rows("motions") == []
    assert run(["rebuild", "--db", url], capsys)[0] == 0
    assert db.projection_rows("motions") == before


def test_bad_input_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["members", "import", str(tmp_path / "nope.csv"), "--db", f"sqlite:///{tmp_path}/x.db"],
        capsys,
    )
    assert code == 2 and "nope.csv: no such file" in err
    code, _, err = run(["status", "--db", f"sqlite:///{tmp_path}/missing-dir/x.db"], capsys)
    assert code == 4 and "no directory" in err
    code, _, err = run(
        ["init", "--db", f"sqlite:///{tmp_path}/y.db", "--constitution", str(tmp_path / "c.toml")],
        capsys,
    )
    assert code == 2 and "c.toml" in err


def test_help_through_a_real_process() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sovet", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("init", "demo", "status", "members", "rebuild"):
        assert command in out


def test_export_to_postgres_and_back_keeps_the_ledger(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sovet.federation import KINDS

    from ..conftest import BACKENDS, fresh_database_url

    source = open_database(demo_db)
    head = source.latest_head()
    assert head is not None
    hops = [fresh_database_url(b, tmp_path / b) for b in BACKENDS if b != "sqlite"]
    hops.append(f"sqlite:///{tmp_path / 'back.db'}")
    current = demo_db
    for i, url in enumerate(hops):
        (tmp_path / "sqlite").mkdir(exist_ok=True)
        dump = tmp_path / f"export{i}.jsonl"
        assert run(["export", str(dump), "--db", current], capsys)[0] == 0
        code, out, _ = run(["import", str(dump), "--db", url], capsys)
        assert code == 0 and head.root.hex() in out
        current = url
    copy = open_database(current)
    request_close = [copy, source]
    copy_head = copy.latest_head()
    assert copy_head is not None
    assert (copy_head.size, copy_head.root) == (head.size, head.root)
    assert copy.leaf_hashes() == source.leaf_hashes()
    assert copy.public_key() == source.public_key()
    for kind in KINDS:
        assert copy.projection_rows(kind) == source.projection_rows(kind), kind
    # a second import into a non-empty database is refused, changing nothing
    code, _, err = run(["import", str(tmp_path / "export0.jsonl"), "--db", current], capsys)
    assert code == 2 and "already holds a federation" in err
    for db in request_close:
        db.close()


def test_import_rejects_a_damaged_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "sovet-export/1", "size": 1, "root": null}\n{oops\n')
    code, _, err = run(["import", str(bad), "--db", f"sqlite:///{tmp_path / 'x.db'}"], capsys)
    assert code == 2 and "bad.jsonl:2: not JSON" in err
