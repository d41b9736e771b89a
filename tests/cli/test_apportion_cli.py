"""``sovet apportion`` and ``sovet budget``: JSON, tables, and one-line errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovet.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the real entry point in process."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.fixture
def parties(tmp_path: Path) -> Path:
    path = tmp_path / "parties.csv"
    path.write_text("name,votes\nA,100000\nB,80000\nC,30000\nD,20000\n", encoding="utf-8")
    return path


def test_apportion_json(parties: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["apportion", str(parties), "--method", "dhondt", "--seats", "8", "--json"], capsys
    )
    assert code == 0
    data = json.loads(out)
    assert data["seats"] == {"A": 4, "B": 3, "C": 1, "D": 0}
    assert list(data["seats"]) == ["A", "B", "C", "D"]


def test_apportion_threshold_min_seats_and_table(
    parties: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        [
            "apportion",
            str(parties),
            "-m",
            "sainte-lague",
            "-n",
            "8",
            "--threshold",
            "10%",
            "--json",
        ],
        capsys,
    )
    assert code == 0
    assert json.loads(out)["seats"] == {"A": 4, "B": 3, "C": 1, "D": 0}
    assert json.loads(out)["excluded"] == ["D"]
    code, out, _ = run(
        ["apportion", str(parties), "-m", "hare", "-n", "8", "--min-seats", "1"], capsys
    )
    assert code == 0
    assert "seats" in out and "100,000" in out


def test_apportion_population_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "units.csv"
    path.write_text("name,population\nbig,1000\nsmall,10\n", encoding="utf-8")
    code, out, _ = run(
        ["apportion", str(path), "-m", "huntington-hill", "-n", "3", "--json"], capsys
    )
    assert code == 0
    assert json.loads(out)["seats"] == {"big": 2, "small": 1}


def test_apportion_tie_needs_a_seed(parties: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["apportion", str(parties), "-m", "modified-sainte-lague", "-n", "8", "--json"]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "A, D" in err and "seed" in err
    code, out, _ = run([*argv, "--seed", "4"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["seed"] == 4 and data["ties"][0]["among"] == ["A", "D"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("party,votes\nA,1\n", ":1: the header must be"),
        ("name,votes\nA,1\nB,x\n", ":3: votes of 'B' must be a whole number"),
        ("name,votes\nA,1\nA,2\n", ":3: 'A' appears twice"),
        ("name,votes\nA\n", ":2: expected a name and votes"),
    ],
)
def test_apportion_bad_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, problem: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(["apportion", str(path), "-m", "dhondt", "-n", "3"], capsys)
    assert code == 2
    assert out == ""
    assert f"{path}{problem}" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_budget_uses_the_files_rule(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_data / "pb" / "instances" / "Netherlands_Assen_2024.pb"
    official = json.loads(
        (shared_data / "pb" / "official_results" / "Netherlands_Assen_2024.json").read_text()
    )
    code, out, _ = run(["budget", str(path), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["rule"] == "equal-shares-add1"
    assert set(data["selected"]) == set(official["selected_project_ids"])
    assert data["cost"] == official["selected_total_cost"]
    code, out, _ = run(["budget", str(path), "--rule", "greedy", "--json"], capsys)
    assert json.loads(out)["rule"] == "greedy"
    assert set(json.loads(out)["selected"]) != set(official["selected_project_ids"])
    code, out, _ = run(["budget", str(path)], capsys)
    assert code == 0 and "equal-shares-add1" in out


def test_budget_tie_options(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_data / "pb" / "instances" / "Poland_Krakow_2022_Czyzyny.pb"
    code, _, err = run(["budget", str(path), "--json"], capsys)
    assert code == 2 and "projects 26, 24 tie" in err
    code, out, _ = run(["budget", str(path), "--tie-order", "file", "--json"], capsys)
    assert code == 0 and "26" in json.loads(out)["selected"]


def test_budget_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.pb"
    path.write_text(
        "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;5\nVOTES\nvoter_id;vote\n1;b\n",
        encoding="utf-8",
    )
    code, out, err = run(["budget", str(path), "--json"], capsys)
    assert code == 2 and out == ""
    assert f"{path}:9: voter '1' voted for unknown project 'b'" in err
    code, _, err = run(["budget", str(path), "--rule", "nonsense"], capsys)
    assert code == 2
