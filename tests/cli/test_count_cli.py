"""``sovet count``: the results sheet, --json, --html, and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sovet.cli import cli, main
from sovet.counting import METHODS

WARD = "aberdeen_2017_ward13"

SMALL = """\
4 2
5 1 2 0
4 2 0
3 3 1 0
2 4 3 0
0
"Ann"
"Bob"
"Cy"
"Dee"
"Small election"
"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the real entry point (``sovet.cli.main``) in process."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 1), out, err


def _ward(shared_data: Path) -> tuple[Path, dict[str, object]]:
    root = shared_data / "elections" / "scotland2017"
    official = json.loads((root / "official_results" / f"{WARD}.json").read_text())
    return root / "ballots" / f"{WARD}.blt", official


def test_json_gives_the_stable_keys_and_the_official_result(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, official = _ward(shared_data)
    code, out, err = run(["count", str(path), "--method", "scottish-stv", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert {"method", "seats", "elected", "excluded", "quota", "rounds"} <= set(data)
    assert data["method"] == "scottish-stv"
    assert data["seats"] == official["seats"]  # taken from the file
    assert data["elected"] == official["elected_in_order"]
    assert data["excluded"] == official["excluded_in_order"]
    assert data["quota"] == str(official["quota_official"])
    stages = official["stages"]
    assert isinstance(stages, list)
    assert len(data["rounds"]) == len(stages)
    assert data["rounds"][1]["tallies"]["Alex NICOLL (SNP)"] == "1020.31205"


def test_text_report_reads_like_a_results_sheet(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = _ward(shared_data)
    code, out, _ = run(["count", str(path), "-m", "scottish-stv"], capsys)
    assert code == 0
    assert "Quota: 1036" in out
    assert "Valid votes: 5176" in out
    assert "Non-transferab" in out
    assert "Stage 8" in out
    assert "+313.31205" in out and "1020.31205" in out
    assert "Elected: Stephen FLYNN (SNP), Philip SELLAR (Con)" in out
    assert "Excluded: Finlay CROSSAN (Ind)" in out


def test_html_page_is_standalone_with_a_chart(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = _ward(shared_data)
    page = tmp_path / "out.html"
    code, out, _ = run(["count", str(path), "-m", "scottish-stv", "--html", str(page)], capsys)
    assert code == 0 and "Wrote" in out
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>")
    assert text.count("<svg") == 1 and "quota 1036" in text
    assert "Kincorth/Nigg/Cove Ward" in text
    # no external assets: the only URL is the SVG namespace
    assert text.count("http") == 1 and "<script" not in text and "<link" not in text
    # one bar per candidate and stage
    assert text.count("<rect") >= 8 * 8


def test_every_registered_method_runs_through_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ballots = tmp_path / "small.blt"
    ballots.write_text(SMALL)
    for method in sorted(METHODS):
        code, out, err = run(
            ["count", str(ballots), "-m", method, "--seats", "1", "--json"], capsys
        )
        assert code == 0, (method, err)
        data = json.loads(out)
        assert data["method"] == method
        assert len(data["elected"]) == 1
        assert set(data["elected"]) <= {"Ann", "Bob", "Cy", "Dee"}


def test_file_errors_exit_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.blt"
    bad.write_text("2 1\n3 1 2\n0\nA\nB\n")
    code, out, err = run(["count", str(bad), "-m", "irv"], capsys)
    assert code == 2
    assert err.strip() == f"error: {bad}:2: a ballot must end with 0"
    assert "Traceback" not in err + out
    csv = tmp_path / "cvr.csv"
    csv.write_text("precinct,rank1,rank2,count\nP1,A,B,1\nP2,A,B\n")
    code, _, err = run(["count", str(csv), "-m", "irv"], capsys)
    assert code == 2 and f"{csv}:3: expected 4 fields" in err
    code, _, err = run(["count", str(tmp_path / "missing.blt"), "-m", "irv"], capsys)
    assert code == 2 and "does not exist" in err


def test_ties_without_a_seed_exit_2_and_a_seed_settles_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tied = tmp_path / "tied.blt"
    tied.write_text("3 1\n5 1 0\n3 2 0\n3 3 0\n0\nA\nB\nC\n")
    code, _, err = run(["count", str(tied), "-m", "irv"], capsys)
    assert code == 2 and "seed" in err and "Traceback" not in err
    code, out, _ = run(["count", str(tied), "-m", "irv", "--seed", "4", "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["seed"] == 4 and data["ties"][0]["how"] == "lot"


def test_method_options_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ballots = tmp_path / "small.blt"
    ballots.write_text(SMALL)
    code, _, err = run(["count", str(ballots), "-m", "scottish-stv", "--batch-elimination"], capsys)
    assert code == 2 and "--batch-elimination does not apply" in err
    code, _, err = run(["count", str(ballots), "-m", "no-such"], capsys)
    assert code == 2 and "no-such" in err


def test_click_runner_on_the_group(tmp_path: Path) -> None:
    ballots = tmp_path / "small.blt"
    ballots.write_text(SMALL)
    from sovet.cli import commands

    for command in commands.ALL:
        cli.add_command(command)
    result = CliRunner().invoke(cli, ["count", str(ballots), "-m", "scottish-stv", "--json"])
    assert result.exit_code == 0, result.output
    # 14 papers, quota 14 // 3 + 1 = 5: Ann has exactly 5 (no surplus); Dee (2) is
    # excluded and her papers lift Cy from 3 to 5.
    assert json.loads(result.output)["elected"] == ["Ann", "Cy"]
    help_text = CliRunner().invoke(cli, ["count", "--help"]).output
    assert "sovet count ward.blt --method scottish-stv" in help_text


def test_minneapolis_in_a_real_subprocess(shared_data: Path) -> None:
    path = shared_data / "elections" / "us_rcv" / "2017_minneapolis_mayor_ballots.csv.gz"
    argv = [
        sys.executable,
        "-m",
        "sovet",
        "count",
        str(path),
        "-m",
        "irv",
        "--json",
        "--batch-elimination",
        "--eliminate-first",
        "Undeclared Write-ins",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["elected"] == ["Jacob Frey"]
    assert len(data["rounds"]) == 6
    reference = json.loads(
        (path.parent / "2017_minneapolis_mayor_reference_result.json").read_text()
    )
    final = {name: str(v) for name, v in reference["rounds"][-1]["tally"].items()}
    assert data["rounds"][-1]["tallies"] == final
