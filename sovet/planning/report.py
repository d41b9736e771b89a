"""A plan as people read it: targets, labour values, shortages and what causes them.

:func:`plan_report` solves an :class:`~sovet.planning.model.Economy` within its
capacities (:func:`~sovet.planning.lp.capacity_plan`), prices every product at its
labour value (the techniques that are cheapest in labour, ignoring capacities:
:func:`~sovet.planning.plan.choose_techniques`), and explains every unmet need by
the capacities that bind behind it.

Rule for the causes of a shortage of product ``p``: the products ``p`` depends on are
``p`` and, repeatedly, every input of every technique that makes one of them; a
capacity is a cause when its technique makes one of those products, is at its
capacity, and has a positive shadow price (one more unit of it would lessen the
shortfall). When no binding capacity has a positive shadow price, every binding one
upstream is named. Direct producers of ``p`` come first, then by shadow price.

>>> from sovet.planning.model import Need, Technique, Workplace
>>> e = Economy("x", ("grain",), (Workplace("Village", (Technique("field", "grain", 2.0,
...     capacity=100.0),)),), (Need("Soviet", "grain", 150.0),))
>>> r = plan_report(e)
>>> r.status, [(s.product, s.needed, round(s.available, 6)) for s in r.shortages]
('infeasible', [('grain', 150.0, 100.0)])
>>> [(c.workplace, c.technique) for c in r.shortages[0].causes]
[('Village', 'field')]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sovet.planning.lp import LpPlan, capacity_plan
from sovet.planning.model import Economy, Flow, Target, flows, targets
from sovet.planning.plan import choose_techniques

__all__ = ["Binding", "PlanReport", "Shortage", "plan_report"]

TINY = 1e-9


@dataclass(frozen=True, slots=True)
class Binding:
    """A technique at its capacity, and what one more unit of capacity would be worth."""

    workplace: str
    technique: str
    product: str
    capacity: float
    shadow_price: float


@dataclass(frozen=True, slots=True)
class Shortage:
    """A need that cannot be met: how much is needed, how much at most can be delivered
    for final use, and the binding capacities behind it."""

    product: str
    needed: float
    available: float
    short: float
    causes: tuple[Binding, ...]


@dataclass(frozen=True, slots=True, eq=False)
class PlanReport:
    """The plan for an economy with everything a reader or a motion needs."""

    economy: Economy
    plan: LpPlan
    targets: tuple[Target, ...]
    flows: tuple[Flow, ...]
    values: tuple[tuple[str, float], ...]
    """Labour value of every product (hours per unit), in the economy's product order."""
    binding: tuple[Binding, ...]
    shortages: tuple[Shortage, ...]

    @property
    def status(self) -> str:
        """``"optimal"`` when every need is met, else ``"infeasible"``."""
        return self.plan.status

    @property
    def labour(self) -> float:
        """Total hours of labour of the plan."""
        return self.plan.labour


def _upstream(economy: Economy, product: str) -> set[str]:
    """``product`` and every product used, directly or through inputs, to make it."""
    inputs: dict[str, set[str]] = {}
    for _, t in economy.techniques():
        inputs.setdefault(t.product, set()).update(p for p, a in t.inputs if a > 0)
    seen = {product}
    todo = [product]
    while todo:
        for p in inputs.get(todo.pop(), ()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def _causes(economy: Economy, product: str, binding: tuple[Binding, ...]) -> tuple[Binding, ...]:
    upstream = _upstream(economy, product)
    behind = [b for b in binding if b.product in upstream]
    priced = [b for b in behind if b.shadow_price > TINY]
    chosen = priced or behind
    return tuple(sorted(chosen, key=lambda b: (b.product != product, -b.shadow_price)))


def plan_report(economy: Economy) -> PlanReport:
    """Solve ``economy`` within its capacities and explain the result (see the module)."""
    tech = economy.technology()
    demand = economy.demand()
    plan = capacity_plan(tech, demand)
    _, values, _, _ = choose_techniques(tech)
    pairs = economy.techniques()
    binding = tuple(
        Binding(w.name, t.name, t.product, float(tech.capacity[k]), float(plan.shadow_prices[k]))
        for k, (w, t) in enumerate(pairs)
        if bool(plan.binding[k])
    )
    shortages = tuple(
        Shortage(
            product=p,
            needed=float(demand[i]),
            available=max(0.0, float(demand[i] - plan.unmet[i])),
            short=float(plan.unmet[i]),
            causes=_causes(economy, p, binding),
        )
        for i, p in enumerate(economy.products)
        if plan.unmet[i] > TINY
    )
    return PlanReport(
        economy=economy,
        plan=plan,
        targets=targets(economy, plan.activity),
        flows=flows(economy, plan.activity),
        values=tuple(zip(economy.products, np.asarray(values).tolist(), strict=True)),
        binding=binding,
        shortages=shortages,
    )
