"""What makes an approximate plan usable: the repair pass and the optimality certificate.

A first-order or price-guided solve of the capacity LP (:mod:`sovet.planning.lp`)
ends near, not at, the optimum. Two steps turn its answer into one the councils
can act on:

* :func:`repair` adds, through the Leontief inverse of the techniques in use,
  exactly what is needed so every need is met (any capacity overrun left is a
  true shortage, reported by the caller);
* :func:`optimality_gap` turns any prices into a lower bound on the least
  labour (LP weak duality), so the distance to the optimum is proved, not
  guessed. :func:`tighten` and :func:`best_prices` mend approximate prices so
  the bound is as close as those prices allow.

>>> from sovet.planning.technology import square
>>> t = square(("a",), [[0.5]], [1.0])
>>> optimality_gap(t, np.array([1.0]), 2.0, np.array([2.0]))
0.0
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from sovet.planning.plan import ChosenTable
from sovet.planning.technology import FloatArray, Technology
from sovet.planning.values import solve_leontief

__all__ = ["best_prices", "net_matrix", "optimality_gap", "repair", "tighten"]


def net_matrix(tech: Technology) -> Any:
    """The ``n × K`` CSC matrix of net outputs: ``+1`` for what a technique makes, ``−A``."""
    k = tech.n_techniques
    out = sp.csc_matrix((np.ones(k), (tech.produces, np.arange(k))), shape=(tech.n_products, k))
    return (out - tech.inputs).tocsc()


def optimality_gap(
    tech: Technology, demand: FloatArray, labour: float, prices: FloatArray, net: Any = None
) -> float:
    """Relative gap between ``labour`` and the LP dual bound from ``prices``.

    Rule: weak duality. Prices ``y ≥ 0`` are first scaled by the largest
    ``α ≤ 1`` that leaves every unlimited technique unprofitable
    (``α (Nᵀy)_k ≤ l_k``); then with ``μ = max(0, αNᵀy − l)`` on capacitated
    techniques, ``α d·y − c·μ`` is a lower bound on the least labour. Approximate
    prices (from a first-order method) thus still give a valid bound.

    >>> from sovet.planning.technology import square
    >>> t = square(("a",), [[0.5]], [1.0])
    >>> optimality_gap(t, np.array([1.0]), 3.0, np.array([2.0]))
    0.3333333333333333
    """
    bound = lower_bound(tech, net_matrix(tech) if net is None else net, demand, prices)
    return max(0.0, (labour - bound) / max(abs(labour), 1e-300))


def lower_bound(tech: Technology, net: Any, demand: FloatArray, prices: FloatArray) -> float:
    """The least labour is at least this, by weak duality (see :func:`optimality_gap`)."""
    y = np.maximum(prices, 0.0)
    gain = net.T @ y
    finite = np.isfinite(tech.capacity)
    over = ~finite & (gain > tech.labour)
    alpha = 1.0
    if bool(over.any()):
        alpha = float(np.min(tech.labour[over] / gain[over]))
    reduced = alpha * gain - tech.labour
    return alpha * float(demand @ y) - float(
        tech.capacity[finite] @ np.maximum(reduced[finite], 0.0)
    )


def best_prices(
    tech: Technology, net: Any, d: FloatArray, prices: FloatArray, base: FloatArray
) -> tuple[FloatArray, float]:
    """The prices on the segment from ``prices`` to the uncapacitated values that bound best.

    Rule: every ``y ≥ 0`` gives a lower bound (:func:`optimality_gap`); the
    uncapacitated labour values alone bound by the uncapacitated least labour
    (a relaxation), approximate prices are only as good as their solve, and the
    bound is concave along the segment between them, so eleven points of it
    are tried and the best kept. Returns the prices and their bound.
    """
    best, best_bound = prices, lower_bound(tech, net, d, prices)
    for t in np.linspace(0.1, 1.0, 10):
        y = (1.0 - t) * prices + t * base
        bound = lower_bound(tech, net, d, y)
        if bound > best_bound:
            best, best_bound = y, bound
    return np.asarray(best, dtype=np.float64), best_bound


def tighten(
    tech: Technology, prices: FloatArray, rounds: int = 100, table: ChosenTable | None = None
) -> FloatArray:
    """Lower approximate prices until no unlimited technique makes a profit.

    Rule: ``y_i ← min(y_i, min_k (l_k + A_kᵀ y))`` over the unlimited
    techniques ``k`` making ``i``. The map is monotone (``A ≥ 0``), so the
    prices fall to the largest ones below the start that price no unlimited
    technique above its cost, and stay ``≥ 0`` (``l > 0``). Small dual
    infeasibilities are so mended one product at a time, not by scaling every
    price down as :func:`optimality_gap` must (which still covers whatever
    ``rounds`` rounds leave). ``table`` reuses a caller's view of the inputs.
    """
    free = ~np.isfinite(tech.capacity)
    if not bool(free.any()):
        return prices
    chosen = ChosenTable(tech) if table is None else table
    makes = tech.produces[free]
    y = np.maximum(prices, 0.0)
    for _ in range(rounds):
        cheapest = np.full(tech.n_products, np.inf)
        np.minimum.at(cheapest, makes, chosen.costs(tech.labour, y)[free])
        lower = np.minimum(y, cheapest)
        if np.array_equal(lower, y):
            break
        y = lower
    return y


def repair(
    tech: Technology,
    d: FloatArray,
    x: FloatArray,
    passes: int = 6,
    table: ChosenTable | None = None,
) -> FloatArray:
    """Add, through the Leontief inverse of the techniques in use, what meets every need.

    Rule: ``Δ = (I − A_c)⁻¹ max(0, d − N x)`` is non-negative, so the needs are
    met and no activity falls; ``A_c`` takes for each product its busiest
    technique with capacity to spare (else its busiest). A technique pushed
    past its capacity is cut back to it while its product has another with
    room, and the pass repeats; the last pass keeps any overrun (a true
    shortage). ``Δ`` is solved to a tolerance that
    leaves at most ``1e-11 · max d`` unmet. ``table`` reuses a caller's view of
    the inputs (no copy of the chosen columns).
    """
    n = tech.n_products
    x = x.copy()
    chosen = ChosenTable(tech) if table is None else table
    scale = max(float(d.max(initial=0.0)), 1.0)
    for step in range(passes):
        short = np.maximum(d - tech.net_output(x), 0.0)
        largest = float(short.max(initial=0.0))
        if largest <= 1e-10 * scale:  # far below the 1e-6 plans are held to
            break
        room = tech.capacity - x > 1e-3 * np.maximum(x, 1e-12)
        order = np.lexsort((-x, -room.astype(np.int64), tech.produces))
        first = np.concatenate(([True], tech.produces[order][1:] != tech.produces[order][:-1]))
        chosen.choice = np.asarray(order[first], dtype=np.int64)
        tol = min(1e-6, max(1e-11, 1e-11 * scale / largest))
        delta = solve_leontief(chosen.output_operator(), short, tol=tol, check_productive=False).x
        x[chosen.choice] += np.maximum(delta, 0.0)
        if step < passes - 1:
            over = x > tech.capacity
            spare = np.bincount(
                tech.produces, weights=(tech.capacity - x > 0).astype(np.float64), minlength=n
            )
            cut = over & (spare[tech.produces] > 0)
            x = np.where(cut, tech.capacity, x)
    return x
