"""Participatory planning in rounds against indicative labour prices.

The alternative that keeps decisions at the base (after Albert and Hahnel's
participatory economics): no planner fixes quantities. Each round

1. a facilitation board publishes *indicative prices*: for every product, the
   labour cost of its dearest technique in use at the last prices, plus a
   scarcity markup where requests outran every workplace's capacity;
2. each council revises its request: its needs in full, and of its wants the
   share ``min(1, (p₀/p)^ε)`` — wants shrink as a product gets dearer than its
   labour value ``p₀``;
3. each workplace ranks its techniques by cost at those prices and offers
   output cheapest-first up to its capacity; the requests, and the inputs the
   offers themselves need, are filled in that merit order;
4. where requests still exceed all capacity the markup rises in proportion to
   the overrun, and where capacity is idle it falls back towards zero; a price
   that swings back and forth (a technique going in and out of use) moves by
   half as much at each reversal, so it settles at the switching point.

Rounds stop when prices move by less than ``tol`` (relative) and no capacity is
overrun by more than ``tol`` of it. Needs are never trimmed, so the final plan
meets every need whenever it converges; if needs alone exceed capacity the
rounds do not converge and the overrun is reported.

>>> from sovet.planning.demo import petrograd_1917, petrograd_1917_wants
>>> r = participatory_plan(petrograd_1917(), petrograd_1917_wants())
>>> r.converged, r.rounds[-1].overrun < 1e-6
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sovet.errors import PlanningError
from sovet.planning.model import Economy, Need
from sovet.planning.plan import least_labour_plan, technique_costs
from sovet.planning.technology import FloatArray, IntArray, Technology

__all__ = ["ParticipatoryResult", "Round", "participatory_plan"]


@dataclass(frozen=True, slots=True)
class Round:
    """One round: the prices published, the requests made, and how far they overran."""

    index: int
    prices: tuple[float, ...]
    requests: tuple[float, ...]
    labour: float
    overrun: float
    """Largest capacity overrun, relative to the capacity."""
    price_change: float
    """Largest relative change of a price from the round before."""


@dataclass(frozen=True, slots=True, eq=False)
class ParticipatoryResult:
    """The rounds and the final plan."""

    rounds: tuple[Round, ...]
    converged: bool
    activity: FloatArray
    prices: FloatArray
    requests: FloatArray
    labour: float

    def meets(self, demand: FloatArray, tech: Technology, tol: float = 1e-7) -> bool:
        """Whether the final plan's net output covers ``demand`` (to ``tol`` relative)."""
        net = tech.net_output(self.activity)
        return bool(np.all(net >= demand - tol * np.maximum(demand, 1.0)))


def _vector(tech: Technology, needs: Sequence[Need]) -> FloatArray:
    index = tech.index()
    out = np.zeros(tech.n_products)
    for need in needs:
        if need.product not in index:
            raise PlanningError(f"council {need.council!r}: unknown product {need.product!r}")
        if need.quantity < 0:
            raise PlanningError(f"council {need.council!r}: negative want of {need.product!r}")
        out[index[need.product]] += need.quantity
    return out


def _allocate(
    tech: Technology, requests: FloatArray, order: IntArray, tol: float
) -> tuple[FloatArray, FloatArray]:
    """Fill requests plus the inputs they need, techniques in merit order.

    Returns activity and the overflow beyond all capacity (put on the dearest).
    """
    n = tech.n_products
    prods = tech.produces[order]
    cap = tech.capacity[order]
    starts = np.concatenate(([True], prods[1:] != prods[:-1]))
    group_start = np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))
    last = np.concatenate((prods[1:] != prods[:-1], [True]))
    finite = np.isfinite(cap)
    capf = np.where(finite, cap, 0.0)
    excl = np.cumsum(capf) - capf
    before = excl - excl[group_start]  # capacity of cheaper techniques of the product
    unlimited = (~finite).astype(np.int64)
    uncapped = np.cumsum(unlimited) - unlimited
    before = np.where(uncapped - uncapped[group_start] > 0, np.inf, before)
    activity = np.zeros(tech.n_techniques)
    for _ in range(10_000):
        gross = requests + tech.inputs @ activity
        need = gross[prods]
        room = np.maximum(need - before, 0.0)
        fill = np.where(last, room, np.minimum(room, cap))
        new = np.zeros(tech.n_techniques)
        new[order] = fill
        if float(np.max(np.abs(new - activity), initial=0.0)) <= tol * max(
            float(new.max(initial=0.0)), 1.0
        ):
            activity = new
            break
        activity = new
    else:
        raise PlanningError("the requests' inputs do not settle: is the economy productive?")
    over = np.maximum(activity - tech.capacity, 0.0)
    return activity, np.bincount(tech.produces, weights=over, minlength=n).astype(np.float64)


