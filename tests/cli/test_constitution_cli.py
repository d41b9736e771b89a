"""``sovet constitution check`` and ``show``: exit codes, located problems, JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sovet.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "constitutions"
SAMPLE = ROOT / "docs" / "sample-constitution.toml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    code = info.value.code
    assert isinstance(code, int)
    return code, out, err


def test_check_valid_sample(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "constitution", "check", str(SAMPLE))
    assert code == 0, err
    assert out == f"{SAMPLE}: valid (Sample federation of councils, version 1)\n"


def test_check_reports_every_problem_with_file_line_and_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace('quorum = "1/5"', "quorum = 0").replace(
        "voting_days = 14", "voting_dayz = 14"
    )
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    quorum_line = lines.index("quorum = 0") + 1
    voting_line = lines.index("voting_dayz = 14") + 1
    recall_line = lines.index("[recall]") + 1
    code, out, err = run(capsys, "constitution", "check", str(path))
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"{path}:{quorum_line}: kinds.unit.quorum: must be more than 0 and at most 1, got 0",
        f"{path}:{recall_line}: recall: missing required key 'voting_days'",
        f'{path}:{voting_line}: recall.voting_dayz: unknown key (did you mean "voting_days"?)',
        f"error: {path}: not valid (3 problems)",
    ]
    assert "Traceback" not in err


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("invalid-*.toml")))
def test_check_invalid_fixtures_exit_2(capsys: pytest.CaptureFixture[str], name: str) -> None:
    path = FIXTURES / name
    code, out, err = run(capsys, "constitution", "check", str(path))
    assert (code, out) == (2, "")
    *problems, last = err.splitlines()
    assert last.startswith(f"error: {path}: not valid (")
    assert problems and all(line.startswith(f"{path}:") for line in problems)


def test_syntax_error_names_line_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[federation]\nname = "x"\nversion = \n', encoding="utf-8")
    code, _, err = run(capsys, "constitution", "check", str(path))
    assert code == 2
    assert err.splitlines()[0] == f"{path}:3:11: Invalid value"


def test_not_utf8_is_a_located_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[federation]\nname = "Sov\xe9t"\n')
    code, _, err = run(capsys, "constitution", "check", str(path))
    assert code == 2
    assert err.splitlines()[0].startswith(f"{path}:2: not UTF-8 text")
    assert "Traceback" not in err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "constitution", "check", str(tmp_path / "nope.toml"))
    assert code == 2
    assert "does not exist" in err


def test_show_json_gives_merged_rules_with_fractions_as_strings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "constitution", "show", str(SAMPLE), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["name"] == "Sample federation of councils"
    assert data["defaults"]["quorum"] == "1/2"
    assert data["kinds"]["unit"]["quorum"] == "1/5"
    assert data["kinds"]["council"]["members_per_delegate"] == 1000
    assert data["kinds"]["congress"]["max_seats"] == 600
    assert data["kinds"]["congress"]["members_per_delegate"] == 1000
    assert data["bodies"]["federation-congress"]["quorum"] == "2/3"
    assert data["bodies"]["federation-congress"]["election_method"] == "meek-stv"
    assert data["bodies"]["federation-congress"]["kind"] == "congress"
    assert data["recall"]["on_breach"] == "open-petition"
    assert data["amendment"] == {
        "majority": "2/3",
        "ratification": {"units": "2/3", "members": "1/2", "period_days": 90},
    }
    assert data["reserved_matters"] == [
        "constitution",
        "federation.dissolve",
        "plan",
        "war-and-peace",
    ]
    assert len(data["digest"]) == 64


def test_show_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "constitution", "show", str(FIXTURES / "valid-minimal.toml"))
    assert code == 0
    assert out.startswith("Minimal federation, version 1\nsha256 ")
    assert "  quorum                1/1\n" in out
    assert "reserved matters:\n  (none)\n" in out
    assert "land:\n  norm  per_eater\n  cut   blocks\n" in out  # no [land] table: defaults


def test_show_invalid_exits_2_with_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "invalid-structure.toml"
    code, out, err = run(capsys, "constitution", "show", str(path), "--json")
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: {path}:1: federation: missing required table")
    assert err.count(f"{path}:") == 14  # one per problem in the file


def test_real_subprocess_exit_code() -> None:
    bad = FIXTURES / "invalid-values.toml"
    result = subprocess.run(
        [sys.executable, "-m", "sovet", "constitution", "check", str(bad)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{bad}:13: defaults.quorum: must be more than 0" in result.stderr


def test_diff_lists_changes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    new = tmp_path / "v2.toml"
    new.write_text(
        text.replace("version = 1", "version = 2").replace(
            'petition_threshold = "1/5"', 'petition_threshold = "25%"'
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "constitution", "diff", str(SAMPLE), str(new))
    assert code == 0
    assert out.splitlines() == [
        "federation.version: 1 -> 2",
        "recall.petition_threshold: 1/5 -> 1/4",
    ]
    code, out, _ = run(capsys, "constitution", "diff", str(SAMPLE), str(new), "--json")
    assert json.loads(out) == [
        "federation.version: 1 -> 2",
        "recall.petition_threshold: 1/5 -> 1/4",
    ]
    code, out, _ = run(capsys, "constitution", "diff", str(SAMPLE), str(SAMPLE))
    assert out == "no changes to the rules\n"


def test_diff_of_an_invalid_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    bad = FIXTURES / "invalid-layout.toml"
    code, out, err = run(capsys, "constitution", "diff", str(SAMPLE), str(bad))
    assert (code, out) == (2, "")
    assert f"{bad}:6: federation.motto: unknown key" in err


def test_a_byte_order_mark_is_accepted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes())
    code, out, _ = run(capsys, "constitution", "check", str(path))
    assert code == 0
    assert out.endswith("valid (Sample federation of councils, version 1)\n")
