"""``sovet plan values|solve|demo``: stable JSON, tables, and located errors (exit 2)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sovet.cli import main

ROOT = Path(__file__).resolve().parents[2]

A = "product,grain,tools\ngrain,0.1,0.2\ntools,0.05,\n"
L = "product,labour\ngrain,1\ntools,2\n"
D = "product,demand\ngrain,10\n"
C = "product,capacity\ntools,0.5\n"


def _bea():  # type: ignore[no-untyped-def]
    path = ROOT / "tests" / "planning" / "bea.py"
    spec = importlib.util.spec_from_file_location("planning_bea_cli", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["planning_bea_cli"] = module
    spec.loader.exec_module(module)
    return module


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    code = info.value.code
    assert isinstance(code, int)
    return code, out, err


def solve_args(files: dict[str, str], *extra: str) -> tuple[str, ...]:
    """``plan solve`` on the four example files, then ``extra``."""
    paths = ("--coefficients", files["A"], "--labour", files["l"], "--demand", files["d"])
    return ("plan", "solve", *paths, "--capacity", files["c"], *extra)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    out = {}
    for name, text in (("A", A), ("l", L), ("d", D), ("c", C)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
        out[name] = str(tmp_path / f"{name}.csv")
    return out


def test_values_json(capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> None:
    code, out, err = run(
        capsys, "plan", "values", "--coefficients", files["A"], "--labour", files["l"], "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"values", "residual", "iterations"}
    ref = np.linalg.solve(np.eye(2) - np.array([[0.1, 0.2], [0.05, 0.0]]).T, [1.0, 2.0])
    assert data["values"] == {
        "grain": pytest.approx(ref[0], rel=1e-10),
        "tools": pytest.approx(ref[1], rel=1e-10),
    }
    assert list(data["values"]) == ["grain", "tools"]
    assert isinstance(data["iterations"], int) and data["residual"] < 1e-10


def test_values_table(capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> None:
    code, out, _ = run(
        capsys, "plan", "values", "--coefficients", files["A"], "--labour", files["l"]
    )
    assert code == 0
    assert "labour value" in out and "1.23596" in out and "residual" in out


def test_solve_without_capacity(capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> None:
    code, out, err = run(
        capsys,
        "plan",
        "solve",
        "--coefficients",
        files["A"],
        "--labour",
        files["l"],
        "--demand",
        files["d"],
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"status", "output", "labour", "unmet", "binding", "shadow_prices"}
    x = np.linalg.solve(np.eye(2) - np.array([[0.1, 0.2], [0.05, 0.0]]), [10.0, 0.0])
    assert data["status"] == "optimal"
    assert data["output"] == {"grain": pytest.approx(x[0]), "tools": pytest.approx(x[1])}
    assert data["labour"] == pytest.approx(x[0] + 2 * x[1])
    assert data["unmet"] == {} and data["binding"] == []


@pytest.mark.parametrize("method", ["simplex", "merit", "pdlp"])
def test_solve_infeasible_names_need_and_capacity(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], method: str
) -> None:
    code, out, err = run(capsys, *solve_args(files, "--method", method, "--json"))
    assert code == 0, err
    data = json.loads(out)
    assert data["status"] == "infeasible"
    assert data["binding"] == ["tools"]
    assert set(data["shadow_prices"]) == {"tools"}
    if method == "simplex":  # the need that cannot be met: 1.1 of the 10 grain
        assert data["unmet"] == {"grain": pytest.approx(1.1, rel=1e-6)}
        assert data["shadow_prices"]["tools"] > 0
    else:  # the capacity overrun that meeting every need would take
        assert data["unmet"] == {"tools": pytest.approx(0.5 / 0.89 - 0.5, rel=1e-6)}


def test_solve_rejects_a_negative_gap(
    capsys: pytest.CaptureFixture[str], files: dict[str, str]
) -> None:
    code, out, err = run(capsys, *solve_args(files, "--gap", "-0.1"))
    assert code == 2 and out == ""
    assert "--gap" in err and "-0.1" in err


def test_solve_table(capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> None:
    code, out, _ = run(
        capsys,
        "plan",
        "solve",
        "--coefficients",
        files["A"],
        "--labour",
        files["l"],
        "--demand",
        files["d"],
        "--capacity",
        files["c"],
    )
    assert code == 0
    assert "infeasible" in out and "(binds)" in out and "shadow price" in out


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "A",
            "product,grain,tools\ngrain,0.1,0.2\ntools,0.05,abc\n",
            r"A.csv:3: field 'tools': 'abc' is not a number",
        ),
        (
            "A",
            "product,grain,tools\ntools,0.1,0.2\ngrain,0.05,0\n",
            r"A.csv:2: field 'product': row 'tools'",
        ),
        ("A", "product,grain,tools\ngrain,0.1,0.2\n", r"A.csv:2: table is not square"),
        (
            "A",
            "product,grain,grain\ngrain,0.1,0.2\ngrain,0,0\n",
            r"A.csv:1: header: product 'grain' listed twice",
        ),
        (
            "A",
            "product,grain,tools\ngrain,0.1,-0.2\ntools,0,0\n",
            r"A.csv:2: field 'tools': '-0.2' is negative",
        ),
        ("l", "product,labour\ngrain,1\n", r"l.csv: field 'labour': no row for product 'tools'"),
        (
            "l",
            "product,labour\ngrain,1\nsalt,1\ntools,1\n",
            r"l.csv:3: field 'product': 'salt' is not a product",
        ),
        ("l", "product,hours\ngrain,1\n", r"l.csv:1: header must be 'product,labour'"),
        (
            "d",
            "product,demand\ngrain,10\ngrain,5\n",
            r"d.csv:3: field 'product': 'grain' already given on line 2",
        ),
        (
            "d",
            "product,demand\ngrain,nan\n",
            r"d.csv:2: field 'demand': 'nan' is not a finite number",
        ),
    ],
)
def test_validation_errors_name_file_line_field(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], name: str, text: str, message: str
) -> None:
    Path(files[name]).write_text(text, encoding="utf-8")
    code, out, err = run(
        capsys,
        "plan",
        "solve",
        "--coefficients",
        files["A"],
        "--labour",
        files["l"],
        "--demand",
        files["d"],
        "--json",
    )
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: ")
    import re

    assert re.search(message, err), err


def test_non_productive_economy(capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> None:
    Path(files["A"]).write_text(
        "product,grain,tools\ngrain,0.5,2\ntools,0.6,0.5\n", encoding="utf-8"
    )
    code, _, err = run(
        capsys, "plan", "values", "--coefficients", files["A"], "--labour", files["l"]
    )
    assert code == 2
    assert "not productive" in err and "spectral radius" in err


def test_bea_2021_through_the_command_line(
    capsys: pytest.CaptureFixture[str], shared_data: Path, tmp_path: Path
) -> None:
    bea_mod = _bea()
    bea = bea_mod.load(shared_data)
    paths = bea_mod.write_interchange(bea, tmp_path)
    code, out, err = run(
        capsys,
        "plan",
        "values",
        "--coefficients",
        str(paths["A"]),
        "--labour",
        str(paths["l"]),
        "--json",
    )
    assert code == 0, err
    values = json.loads(out)["values"]
    dense = np.linalg.solve(np.eye(71) - bea.a.T, bea.labour)
    got = np.array([values[n] for n in bea.names])
    assert np.max(np.abs(got - dense)) < 1e-9
    code, out, err = run(
        capsys,
        "plan",
        "solve",
        "--coefficients",
        str(paths["A"]),
        "--labour",
        str(paths["l"]),
        "--demand",
        str(paths["d"]),
        "--json",
    )
    assert code == 0, err
    plan = json.loads(out)
    x = np.linalg.solve(np.eye(71) - bea.a, bea.final_demand)
    got_x = np.array([plan["output"][n] for n in bea.names])
    assert np.max(np.abs(got_x - x)) < 1e-8 * x.max()
    assert plan["labour"] == pytest.approx(float(dense @ bea.final_demand), rel=1e-9)


def test_demo_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "demo", "petrograd", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["economy"] == "Petrograd 1917" and data["status"] == "optimal"
    assert data["participatory"]["converged"] is True
    assert any(t["workplace"] == "Putilov Works" for t in data["targets"])
    code, out, _ = run(capsys, "plan", "demo", "coop")
    assert code == 0
    assert "Sunwind Energy Co-op" in out and "converged" in out


def test_pdlp_json_is_clean_on_real_stdout(files: dict[str, str]) -> None:
    # HiGHS prints a banner from native code; it must not end up inside the JSON.
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sovet",
            "plan",
            "solve",
            "--coefficients",
            files["A"],
            "--labour",
            files["l"],
            "--demand",
            files["d"],
            "--capacity",
            files["c"],
            "--method",
            "pdlp",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "infeasible"
