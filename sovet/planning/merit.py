"""The capacity LP by merit order: rounds of prices and plans, each certified by duality.

Without capacities the non-substitution theorem makes one technique per product
cheapest for every need (:mod:`sovet.planning.plan`). With capacities the
optimum keeps that shape almost everywhere: for each product the techniques
cheaper than its price run at capacity, one *marginal* technique makes the
rest and sets the price, dearer ones stand idle. A round of the merit order

1. prices every technique at the current values (``l + Aᵀ y``) and ranks each
   product's techniques from cheapest;
2. walks each product's ranking with its current gross requirement: techniques
   run at capacity until the next one can make what is left — that one is
   marginal (a product with no technique free of limits and too little
   capacity keeps its last technique as marginal, past its capacity);
3. solves the plan ``(I − A_M) x_M = d − N_U c_U`` with the saturated
   techniques ``U`` at capacity, and the prices ``y = l_M + A_Mᵀ y`` of the
   marginal techniques ``M``, both by Krylov iteration warm-started from the
   round before.

Where no product's ranking changes, the plan and prices meet every optimality
condition of the LP. On degenerate economies — a technique sitting exactly at
its capacity while the price of its product is set by a tie somewhere else —
the rounds can cycle instead; so every round is *certified*: its plan is
clipped to the capacities and repaired to meet every need
(:func:`~sovet.planning.certificate.repair`), its prices are mended and turned
into a lower bound on the least labour
(:func:`~sovet.planning.certificate.lower_bound`). The best plan and the best
bound of all rounds are kept; the rounds stop once the relative gap between them
is at most ``target`` (or after ``rounds``), and the caller may polish further
with PDLP from there (:func:`sovet.planning.lp.capacity_plan`).

>>> from sovet.planning.technology import Technology
>>> import scipy.sparse as sp
>>> from sovet.planning.plan import least_labour_plan
>>> t = Technology(("grain", "tools"), ("sickle", "plough", "forge"),
...     np.array([0, 0, 1]), sp.csc_matrix([[0.1, 0.1, 0.0], [0.0, 0.5, 0.1]]),
...     np.array([3.0, 1.0, 2.0]), np.array([np.inf, 5.0, np.inf]))
>>> d = np.array([10.0, 0.0])
>>> m = merit_order(t, d, least_labour_plan(t, d))
>>> [round(v, 6) for v in m.activity.tolist()], m.gap < 1e-9
([6.111111, 5.0, 2.777778], True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sovet.errors import PlanningError
from sovet.planning.certificate import lower_bound, net_matrix, repair, tighten
from sovet.planning.plan import ChosenTable, Plan
from sovet.planning.technology import BoolArray, FloatArray, IntArray, Technology
from sovet.planning.values import solve_leontief

__all__ = ["MeritOrder", "merit_order"]


@dataclass(frozen=True, slots=True, eq=False)
class MeritOrder:
    """The best plan and the best prices of the merit-order rounds, and how far apart."""

    activity: FloatArray
    """Units made by each technique: every need met, overruns only where capacity is short."""
    labour: float
    overrun: float
    """Total units past capacity in ``activity`` (0 when the LP is feasible)."""
    prices: FloatArray
    """Per product: the prices that give ``bound``."""
    bound: float
    """A lower bound on the least labour (LP duality)."""
    rounds: int
    settled: bool
    """The rankings stopped changing: a fixed point of the rounds."""
    start: tuple[FloatArray, FloatArray]
    """The last round's plan and prices as solved (a warm start for PDLP)."""

    @property
    def gap(self) -> float:
        """Relative gap between ``labour`` and ``bound`` (inf while the plan overruns)."""
        if self.overrun > 0:
            return float("inf")
        return max(0.0, (self.labour - self.bound) / max(abs(self.labour), 1e-300))


