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

from sovet.planning.lp import GAP, capacity_plan
from sovet.planning.plan import least_labour_plan
from sovet.planning.technology import Technology
from sovet.planning.values import labour_values

SEED = 20240601
FEWEST, MOST = 10, 20  # inputs per technique, drawn uniformly
RADIUS = 0.7


def hub_heavy_columns(rng: np.random.Generator, n: int, k: int) -> Any:
    """An n × k CSC matrix (int32 indices): 10–20 inputs per column, hub-heavy, sums ≤ 0.7.

    Column j draws ``FEWEST..MOST`` rows as ``⌊n u³⌋`` (product i is drawn with
    probability falling like ``i^(-2/3)``); a row drawn twice counts once.
    Built straight in CSC form, in place where possible, so 10^7 columns take
    seconds and a few GB.
    """
    u = rng.random((k, MOST))
    np.power(u, 3, out=u)
    u *= n
    rows = u.astype(np.int32)
    del u
    np.minimum(rows, n - 1, out=rows)
    count = rng.integers(FEWEST, MOST + 1, k)
    rows[np.arange(MOST)[None, :] >= count[:, None]] = n  # unused slots sort last
    rows.sort(axis=1)
    keep = rows < n
    keep[:, 1:] &= rows[:, 1:] != rows[:, :-1]
    values = rng.random((k, MOST))
    values *= keep
    sums = values.sum(axis=1)
    values *= (RADIUS * rng.uniform(0.5, 1.0, k) / sums)[:, None]
    data = values[keep]
    indices = rows[keep]
    del rows, values
    indptr = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(keep.sum(axis=1), out=indptr[1:])
    m = sp.csc_matrix((n, k), dtype=np.float64)
    m.data, m.indices, m.indptr = data, indices, indptr.astype(np.int32)
    m.has_sorted_indices = True
    m.has_canonical_format = True
    return m


def economy(n: int, alternatives: float = 0.0, seed: int = SEED) -> Technology:
    rng = np.random.default_rng(seed + n)
    extra = int(alternatives * n)
    k = n + extra
    produces = np.concatenate([np.arange(n), rng.choice(n, extra, replace=False)])
    return Technology(
        products=_names("p", n),
        techniques=_names("t", k),
        produces=produces.astype(np.int64),
        inputs=hub_heavy_columns(rng, n, k),
        labour=rng.uniform(0.1, 2.0, k),
        capacity=np.full(k, np.inf),
    )


