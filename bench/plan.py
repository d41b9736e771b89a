"""Planning benchmark: our solvers against plain SciPy/HiGHS, measured in the same run.

Synthetic economies follow ``../shared/PEERS.md``: a fixed seed, ~15 inputs
per product drawn hub-heavy (the first products are everyone's suppliers: a
product's chance of being drawn falls like a power of its rank), each column
scaled so its sum is at most 0.7, hence spectral radius ≤ 0.7. Alternatives are
extra techniques for 30% of the products with their own inputs and labour.

Each measurement runs in a forked child process (so its peak memory is its
own, reported as the rise of the child's peak resident set over its start) and
is stopped after ``--timeout`` seconds. Median of ``--repeat`` runs.

    python bench/plan.py            # the full table (a few minutes)
    python bench/plan.py --quick    # smoke run (seconds)
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy: see PEERS.md
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import multiprocessing as mp
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.optimize import linprog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sovet.planning.lp import capacity_plan
from sovet.planning.plan import least_labour_plan
from sovet.planning.technology import Technology
from sovet.planning.values import labour_values

SEED = 20240601
INPUTS = 15
RADIUS = 0.7


def hub_heavy_columns(rng: np.random.Generator, n: int, k: int) -> Any:
    """An n × k CSC matrix, ~15 inputs per column, rows drawn hub-heavy, sums ≤ 0.7."""
    rows = np.minimum((n * rng.random(k * INPUTS) ** 3).astype(np.int64), n - 1)
    cols = np.repeat(np.arange(k), INPUTS)
    m = sp.csc_matrix((rng.random(k * INPUTS), (rows, cols)), shape=(n, k))
    m.sum_duplicates()
    sums = np.asarray(m.sum(axis=0)).ravel()
    scale = RADIUS * rng.uniform(0.5, 1.0, k) / np.where(sums > 0, sums, 1.0)
    return (m @ sp.diags(scale)).tocsc()


def economy(n: int, alternatives: float = 0.0, seed: int = SEED) -> Technology:
    rng = np.random.default_rng(seed + n)
    extra = int(alternatives * n)
    k = n + extra
    produces = np.concatenate([np.arange(n), rng.choice(n, extra, replace=False)])
    return Technology(
        products=tuple(f"p{i}" for i in range(n)),
        techniques=tuple(f"t{j}" for j in range(k)),
        produces=produces.astype(np.int64),
        inputs=hub_heavy_columns(rng, n, k),
        labour=rng.uniform(0.1, 2.0, k),
        capacity=np.full(k, np.inf),
    )


def demand(n: int, seed: int = SEED) -> np.ndarray:
    rng = np.random.default_rng(seed - n)
    return np.asarray(rng.uniform(0.0, 10.0, n) * (rng.random(n) < 0.3), dtype=np.float64)


def with_capacities(tech: Technology, d: np.ndarray) -> Technology:
    """Cap the first technique of 20% of products at 90% of its unlimited level."""
    base = least_labour_plan(tech, d)
    rng = np.random.default_rng(SEED)
    cap = np.full(tech.n_techniques, np.inf)
    has_alt = np.zeros(tech.n_products, dtype=bool)
    has_alt[tech.produces[tech.n_products :]] = True
    chosen = base.choice
    pick = has_alt & (rng.random(tech.n_products) < 0.2 / 0.3) & (base.output > 0)
    cap[chosen[pick]] = 0.9 * base.output[pick]
    return Technology(tech.products, tech.techniques, tech.produces, tech.inputs, tech.labour, cap)


# Peers: the plain ways.


def spsolve_values(tech: Technology, _: np.ndarray) -> str:
    a = tech.inputs.tocsc()
    n = tech.n_products
    v = spla.spsolve((sp.identity(n, format="csc") - a.T).tocsc(), tech.labour)
    res = np.max(np.abs(v - a.T @ v - tech.labour))
    return f"residual {res:.1e}"


def plain_value_iteration(tech: Technology, d: np.ndarray) -> str:
    """Bellman iteration v ← min_k (l_k + a_kᵀ v) to 1e-11, then x = d + A x by Neumann."""
    v = np.zeros(tech.n_products)
    bt = tech.inputs.T.tocsr()
    sweeps = 0
    for sweeps in range(1, 10_000):  # noqa: B007
        cost = tech.labour + bt @ v
        new = np.full(tech.n_products, np.inf)
        np.minimum.at(new, tech.produces, cost)
        done = np.max(np.abs(new - v)) <= 1e-11 * np.max(new)
        v = new
        if done:
            break
    cost = tech.labour + bt @ v
    best = np.full(tech.n_techniques, False)
    order = np.lexsort((cost, tech.produces))
    first = np.concatenate(([True], tech.produces[order][1:] != tech.produces[order][:-1]))
    best[order[first]] = True
    choice = np.flatnonzero(best)[np.argsort(tech.produces[best])]
    a = tech.inputs[:, choice].tocsr()
    x = d.copy()
    for _ in range(10_000):
        nxt = d + a @ x
        if np.max(np.abs(nxt - x)) <= 1e-11 * np.max(nxt):
            x = nxt
            break
        x = nxt
    return f"{sweeps} sweeps, labour {tech.labour[choice] @ x:.8g}"


def linprog_plan(tech: Technology, d: np.ndarray) -> str:
    k = tech.n_techniques
    out = sp.csc_matrix((np.ones(k), (tech.produces, np.arange(k))), shape=(tech.n_products, k))
    net = (out - tech.inputs).tocsc()
    res = linprog(
        tech.labour,
        A_ub=-net,
        b_ub=-d,
        bounds=np.column_stack([np.zeros(k), tech.capacity]),
        method="highs",
    )
    return f"status {res.status}, labour {res.fun:.6g}" if res.status == 0 else res.message


# Ours.


def our_values(tech: Technology, _: np.ndarray) -> str:
    r = labour_values(tech.inputs, tech.labour)
    return f"residual {r.residual:.1e}, {r.iterations} it"


def our_choice(tech: Technology, d: np.ndarray) -> str:
    p = least_labour_plan(tech, d)
    return f"{p.rounds} rounds, labour {p.labour:.8g}, residual {p.residual:.1e}"


def our_pdlp(tech: Technology, d: np.ndarray) -> str:
    r = capacity_plan(tech, d, method="pdlp", tol=1e-4)
    return f"{r.status}, labour {r.labour:.6g}, gap {r.gap:.1e}, {r.iterations} it"


def pdlp_unscaled(tech: Technology, d: np.ndarray) -> str:
    """The same PDLP and repair without our rescaling (every expected level 1)."""
    r = capacity_plan(tech, d, method="pdlp", tol=1e-4, expected=np.ones(tech.n_techniques))
    return f"{r.status}, labour {r.labour:.6g}, gap {r.gap:.1e}, {r.iterations} it"


def our_simplex(tech: Technology, d: np.ndarray) -> str:
    r = capacity_plan(tech, d, method="simplex")
    return f"{r.status}, labour {r.labour:.6g}, gap {r.gap:.1e}"


def _rss_kb() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def _child(fn: Callable[..., str], args: tuple[Any, ...], conn: Any) -> None:
    start = _rss_kb()
    t0 = time.perf_counter()
    note = fn(*args)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    conn.send((seconds, max(peak - start, 0) / 1024, note))
    conn.close()


def measure(
    fn: Callable[..., str], args: tuple[Any, ...], repeat: int, timeout: float
) -> tuple[float | None, float, str]:
    ctx = mp.get_context("fork")
    times, mems, note = [], [], ""
    for _ in range(repeat):
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(fn, args, child))
        proc.start()
        child.close()
        if not parent.poll(timeout):
            proc.kill()
            proc.join()
            return None, float("nan"), f"> {timeout:.0f} s"
        seconds, mem, note = parent.recv()
        proc.join()
        times.append(seconds)
        mems.append(mem)
    return statistics.median(times), max(mems), note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    opts = parser.parse_args()
    repeat = 1 if opts.quick else opts.repeat
    value_sizes = [1_000, 10_000] if opts.quick else [10_000, 100_000, 1_000_000]
    choice_sizes = [10_000] if opts.quick else [100_000]
    lp_sizes = [300, 1_000] if opts.quick else [1_000, 10_000]
    rows: list[tuple[str, int, str, float | None, float, str, str]] = []

    def run(
        task: str, n: int, method: str, fn: Callable[..., str], args: tuple[Any, ...]
    ) -> float | None:
        seconds, mem, note = measure(fn, args, repeat, opts.timeout)
        rows.append((task, n, method, seconds, mem, note, ""))
        shown = "–" if seconds is None else f"{seconds:.3f}"
        print(f"{task:<22} {n:>9,} {method:<34} {shown:>9} s {mem:>8.0f} MB  {note}", flush=True)
        return seconds

    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, median of {repeat}")
    print(f"{'task':<22} {'n':>9} {'method':<34} {'time':>11} {'peak':>11}  note")
    ratios: list[str] = []
    for n in value_sizes:
        tech = economy(n)
        d = demand(n)
        ours = run("labour values", n, "ours: BiCGSTAB", our_values, (tech, d))
        if n == value_sizes[0] or (not opts.quick and n == 10_000):
            peer = run(
                "labour values", n, "peer: scipy spsolve (sparse LU)", spsolve_values, (tech, d)
            )
            if ours and peer:
                ratios.append(f"labour values n={n:,}: spsolve / ours = {peer / ours:.0f}×")
            elif ours:
                ratios.append(
                    f"labour values n={n:,}: spsolve > {opts.timeout:.0f} s, ours {ours:.3f} s"
                    f" (> {opts.timeout / ours:.0f}×)"
                )
        del tech
    for n in choice_sizes:
        tech = economy(n, alternatives=0.3)
        d = demand(n)
        ours = run("technique choice", n, "ours: policy iteration + Krylov", our_choice, (tech, d))
        peer = run(
            "technique choice",
            n,
            "peer: value iteration + Neumann",
            plain_value_iteration,
            (tech, d),
        )
        if ours and peer:
            ratios.append(f"technique choice n={n:,}: value iteration / ours = {peer / ours:.1f}×")
    for n in lp_sizes:
        tech = economy(n, alternatives=0.3)
        d = demand(n)
        tech = with_capacities(tech, d)
        ours = run("capacity plan (LP)", n, "ours: PDLP rescaled + repair", our_pdlp, (tech, d))
        run("capacity plan (LP)", n, "PDLP without rescaling + repair", pdlp_unscaled, (tech, d))
        peer = run("capacity plan (LP)", n, "peer: scipy linprog(highs)", linprog_plan, (tech, d))
        if n <= 1_000:
            run("capacity plan (LP)", n, "ours: HiGHS dual simplex", our_simplex, (tech, d))
        if ours and peer:
            ratios.append(f"capacity plan n={n:,}: linprog / ours(PDLP) = {peer / ours:.1f}×")
        elif ours and peer is None:
            ratios.append(
                f"capacity plan n={n:,}: linprog > {opts.timeout:.0f} s, ours {ours:.1f} s"
            )
    print()
    for line in ratios:
        print(line)


if __name__ == "__main__":
    main()
