"""Production planning in the federation: workplaces declare what they can make, councils
declare needs, and the plan goes to a council as a reserved motion that the base ratifies.

Quantities travel through the log as decimal strings (the log holds no floats); the
planner solves in floating point and reports its residuals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sovet import rules
from sovet.errors import InputError, NotFound, PlanningError
from sovet.federation import State
from sovet.model import BodyKind, Motion, MotionKind, UnitKind
from sovet.planning import Economy, Need, Technique, Workplace, capacity_plan, targets, validate
from sovet.storage import Database

__all__ = ["declare_needs", "declare_production", "economy_for", "propose_plan"]

PRODUCING = frozenset({UnitKind.WORKPLACE, UnitKind.COOP, UnitKind.VILLAGE, UnitKind.OTHER})


def _decimal(value: object, where: str) -> str:
    """A non-negative quantity as an exact decimal string (rounded to nine decimal places).

    >>> _decimal("0.50", "x"), _decimal(2.5e-12, "x"), _decimal(3, "x")
    ('0.5', '0', '3')
    """
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InputError(f"{where}: {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise InputError(f"{where}: {value!r} must be a number ≥ 0")
    if number and number.adjusted() > 15:
        raise InputError(f"{where}: {value!r} is too large (at most 16 digits before the point)")
    return format(round(number, 9).normalize(), "f")  # nine decimal places at most


PERIOD = re.compile(r"[\w.-]{1,50}")
"""A period's name: letters, digits, ``.``, ``-`` and ``_`` (it goes into addresses)."""


def _period(period: str) -> str:
    if not PERIOD.fullmatch(period):
        raise InputError(
            f"period {period!r}: use 1 to 50 letters, digits, '.', '-' or '_' (e.g. 1918-Q1)"
        )
    return period


def declare_production(
    db: Database,
    *,
    actor: str,
    unit: str,
    period: str,
    techniques: Sequence[Mapping[str, Any]],
    at: str | None = None,
) -> None:
    """A workplace committee declares its techniques for ``period``: for each, the product,
    labour hours per unit, capacity (or none) and inputs per unit."""
    _period(period)
    rows = []
    names: set[str] = set()
    for i, t in enumerate(techniques, start=1):
        where = f"technique {i} ({t.get('name', '?')})"
        name, product = str(t.get("name", "")).strip(), str(t.get("product", "")).strip()
        if not name or not product:
            raise InputError(f"{where}: a name and a product are needed")
        if name in names:
            raise InputError(f"{where}: another technique has the name {name!r}")
        names.add(name)
        inputs = []
        for p, a in dict(t.get("inputs", {})).items():
            if not str(p).strip():
                raise InputError(f"{where}: an input has no product name")
            amount = _decimal(a, f"{where}, input {p}")
            if str(p).strip() == product and Decimal(amount) >= 1:
                raise InputError(
                    f"{where}, input {p}: uses {amount} {p} per unit of {p}; "
                    "it can never make any net output"
                )
            inputs.append([str(p).strip(), amount])
        capacity = t.get("capacity")
        rows.append(
            {
                "name": name,
                "product": product,
                "labour": _decimal(t.get("labour"), f"{where}, labour"),
                "capacity": None if capacity is None else _decimal(capacity, f"{where}, capacity"),
                "inputs": inputs,
            }
        )
    if not rows:
        raise InputError("declare at least one technique")
    with db.writing() as w:
        rules.check_convenor(w.state, actor, unit)
        if w.state.kind_of(unit) is not BodyKind.UNIT or w.state.units[unit].kind not in PRODUCING:
            raise InputError(f"{unit} is not a producing unit")
        w.append(
            "production.declared",
            actor,
            {"body": unit, "period": period, "techniques": rows},
            at=at,
        )


