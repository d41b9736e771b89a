"""``sovet plan``: labour values and least-labour plans from input–output files.

The interchange files are described in docs/planning.md: ``A.csv`` (square
coefficient table), ``l.csv`` (``product,labour``), ``d.csv``
(``product,demand``) and ``c.csv`` (``product,capacity``).
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, cast

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from sovet.cli.common import echo_json
from sovet.errors import FileFormatError
from sovet.planning.demo import DEMOS
from sovet.planning.io import parse_coefficients, parse_vector
from sovet.planning.lp import GAP, LpMethod, capacity_plan
from sovet.planning.model import targets
from sovet.planning.participatory import participatory_plan
from sovet.planning.plan import least_labour_plan
from sovet.planning.technology import square
from sovet.planning.values import labour_values

__all__ = ["plan"]

FILE = click.Path(dir_okay=False, exists=True)


def _read(path: str) -> str:
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileFormatError(
            f"not UTF-8 text (byte {exc.start + 1})", path=path, line=line
        ) from None


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send anything a native solver prints (HiGHS's banner) to stderr, not into the JSON."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real stdout (embedded use): nothing to protect
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None).fflush(None)
        os.dup2(saved, 1)
        os.close(saved)


def _number(x: float) -> float | int:
    """A float for JSON: tiny noise cleaned, integers kept exact-looking."""
    if not math.isfinite(x):
        raise ValueError(x)
    r = round(x, 12)
    return 0.0 if r == 0 else r


def _console() -> Console:
    return Console(width=max(100, Console().width))


@click.group()
def plan() -> None:
    """Plan production: labour values and least-labour plans.

    Example:

        sovet plan values --coefficients A.csv --labour l.csv
    """


@plan.command()
@click.option("--coefficients", "a_path", type=FILE, required=True, help="A.csv: square table.")
@click.option("--labour", "l_path", type=FILE, required=True, help="l.csv: product,labour.")
@click.option(
    "--method", type=click.Choice(["bicgstab", "neumann"]), default="bicgstab", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def values(a_path: str, l_path: str, method: str, as_json: bool) -> None:
    """Labour value of every product: v = vA + l, solved by sparse iteration.

    Prints {"values": {product: number}, "residual": number, "iterations": int}
    with --json; the residual is max |v - vA - l|.

    Example:

        sovet plan values --coefficients A.csv --labour l.csv --json
    """
    products, a = parse_coefficients(_read(a_path), path=a_path)
    lab = parse_vector(_read(l_path), products, column="labour", path=l_path)
    sol = labour_values(a, lab, method="neumann" if method == "neumann" else "bicgstab")
    if as_json:
        echo_json(
            {
                "values": {
                    p: _number(v) for p, v in zip(products, sol.values.tolist(), strict=True)
                },
                "residual": float(sol.residual),
                "iterations": int(sol.iterations),
            }
        )
        return
    table = Table(title=f"Labour values ({len(products)} products)")
    table.add_column("product")
    table.add_column("direct labour", justify="right")
    table.add_column("labour value", justify="right")
    for p, direct, v in zip(products, lab.tolist(), sol.values.tolist(), strict=True):
        table.add_row(p, f"{direct:.6g}", f"{v:.6g}")
    console = _console()
    console.print(table)
    console.print(f"residual {sol.residual:.3g} after {sol.iterations} iterations ({method})")


@plan.command()
@click.option("--coefficients", "a_path", type=FILE, required=True, help="A.csv: square table.")
@click.option("--labour", "l_path", type=FILE, required=True, help="l.csv: product,labour.")
@click.option("--demand", "d_path", type=FILE, required=True, help="d.csv: product,demand.")
@click.option("--capacity", "c_path", type=FILE, help="c.csv: product,capacity (optional).")
@click.option(
    "--method",
    type=click.Choice(["auto", "simplex", "merit", "pdlp"]),
    default="auto",
    show_default=True,
    help="LP solver when capacities are given: auto = simplex up to 2,000 products, "
    "merit order beyond.",
)
@click.option(
    "--gap",
    type=click.FloatRange(min=0.0),
    default=GAP,
    show_default=True,
    help="Merit order: stop once the plan's labour is proved within this fraction of the "
    "least; PDLP continues if the rounds cannot get there.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def solve(
    a_path: str,
    l_path: str,
    d_path: str,
    c_path: str | None,
    method: str,
    gap: float,
    as_json: bool,
) -> None:
    """The plan that meets the demand with the least labour, within capacities.

    Without --capacity the gross outputs solve x = Ax + d (no LP). With it, an LP:
    when the demand cannot be met, says which needs fall short and by how much,
    which capacities bind and their shadow prices. With --json prints
    {"status", "output", "labour", "unmet", "binding", "shadow_prices"}.

    Example:

        sovet plan solve --coefficients A.csv --labour l.csv --demand d.csv --capacity c.csv
    """
    products, a = parse_coefficients(_read(a_path), path=a_path)
    lab = parse_vector(_read(l_path), products, column="labour", path=l_path)
    dem = parse_vector(_read(d_path), products, column="demand", path=d_path)
    cap = (
        None
        if c_path is None
        else parse_vector(_read(c_path), products, column="capacity", path=c_path)
    )
    tech = square(products, a, lab, cap)
    result: dict[str, Any]
    if cap is None or not bool(np.isfinite(cap).any()):
        free = least_labour_plan(tech, dem)
        result = {
            "status": "optimal",
            "output": free.output,
            "labour": free.labour,
            "unmet": {},
            "binding": [],
            "shadow_prices": {},
        }
        note = f"no capacity limits: x = Ax + d solved, residual {free.residual:.3g}"
    else:
        with _stdout_to_stderr():
            r = capacity_plan(tech, dem, method=cast(LpMethod, method), gap=gap)
        finite = np.isfinite(tech.capacity)
        result = {
            "status": r.status,
            "output": r.output,
            "labour": r.labour,
            "unmet": {p: u for p, u in zip(products, r.unmet.tolist(), strict=True) if u > 0},
            "binding": [p for p, b in zip(products, r.binding.tolist(), strict=True) if b],
            "shadow_prices": {
                p: s
                for p, s, f in zip(products, r.shadow_prices.tolist(), finite, strict=True)
                if f
            },
        }
        shown = "n/a" if math.isnan(r.gap) else f"{r.gap:.2g}"
        rounds = f"{r.rounds} rounds, " if r.rounds else ""
        note = (
            f"{r.method}: {rounds}{r.iterations} iterations, feasibility residual "
            f"{r.feasibility:.3g}, optimality gap {shown}"
        )
    if as_json:
        echo_json(
            {
                "status": result["status"],
                "output": {
                    p: _number(x) for p, x in zip(products, result["output"].tolist(), strict=True)
                },
                "labour": _number(result["labour"]),
                "unmet": {p: _number(u) for p, u in result["unmet"].items()},
                "binding": result["binding"],
                "shadow_prices": {p: _number(s) for p, s in result["shadow_prices"].items()},
            }
        )
        return
    table = Table(title=f"Plan: {result['status']}, total labour {result['labour']:.6g}")
    for col in ("product", "demand", "gross output", "capacity", "unmet", "shadow price"):
        table.add_column(col, justify="left" if col == "product" else "right")
    caps = tech.capacity.tolist()
    for i, p in enumerate(products):
        binding = " (binds)" if p in result["binding"] else ""
        table.add_row(
            p,
            f"{dem[i]:.6g}",
            f"{result['output'][i]:.6g}",
            "–" if math.isinf(caps[i]) else f"{caps[i]:.6g}{binding}",
            f"{result['unmet'].get(p, 0.0):.6g}",
            f"{result['shadow_prices'].get(p, 0.0):.6g}" if p in result["shadow_prices"] else "–",
        )
    console = _console()
    console.print(table)
    console.print(note)


@plan.command()
@click.argument("scenario", type=click.Choice(sorted(DEMOS)), default="petrograd")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def demo(scenario: str, as_json: bool) -> None:
    """Plan a demo economy: least-labour plan within capacities, and participatory rounds.

    Scenarios: petrograd (factories, mills and villages in 1917) and coop (a
    present-day co-op federation).

    Example:

        sovet plan demo petrograd
    """
    make, wants = DEMOS[scenario]
    economy = make()
    tech = economy.technology()
    need = economy.demand()
    base = least_labour_plan(tech, need)
    with _stdout_to_stderr():
        lp = capacity_plan(tech, need)
    rounds = participatory_plan(economy, wants())
    plan_targets = targets(economy, lp.activity)
    if as_json:
        echo_json(
            {
                "economy": economy.name,
                "status": lp.status,
                "labour": _number(lp.labour),
                "values": {
                    p: _number(v)
                    for p, v in zip(economy.products, base.values.tolist(), strict=True)
                },
                "targets": [
                    {
                        "workplace": t.workplace,
                        "technique": t.technique,
                        "product": t.product,
                        "quantity": _number(t.quantity),
                        "labour": _number(t.labour),
                    }
                    for t in plan_targets
                ],
                "participatory": {
                    "converged": rounds.converged,
                    "rounds": len(rounds.rounds),
                    "labour": _number(rounds.labour),
                },
            }
        )
        return
    console = _console()
    table = Table(title=f"{economy.name}: plan within capacities ({lp.status})")
    for col in ("workplace", "technique", "product", "target", "labour hours"):
        table.add_column(col, justify="right" if col in ("target", "labour hours") else "left")
    for t in plan_targets:
        table.add_row(t.workplace, t.technique, t.product, f"{t.quantity:.1f}", f"{t.labour:.1f}")
    console.print(table)
    values_table = Table(title="Labour values (h per unit)")
    values_table.add_column("product")
    values_table.add_column("value", justify="right")
    for p, v in zip(economy.products, base.values.tolist(), strict=True):
        values_table.add_row(p, f"{v:.4f}")
    console.print(values_table)
    console.print(
        f"total labour {lp.labour:.1f} h within capacities (unlimited: {base.labour:.1f} h); "
        f"participatory rounds: {len(rounds.rounds)}, "
        f"{'converged' if rounds.converged else 'did not converge'}, labour {rounds.labour:.1f} h"
    )
