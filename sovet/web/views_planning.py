"""Reads for production planning: periods, their declarations, the plan computed live.

Pure functions of the state (and of a :class:`~sovet.planning.PlanReport`); each
matches a response model in :mod:`sovet.web.schemas_planning`. Quantities go out as
decimal strings, rounded to six decimal places (the planner solves in floating point).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sovet.actions.planning import economy_for
from sovet.errors import NotFound
from sovet.federation import State
from sovet.model import Motion
from sovet.planning import Binding, Economy, PlanReport
from sovet.web.views import motion_out, ratification_out

__all__ = [
    "binding_out",
    "declarations_of",
    "economy_of",
    "figure",
    "period_detail",
    "period_out",
    "periods",
    "plan_motions",
    "plan_out",
]


def figure(x: float) -> str:
    """A quantity from the planner as a decimal string, to six decimal places.

    >>> figure(2.9999999999), figure(1000.0), figure(0.125), figure(-1e-12)
    ('3', '1000', '0.125', '0')
    """
    text = format(Decimal(f"{x:.6f}").normalize(), "f")
    return "0" if text in ("-0", "0") else text


def periods(s: State) -> list[str]:
    """Every period something was declared for, newest name first."""
    return sorted({key.split("|", 1)[0] for key in s.declarations}, reverse=True)


def declarations_of(s: State, period: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The production and the needs declared for ``period``, by body (as logged)."""
    production: list[dict[str, Any]] = []
    needs: list[dict[str, Any]] = []
    for key, d in sorted(s.declarations.items()):
        if key.split("|", 1)[0] != period:
            continue
        (production if d["kind"] == "production" else needs).append(d)
    return production, needs


def plan_motions(s: State, period: str) -> list[Motion]:
    """The motions that would adopt a plan for ``period``, newest first."""
    found = [
        m
        for m in s.motions.values()
        if m.payload.get("effect") == "adopt-plan" and m.payload.get("period") == period
    ]
    found.sort(key=lambda m: (m.proposed_at, m.id), reverse=True)
    return found


def _adopted_by(s: State, period: str) -> str | None:
    plan = s.plans.get(period)
    return None if plan is None else plan["motion"]


def period_out(s: State, period: str) -> dict[str, Any]:
    production, needs = declarations_of(s, period)
    if not production and not needs:
        raise NotFound(f"nothing is declared for period {period!r}")
    products: dict[str, None] = {}
    for d in production:
        for t in d["techniques"]:
            products.setdefault(t["product"])
    for d in needs:
        for p, _ in d["needs"]:
            products.setdefault(p)
    return {
        "period": period,
        "workplaces": len(production),
        "councils": len(needs),
        "products": list(products),
        "adopted_by": _adopted_by(s, period),
        "motions": [m.id for m in plan_motions(s, period)],
    }


def period_detail(s: State, period: str) -> dict[str, Any]:
    """A period: who declared what, and the plan motions with their ratifications."""
    out = period_out(s, period)
    production, needs = declarations_of(s, period)
    motions = plan_motions(s, period)
    out.update(
        production=[
            {
                "workplace": d["body"],
                "name": s.body_name(d["body"]),
                "techniques": [
                    {
                        "name": t["name"],
                        "product": t["product"],
                        "labour": t["labour"],
                        "capacity": t["capacity"],
                        "inputs": dict(t["inputs"]),
                    }
                    for t in d["techniques"]
                ],
            }
            for d in production
        ],
        needs=[
            {
                "council": d["body"],
                "name": s.body_name(d["body"]),
                "needs": dict(d["needs"]),
            }
            for d in needs
        ],
        plan_motions=[motion_out(m) for m in motions],
        ratifications=[
            ratification_out(s, s.ratifications[m.id]) for m in motions if m.id in s.ratifications
        ],
    )
    return out


def economy_of(s: State, period: str) -> Economy:
    """The economy of ``period`` (NotFound when nothing is declared for it)."""
    period_out(s, period)
    return economy_for(s, period)


def binding_out(b: Binding) -> dict[str, str]:
    return {
        "workplace": b.workplace,
        "technique": b.technique,
        "product": b.product,
        "capacity": figure(b.capacity),
        "shadow_price": figure(b.shadow_price),
    }


def plan_out(period: str, r: PlanReport) -> dict[str, Any]:
    """The plan as the API gives it (see :class:`~sovet.web.schemas_planning.PlanOut`)."""
    needs: dict[str, float] = {}
    for n in r.economy.needs:
        needs[n.product] = needs.get(n.product, 0.0) + n.quantity
    return {
        "period": period,
        "status": r.status,
        "labour": figure(r.labour),
        "targets": [
            {
                "workplace": t.workplace,
                "technique": t.technique,
                "product": t.product,
                "quantity": figure(t.quantity),
                "labour": figure(t.labour),
                "inputs": {p: figure(a) for p, a in t.inputs},
            }
            for t in r.targets
        ],
        "unmet": [
            {
                "product": x.product,
                "needed": figure(x.needed),
                "available": figure(x.available),
                "short": figure(x.short),
                "causes": [binding_out(b) for b in x.causes],
            }
            for x in r.shortages
        ],
        "binding": [binding_out(b) for b in r.binding],
        "labour_values": {p: figure(v) for p, v in r.values},
        "needs": {p: figure(q) for p, q in needs.items()},
    }