def _names(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(map(f"{prefix}{{}}".format, range(count)))


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


def scipy_bicgstab_values(tech: Technology, _: np.ndarray) -> str:
    """SciPy's own BiCGSTAB on the sparse matrix ``I − Aᵀ`` (rtol 1e-11, from zero)."""
    n = tech.n_products
    m = (sp.identity(n, format="csr") - tech.inputs.T).tocsr()
    steps = [0]

    def count(_: Any) -> None:
        steps[0] += 1

    v, info = spla.bicgstab(m, tech.labour, rtol=1e-11, atol=0.0, maxiter=5_000, callback=count)
    res = np.max(np.abs(m @ v - tech.labour))
    note = f"residual {res:.1e}, {steps[0]} it"
    return note if info == 0 else f"info {info}, {note}"


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


def our_merit(tech: Technology, d: np.ndarray) -> str:
    """The default for large economies: merit-order rounds to the default certified gap."""
    r = capacity_plan(tech, d, method="merit")
    return f"{r.status}, labour {r.labour:.6g}, gap {r.gap:.1e}, {r.rounds} rounds" + (
        f" + {r.iterations} PDLP it" if r.iterations else ""
    )


def our_pdlp(tech: Technology, d: np.ndarray) -> str:
    r = capacity_plan(tech, d, method="pdlp", tol=1e-4)
    return f"{r.status}, labour {r.labour:.6g}, gap {r.gap:.1e}, {r.iterations} it"


def highs_pdlp(tech: Technology, d: np.ndarray) -> str:
    """The same rescaled LP, repair and certificate through HiGHS's PDLP."""
    r = capacity_plan(tech, d, method="highs-pdlp", tol=1e-4)
    return f"{r.status}, labour {r.labour:.6g}, gap {r.gap:.1e}, {r.iterations} it"


def pdlp_unscaled(tech: Technology, d: np.ndarray) -> str:
    """The same PDLP and repair without our rescaling (every expected level 1)."""
    r = capacity_plan(tech, d, method="pdlp", tol=1e-4, expected=np.ones(tech.n_techniques))
    return f"{r.status}, labour {r.labour:.6g}, gap {r.gap:.1e}, {r.iterations} it"


def our_simplex(tech: Technology, d: np.ndarray) -> str:
    r = capacity_plan(tech, d, method="simplex")
    return f"{r.status}, labour {r.labour:.6g}, gap {r.gap:.1e}"


def _status_kb(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Reset this process's peak resident set (``VmHWM``) to its current size."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        return False
    return True


def _child(fn: Callable[..., str], args: tuple[Any, ...], conn: Any) -> None:
    # The forked child shares the parent's economy; its own peak is the rise of
    # VmHWM (= ru_maxrss) over its resident size at the start, after a reset.
    _reset_peak()
    start = _status_kb("VmRSS:")
    t0 = time.perf_counter()
    note = fn(*args)
    seconds = time.perf_counter() - t0
    peak = max(_status_kb("VmHWM:"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    conn.send((seconds, max(peak - start, 0) / 1024, note))
    conn.close()


def measure(
    fn: Callable[..., str], args: tuple[Any, ...], repeat: int, limit: float
) -> tuple[float | None, float, str]:
    """Best of ``repeat`` runs, each in a fresh forked process killed after ``limit`` s."""
    ctx = mp.get_context("fork")
    times, mems, note = [], [], ""
    for _ in range(repeat):
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(fn, args, child))
        proc.start()
        child.close()
        if not parent.poll(limit):
            proc.kill()
            proc.join()
            return None, float("nan"), f"stopped after {limit:.0f} s"
        try:
            seconds, mem, note = parent.recv()
        except EOFError:
            proc.join()
            return None, float("nan"), f"died (exit code {proc.exitcode})"
        proc.join()
        times.append(seconds)
        mems.append(mem)
    return min(times), max(mems), note


TASKS = ("values", "choice", "lp")
SPARSE_LU_LIMIT = 100_000
"""Sparse LU fills in like n²: past 10^5 products it would only fill memory until its limit."""
HIGHS_PDLP_LIMIT = 100_000
"""HiGHS's PDLP takes minutes at 10^5 products; past that only ours runs."""
PDLP_LIMIT = 100_000
"""Our PDLP alone took about 6 minutes at 10^6 products; past 10^5 only the merit order runs."""
GOALS = {  # (task, n): seconds on the 2-core machine, from the planning issue
    ("labour values", 1_000_000): 1.0,
    ("labour values", 10_000_000): 20.0,
    ("technique choice", 1_000_000): 3.0,
    ("capacity plan (LP)", 100_000): 10.0,
    ("capacity plan (LP)", 1_000_000): 60.0,
}


class Table:
    """Runs and prints the measurements; a peer over its limit is not run at larger sizes."""

    def __init__(self, repeat: int, limit: float, peer_limit: float) -> None:
        self.repeat, self.limit, self.peer_limit = repeat, limit, peer_limit
        self.over: dict[str, int] = {}
        self.summary: list[str] = []

    def run(
        self,
        task: str,
        n: int,
        method: str,
        fn: Callable[..., str],
        args: tuple[Any, ...],
        goal: bool = False,
    ) -> float | None:
        peer = method.startswith("peer")
        limit = self.peer_limit if peer else self.limit
        if method in self.over:
            seconds, mem = None, float("nan")
            note = f"not run: over {limit:.0f} s at n={self.over[method]:,}"
        else:
            seconds, mem, note = measure(fn, args, self.repeat, limit)
            if seconds is None:
                self.over[method] = n
        shown = f"> {limit:.0f}" if seconds is None else f"{seconds:.3f}"
        load = os.getloadavg()[0]
        print(
            f"{task:<20} {n:>10,} {method:<34} {shown:>9} s {mem:>7.0f} MB  "
            f"load {load:4.1f}  {note}",
            flush=True,
        )
        target = GOALS.get((task, n))
        if target is not None and goal:
            met = seconds is not None and seconds < target
            self.summary.append(
                f"{task} n={n:,} ({method}): goal < {target:g} s, "
                + (f"{seconds:.2f} s" if seconds is not None else f"> {limit:.0f} s")
                + (" — met" if met else " — NOT met")
                + f" ({note})"
            )
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--repeat", type=int, default=2, help="runs per entry; the best is shown")
    parser.add_argument("--limit", type=float, default=600.0, help="seconds for our solvers")
    parser.add_argument("--peer-limit", type=float, default=120.0, help="seconds for a peer")
    parser.add_argument("--task", action="append", choices=TASKS, help="only these tasks")
    parser.add_argument("--min-n", type=float, default=0, help="smallest size")
    parser.add_argument("--max-n", type=float, default=float("inf"), help="largest size")
    opts = parser.parse_args()
    repeat = 1 if opts.quick else opts.repeat
    tasks = opts.task or list(TASKS)
    sizes = {
        "values": [1_000, 3_000] if opts.quick else [10**4, 10**5, 10**6, 10**7],
        "choice": [10_000] if opts.quick else [10**5, 10**6],
        "lp": [300, 1_000] if opts.quick else [10**3, 10**4, 10**5, 10**6],
    }
    table = Table(repeat, opts.limit, opts.peer_limit)
    print(
        f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, best of {repeat}, "
        f"limits {opts.limit:.0f} s (ours) / {opts.peer_limit:.0f} s (peers), "
        f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'task':<20} {'n':>10} {'method':<34} {'time':>11} {'peak':>10}")
    run = table.run

    def chosen(task: str) -> list[int]:
        return [n for n in sizes[task] if opts.min_n <= n <= opts.max_n] if task in tasks else []

    for n in chosen("values"):
        tech, d = economy(n), demand(n)
        run("labour values", n, "ours: BiCGSTAB", our_values, (tech, d), goal=True)
        run("labour values", n, "peer: scipy bicgstab on I − Aᵀ", scipy_bicgstab_values, (tech, d))
        if n <= SPARSE_LU_LIMIT:
            run("labour values", n, "peer: scipy spsolve (sparse LU)", spsolve_values, (tech, d))
        del tech
    for n in chosen("choice"):
        tech, d = economy(n, alternatives=0.3), demand(n)
        run(
            "technique choice",
            n,
            "ours: policy iteration + Krylov",
            our_choice,
            (tech, d),
            goal=True,
        )
        run(
            "technique choice",
            n,
            "peer: value iteration + Neumann",
            plain_value_iteration,
            (tech, d),
        )
        del tech
    for n in chosen("lp"):
        tech, d = economy(n, alternatives=0.3), demand(n)
        tech = with_capacities(tech, d)
        merit = f"ours: merit order (gap ≤ {GAP:g})"
        run("capacity plan (LP)", n, merit, our_merit, (tech, d), goal=True)
        if n <= PDLP_LIMIT:
            run("capacity plan (LP)", n, "ours: PDLP rescaled + repair", our_pdlp, (tech, d))
        if n <= HIGHS_PDLP_LIMIT:
            run("capacity plan (LP)", n, "HiGHS PDLP rescaled + repair", highs_pdlp, (tech, d))
        if n <= 10_000:
            run(
                "capacity plan (LP)", n, "PDLP without rescaling + repair", pdlp_unscaled, (tech, d)
            )
        run("capacity plan (LP)", n, "peer: scipy linprog(highs)", linprog_plan, (tech, d))
        if n <= 1_000:
            run("capacity plan (LP)", n, "ours: HiGHS dual simplex", our_simplex, (tech, d))
        del tech
    print()
    for line in table.summary:
        print(line)


if __name__ == "__main__":
    main()