def _rank(
    tech: Technology, costs: FloatArray, requirement: FloatArray
) -> tuple[IntArray, BoolArray]:
    """Each product's marginal technique and the techniques saturated before it.

    Rule: per product, techniques by cost (ties by index); cumulative capacity
    before each; the first technique without a limit, or whose capacity reaches
    the requirement, is marginal, else the product's last technique.
    """
    k = tech.n_techniques
    order = np.lexsort((costs, tech.produces))
    made = tech.produces[order]
    finite = np.isfinite(tech.capacity)
    cap = np.where(finite, tech.capacity, 0.0)[order]
    total = np.cumsum(cap)
    first = np.concatenate(([True], made[1:] != made[:-1]))
    last = np.concatenate((made[1:] != made[:-1], [True]))
    group_start = np.maximum.accumulate(np.where(first, np.arange(k), 0))
    before = total - cap - np.concatenate(([0.0], total))[group_start]
    enough = ~finite[order] | (before + cap >= requirement[made] * (1.0 - 1e-12))
    candidates = np.flatnonzero(enough | last)
    head = np.concatenate(([True], made[candidates][1:] != made[candidates][:-1]))
    marginal: IntArray = np.asarray(order[candidates[head]], dtype=np.int64)
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    saturated: BoolArray = rank < rank[marginal][tech.produces]
    return marginal, saturated


def _certify(
    tech: Technology,
    net: Any,
    d: FloatArray,
    x: FloatArray,
    y: FloatArray,
    table: ChosenTable,
) -> tuple[FloatArray, float, float, FloatArray, float]:
    """A repaired plan (with its labour and overrun) and mended prices (with their bound)."""
    cap = tech.capacity
    x = np.maximum(x, 0.0)
    # Cut an overrun back only where the product has a technique with room to
    # make up for it; elsewhere the overrun is the shortage to report.
    room = np.bincount(tech.produces, weights=(cap - x > 0).astype(np.float64), minlength=d.size)
    x = np.where((x > cap) & (room[tech.produces] > 0), cap, x)
    plan = repair(tech, d, x, table=table)
    overrun = float(np.maximum(plan - cap, 0.0).sum())
    prices = tighten(tech, y, rounds=10, table=table)
    return plan, float(tech.labour @ plan), overrun, prices, lower_bound(tech, net, d, prices)


def merit_order(
    tech: Technology,
    demand: FloatArray,
    base: Plan,
    *,
    rounds: int = 8,
    target: float = 0.0,
    tol: float = 1e-10,
    net: Any = None,
) -> MeritOrder:
    """The capacity LP by merit-order rounds from the uncapacitated plan ``base``.

    Rule: the rounds of the module docstring; each round's plan and prices are
    certified and the best of each kept; stop when the certified gap is at most
    ``target``, when the rankings stop changing, or after ``rounds`` rounds.
    ``net`` is the caller's :func:`~sovet.planning.certificate.net_matrix`, if built.
    """
    if rounds < 1:
        raise PlanningError(f"the merit order needs at least one round, got {rounds}")
    d = np.asarray(demand, dtype=np.float64)
    net = net_matrix(tech) if net is None else net
    table = ChosenTable(tech)
    y = base.values.copy()
    x = base.activity
    requirement = base.output.copy()
    # The uncapacitated plan is no plan within capacities, but its labour bounds
    # the least labour from below (a relaxation) and its values give that bound.
    best: tuple[float, float, FloatArray] = (np.inf, np.inf, base.activity)
    best_bound = (base.labour, base.values)
    previous: tuple[IntArray, BoolArray] | None = None
    x_marginal: FloatArray | None = base.output
    settled = False
    for done in range(1, rounds + 1):
        marginal, saturated = _rank(tech, table.costs(tech.labour, y), requirement)
        if previous is not None and np.array_equal(previous[0], marginal):
            settled = bool(np.array_equal(previous[1], saturated))
        previous = (marginal, saturated)
        fixed = np.where(saturated, tech.capacity, 0.0)
        table.choice = marginal
        x_marginal = solve_leontief(
            table.output_operator(),
            d - net @ fixed,
            tol=tol,
            check_productive=False,
            start=x_marginal,
        ).x
        x = fixed
        x[marginal] = x_marginal
        requirement = np.bincount(tech.produces, weights=x, minlength=tech.n_products).astype(
            np.float64
        )
        y = solve_leontief(
            table.values_operator(), tech.labour[marginal], tol=tol, start=y, check_productive=False
        ).x
        plan, labour, overrun, prices, bound = _certify(tech, net, d, x, y, table)
        if (overrun, labour) < best[:2]:
            best = (overrun, labour, plan)
        if bound > best_bound[0]:
            best_bound = (bound, prices)
        result = MeritOrder(
            best[2], best[1], best[0], best_bound[1], best_bound[0], done, settled, (x, y)
        )
        if settled or result.gap <= target:
            break
    return result