def declare_needs(
    db: Database,
    *,
    actor: str,
    council: str,
    period: str,
    needs: Mapping[str, object],
    at: str | None = None,
) -> None:
    """A council declares the final demand of its constituents for ``period``."""
    _period(period)
    rows = []
    for p, q in needs.items():
        if not str(p).strip():
            raise InputError("a need has no product name")
        rows.append([str(p).strip(), _decimal(q, f"need for {p}")])
    if not rows:
        raise InputError("declare at least one need")
    with db.writing() as w:
        rules.check_convenor(w.state, actor, council)
        if council not in w.state.councils:
            raise NotFound(f"no council {council!r}")
        w.append("needs.declared", actor, {"body": council, "period": period, "needs": rows}, at=at)


def economy_for(state: State, period: str) -> Economy:
    """The economy the declarations for ``period`` describe."""
    workplaces: list[Workplace] = []
    needs: list[Need] = []
    products: dict[str, None] = {}
    for key, d in sorted(state.declarations.items()):
        if not key.startswith(f"{period}|"):
            continue
        if d["kind"] == "production":
            techniques = tuple(
                Technique(
                    name=t["name"],
                    product=t["product"],
                    labour=float(t["labour"]),
                    inputs=tuple((p, float(a)) for p, a in t["inputs"]),
                    capacity=None if t["capacity"] is None else float(t["capacity"]),
                )
                for t in d["techniques"]
            )
            for t in techniques:
                products.setdefault(t.product)
                for p, _ in t.inputs:
                    products.setdefault(p)
            workplaces.append(Workplace(name=d["body"], techniques=techniques))
        else:
            needs += [Need(council=d["body"], product=p, quantity=float(q)) for p, q in d["needs"]]
    if not workplaces or not needs:
        raise PlanningError(f"period {period!r} has no production or no needs declared")
    for n in needs:
        products.setdefault(n.product)
    return validate(
        Economy(
            name=period, products=tuple(products), workplaces=tuple(workplaces), needs=tuple(needs)
        )
    )


def _figure(x: float) -> str:
    return f"{x:.6g}"


def propose_plan(
    db: Database, *, actor: str, council: str, period: str, motion_id: str | None = None
) -> Motion:
    """Solve the plan for ``period`` and put it to ``council`` as a reserved motion.

    The motion carries the plan (targets per workplace, total labour, unmet needs,
    binding capacities) and, once ratified by the base, adopts it.
    """
    from sovet.actions.motions import propose_motion

    economy = economy_for(db.state, period)
    tech = economy.technology()
    plan = capacity_plan(tech, economy.demand())
    summary: dict[str, Any] = {
        "period": period,
        "status": plan.status,
        "labour": _figure(plan.labour),
        "targets": [
            {
                "workplace": t.workplace,
                "technique": t.technique,
                "product": t.product,
                "quantity": _figure(t.quantity),
                "labour": _figure(t.labour),
            }
            for t in targets(economy, plan.activity)
        ],
        "unmet": {
            p: _figure(u) for p, u in zip(tech.products, plan.unmet.tolist(), strict=True) if u > 0
        },
        "binding": [tech.techniques[k] for k, b in enumerate(plan.binding.tolist()) if b],
    }
    lines = [f"Plan for {period}: {summary['status']}, {summary['labour']} hours of labour."]
    lines += [
        f"- {t['workplace']}: {t['quantity']} {t['product']} ({t['technique']})"
        for t in summary["targets"]
    ]
    if summary["unmet"]:
        lines.append(
            "Needs that cannot be met: "
            + ", ".join(f"{p} short by {q}" for p, q in summary["unmet"].items())
        )
    return propose_motion(
        db,
        actor=actor,
        body=council,
        title=f"Production plan for {period}",
        text="\n".join(lines),
        kind=MotionKind.RESERVED,
        matter="plan",
        payload={
            "effect": "adopt-plan",
            "period": period,
            "plan": json.dumps(summary, sort_keys=True),
        },
        motion_id=motion_id,
    )
