"""The least-labour plan without capacity limits, with choice of technique.

By the non-substitution theorem (Samuelson, Arrow, Koopmans), when every
product has one output and labour is the only primary input, one set of
techniques — one per product — is cheapest in labour for *every* final demand.
It is found by policy iteration on labour values: compute the values of the
current choice, price every alternative at those values
(``cost_k = l_k + Σ_i v_i a_ik``), switch each product to a strictly cheaper
technique, repeat until no product switches. Each switch lowers the values, so
the loop ends, and at the end no technique can make anything for less labour:
the plan is optimal without any LP. The gross outputs then solve
``x = A x + d`` for the chosen techniques, and the total labour ``l·x`` equals
``v·d`` (checked).

>>> from sovet.planning.technology import Technology
>>> import numpy as np, scipy.sparse as sp
>>> t = Technology(("grain", "tools"), ("sickle", "plough", "forge"),
...     np.array([0, 0, 1]), sp.csc_matrix([[0.1, 0.1, 0.0], [0.0, 0.5, 0.1]]),
...     np.array([3.0, 1.0, 2.0]), np.full(3, np.inf))
>>> p = least_labour_plan(t, np.array([10.0, 0.0]))
>>> [t.techniques[k] for k in p.choice], round(p.labour, 6)
(['plough', 'forge'], 23.45679)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from sovet.errors import PlanningError
from sovet.planning.technology import FloatArray, IntArray, Technology
from sovet.planning.values import Method, compact_indices, solve_leontief

__all__ = ["ChosenTable", "Plan", "choose_techniques", "least_labour_plan", "technique_costs"]


@dataclass(frozen=True, slots=True, eq=False)
class Plan:
    """A plan: activity of every technique, gross output and value of every product."""

    choice: IntArray
    """Technique used for each product (the non-substitution choice)."""
    activity: FloatArray
    """Units made by each technique."""
    output: FloatArray
    """Gross output of each product."""
    values: FloatArray
    """Labour value of each product under the chosen techniques."""
    labour: float
    """Total labour of the plan, ``l·x``."""
    residual: float
    """Largest shortfall or excess of net output against demand."""
    rounds: int
    """Rounds of technique choice (1 when nothing switched)."""
    iterations: int
    """Solver iterations over all rounds."""


def technique_costs(tech: Technology, values: FloatArray) -> FloatArray:
    """Labour cost of one unit from each technique at given values: ``l + Aᵀ v``.

    >>> from sovet.planning.technology import square
    >>> technique_costs(square(("a",), [[0.5]], [1.0]), np.array([2.0])).tolist()
    [2.0]
    """
    return np.asarray(tech.labour + tech.inputs.T @ values, dtype=np.float64)


class ChosenTable:
    """The square table of the chosen techniques, as products with the whole table.

    ``Aᵀ_c v = (Bᵀ v)[choice]`` and ``A_c x = B x̃`` (``x̃`` = ``x`` placed at the
    chosen techniques), with ``B`` all techniques' inputs: no copy of the
    chosen columns is made, however often the choice changes. The last full
    product ``Bᵀ v`` is kept: the technique costs at the solved values, and
    the first residual of the next round (started from those values), come
    without another product.
    """

    def __init__(self, tech: Technology) -> None:
        b = compact_indices(sp.csc_matrix(tech.inputs, dtype=np.float64))
        self.inputs = b  # CSC: B x is a pass over the columns
        self.transposed = b.T  # CSR view of Bᵀ, no copy
        self.k = tech.n_techniques
        self.choice: IntArray = np.zeros(0, dtype=np.int64)
        self.last_in: FloatArray | None = None
        self.last_out: FloatArray | None = None

    def values_operator(self) -> spla.LinearOperator:
        n = self.choice.size

        def matvec(v: FloatArray) -> FloatArray:
            return self._product(v)[self.choice]

        return spla.LinearOperator((n, n), matvec=matvec, dtype=np.float64)

    def output_operator(self) -> spla.LinearOperator:
        n = self.choice.size
        spread = np.zeros(self.k)

        def matvec(x: FloatArray) -> FloatArray:
            spread[self.choice] = x
            return np.asarray(self.inputs @ spread, dtype=np.float64)

        return spla.LinearOperator((n, n), matvec=matvec, dtype=np.float64)

    def _product(self, v: FloatArray) -> FloatArray:
        """``Bᵀ v``, reusing the last product when it was taken at the same ``v``."""
        if self.last_in is None or self.last_out is None or not np.array_equal(self.last_in, v):
            self.last_in = v.copy()
            self.last_out = np.asarray(self.transposed @ v, dtype=np.float64)
        return self.last_out

    def costs(self, labour: FloatArray, v: FloatArray) -> FloatArray:
        """``l + Bᵀ v``: every technique's labour cost at values ``v``."""
        return labour + self._product(v)