def participatory_plan(
    economy: Economy,
    wants: Sequence[Need] = (),
    *,
    elasticity: float = 1.0,
    step: float = 0.5,
    tol: float = 1e-7,
    max_rounds: int = 500,
) -> ParticipatoryResult:
    """Run rounds of proposals against indicative labour prices until they agree.

    Rule: the round structure in the module docstring; the board's markup moves
    by ``step × price × relative overrun`` each round.
    """
    tech = economy.technology()
    needs = economy.demand()
    extra = _vector(tech, wants)
    base = least_labour_plan(tech, needs + extra)
    p0 = np.maximum(base.values, 1e-12)
    prices = p0.copy()
    markup = np.zeros(tech.n_products)
    total_cap = np.bincount(tech.produces, weights=tech.capacity, minlength=tech.n_products)
    rounds: list[Round] = []
    activity = base.activity
    requests = needs + extra
    converged = False
    damping = np.ones(tech.n_products)
    last_direction = np.zeros(tech.n_products)
    for index in range(1, max_rounds + 1):
        requests = needs + extra * np.minimum(1.0, (p0 / prices) ** elasticity)
        costs = technique_costs(tech, prices)
        order = np.lexsort((costs, tech.produces))
        activity, overflow = _allocate(tech, requests, order, tol * 1e-3)
        gross = np.bincount(tech.produces, weights=activity, minlength=tech.n_products)
        finite = np.isfinite(total_cap) & (total_cap > 0)
        rel = np.where(finite, (gross - total_cap) / np.where(finite, total_cap, 1.0), 0.0)
        markup = np.where(finite, np.maximum(markup + step * prices * rel, 0.0), 0.0)
        used = activity > 0
        marginal = np.full(tech.n_products, -np.inf)
        np.maximum.at(marginal, tech.produces[used], costs[used])
        cheapest = np.full(tech.n_products, np.inf)
        np.minimum.at(cheapest, tech.produces, costs)
        marginal = np.where(np.isfinite(marginal), marginal, cheapest)
        target = np.maximum(marginal + markup, 1e-12)
        # The board moves each price towards its target; a price whose move
        # changes direction (a technique flipping in and out of use) moves by
        # half as much next time, so prices settle on the switching point.
        direction = np.sign(target - prices)
        damping = np.where(direction * last_direction < 0, damping * 0.5, damping)
        last_direction = np.where(direction != 0, direction, last_direction)
        new_prices = prices + damping * (target - prices)
        change = float(np.max(np.abs(new_prices - prices) / prices))
        overrun = float(
            np.max(np.where(finite, overflow / np.where(finite, total_cap, 1.0), 0.0), initial=0.0)
        )
        rounds.append(
            Round(
                index,
                tuple(prices.tolist()),
                tuple(requests.tolist()),
                float(tech.labour @ activity),
                overrun,
                change,
            )
        )
        prices = new_prices
        if change <= tol and overrun <= tol:
            converged = True
            break
    return ParticipatoryResult(
        rounds=tuple(rounds),
        converged=converged,
        activity=activity,
        prices=prices,
        requests=requests,
        labour=float(tech.labour @ activity),
    )
