"""Read the BEA 2021 supply-use tables (real data) into arrays, for the planning tests."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sovet.planning.io import supply_use_coefficients

N = 71


def _num(cell: str) -> float:
    cell = cell.strip()
    return 0.0 if cell in ("---", "") else float(cell)


@dataclass(frozen=True)
class Bea:
    names: list[str]
    a: np.ndarray
    labour: np.ndarray
    final_demand: np.ndarray
    output: np.ndarray


def load(shared_data: Path) -> Bea:
    folder = shared_data / "io"
    with open(folder / "us_bea_2021_use_71.csv", encoding="utf-8") as f:
        use = list(csv.reader(f))
    with open(folder / "us_bea_2021_make_71.csv", encoding="utf-8") as f:
        make = list(csv.reader(f))
    head = use[0]
    rows = {r[0]: r for r in use}
    u = np.array([[_num(c) for c in r[1 : N + 1]] for r in use[1 : N + 1]])
    v = np.array([[_num(c) for c in r[1 : N + 1]] for r in make[1 : N + 1]])
    g = np.array([_num(c) for c in rows["Total industry output (basic prices)"][1 : N + 1]])
    wages = np.array([_num(c) for c in rows["Compensation of employees"][1 : N + 1]])
    a = supply_use_coefficients(u, v, g)
    fcols = [i for i, h in enumerate(head) if h.startswith("F")]
    f_comm = np.array([[_num(r[i]) for i in fcols] for r in use[1 : N + 1]]).sum(axis=1)
    shares = (v / v.sum(axis=1)[:, None]).T
    names = [r[0] for r in use[1 : N + 1]]
    return Bea(names, a, wages / g, shares @ f_comm, g)


def write_interchange(bea: Bea, folder: Path) -> dict[str, Path]:
    """Write A.csv, l.csv and d.csv for the BEA economy (full precision)."""
    paths = {k: folder / f"{k}.csv" for k in ("A", "l", "d")}
    with open(paths["A"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["product", *bea.names])
        for name, row in zip(bea.names, bea.a, strict=True):
            w.writerow([name, *(repr(float(x)) for x in row)])
    with open(paths["l"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["product", "labour"])
        w.writerows([n, repr(float(x))] for n, x in zip(bea.names, bea.labour, strict=True))
    with open(paths["d"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["product", "demand"])
        w.writerows([n, repr(float(x))] for n, x in zip(bea.names, bea.final_demand, strict=True))
    return paths