def _groups(tech: Technology) -> tuple[IntArray, IntArray, IntArray]:
    order = np.argsort(tech.produces, kind="stable").astype(np.int64)
    counts = np.bincount(tech.produces, minlength=tech.n_products)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    return order, starts, counts.astype(np.int64)


def _cheapest(costs: FloatArray, order: IntArray, starts: IntArray, counts: IntArray) -> IntArray:
    sorted_costs = costs[order]
    mins = np.minimum.reduceat(sorted_costs, starts)
    is_min = sorted_costs <= np.repeat(mins, counts)
    positions = np.flatnonzero(is_min)
    group = np.repeat(np.arange(starts.size), counts)[positions]
    first = np.concatenate(([True], group[1:] != group[:-1]))
    return np.asarray(order[positions[first]], dtype=np.int64)


def _choose(
    tech: Technology, chosen: ChosenTable, method: Method, tol: float, max_rounds: int
) -> tuple[IntArray, FloatArray, int, int]:
    order, starts, counts = _groups(tech)
    # A first guess: a few Bellman sweeps v ← min_k (l_k + a_kᵀ v) from v = 0.
    guess = np.zeros(tech.n_products)
    costs = tech.labour.copy()
    for _ in range(3):
        guess = np.minimum.reduceat(costs[order], starts)
        costs = chosen.costs(tech.labour, guess)
    choice = _cheapest(costs, order, starts, counts)
    iterations = 0
    values: FloatArray = guess
    loose = max(tol, 1e-6)  # rounds that still switch need only rough values
    current_tol = loose
    for rounds in range(1, max_rounds + 1):
        chosen.choice = choice
        sol = solve_leontief(
            chosen.values_operator(),
            tech.labour[choice],
            method=method,
            tol=current_tol,
            start=values,
        )
        values = sol.x
        iterations += sol.iterations
        costs = chosen.costs(tech.labour, values)
        best = _cheapest(costs, order, starts, counts)
        current = costs[choice]
        better = costs[best] < current - 1e-9 * np.abs(current)
        if not bool(better.any()):
            if current_tol <= tol:
                return choice, values, rounds, iterations
            current_tol = tol  # settled on rough values: confirm with exact ones
            continue
        choice = np.where(better, best, choice)
    raise PlanningError(f"technique choice did not settle in {max_rounds} rounds")


def choose_techniques(
    tech: Technology,
    *,
    method: Method = "bicgstab",
    tol: float = 1e-11,
    max_rounds: int = 100,
) -> tuple[IntArray, FloatArray, int, int]:
    """Choose one technique per product by policy iteration on labour values.

    Rule: non-substitution theorem; start from the cheapest techniques after three
    Bellman sweeps ``v ← min_k (l_k + a_kᵀ v)`` from ``v = 0``, switch a
    product only when another technique is cheaper by more than a relative
    ``1e-9``. Rounds that still switch use values to a relative ``1e-6``
    (warm-started from the round before); the choice is only accepted once no
    technique is cheaper at values solved to ``tol``. The chosen table is never
    copied out: products with it are products with the whole table. Returns
    ``(choice, values, rounds, iterations)``.
    """
    return _choose(tech, ChosenTable(tech), method, tol, max_rounds)


def least_labour_plan(
    tech: Technology,
    demand: FloatArray,
    *,
    method: Method = "bicgstab",
    tol: float = 1e-11,
) -> Plan:
    """The plan that meets ``demand`` with the least total labour, ignoring capacities.

    Rule: non-substitution choice of technique, then ``x = A x + d``; the
    residual ``max |x − Ax − d|`` and the identity ``l·x = v·d`` are checked.
    """
    d = np.asarray(demand, dtype=np.float64)
    if d.shape != (tech.n_products,):
        raise PlanningError(f"demand must have {tech.n_products} entries, got {d.shape}")
    if d.size and float(d.min()) < 0:
        raise PlanningError(f"demand for {tech.products[int(np.argmin(d))]!r} is negative")
    chosen = ChosenTable(tech)
    choice, values, rounds, iterations = _choose(tech, chosen, method, tol, 100)
    chosen.choice = choice
    out = chosen.output_operator()
    sol = solve_leontief(out, d, method=method, tol=tol, check_productive=False)
    output = np.maximum(sol.x, 0.0)
    activity = np.zeros(tech.n_techniques)
    activity[choice] = output
    lab = tech.labour[choice]
    total = float(lab @ output)
    dual = float(values @ d)
    if abs(total - dual) > 1e-6 * max(abs(total), 1.0):
        raise PlanningError(f"labour {total:.9g} differs from values × demand {dual:.9g}")
    residual = float(np.max(np.abs(tech.net_output(activity) - d))) if d.size else 0.0
    return Plan(
        choice=choice,
        activity=activity,
        output=output,
        values=values,
        labour=total,
        residual=residual,
        rounds=rounds,
        iterations=iterations + sol.iterations,
    )
