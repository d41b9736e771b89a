"""Handlers for the economy: participatory budgets, plan declarations, land divisions."""

from __future__ import annotations

from dataclasses import replace

from sovet.federation.elections import took_part
from sovet.federation.state import Event, State, add_days
from sovet.model import (
    Budget,
    BudgetProject,
    ElectionStatus,
    LandDivision,
    LandHousehold,
    LandParcel,
    LandShare,
)

__all__ = ["budget_ballot", "budget_counted", "budget_opened", "declared", "land_divided"]


def budget_opened(s: State, e: Event) -> None:
    d = e.data
    budget = Budget(
        id=d["id"],
        body=d["body"],
        title=d["title"],
        total=int(d["total"]),
        projects=tuple(
            BudgetProject(id=p["id"], name=p["name"], cost=int(p["cost"])) for p in d["projects"]
        ),
        rule=d["rule"],
        opened_at=e.at,
        opened_by=e.actor or "",
        vote_type=d.get("vote_type", "approval"),
        max_points=int(d.get("max_points", 0)),
        electorate=s.voters_of(d["body"]),
    )
    days = s.rules().rules_for(budget.body, s.kind_name(budget.body)).voting_days
    budget = replace(budget, deadline=d.get("deadline") or add_days(e.at, days))
    s.put("budgets", budget.id, budget)


def budget_ballot(s: State, e: Event) -> None:
    budget = s.budgets[e.data["budget"]]
    member = e.data["member"]
    s.budgets[budget.id] = replace(budget, voters=budget.voters | {member})
    took_part(s, budget.id, member)


def budget_counted(s: State, e: Event) -> None:
    d = e.data
    budget = s.budgets[d["budget"]]
    budget = replace(
        budget,
        status=ElectionStatus.COUNTED,
        selected=tuple(d["selected"]),
        cost=int(d["cost"]),
        instance=d["instance"],
        result=d["result"],
    )
    s.put("budgets", budget.id, budget)


def declared(s: State, e: Event) -> None:
    """A workplace's production or a council's needs for a period (replaces an earlier one)."""
    d = e.data
    kind = "production" if e.type == "production.declared" else "needs"
    s.put("declarations", f"{d['period']}|{d['body']}", {"kind": kind, **d})


def land_divided(s: State, e: Event) -> None:
    """A base unit's division of its land, inputs and outputs as published."""
    d = e.data
    division = LandDivision(
        id=d["id"],
        unit=d["unit"],
        title=d["title"],
        norm=d["norm"],
        cut=d["cut"],
        parcels=tuple(LandParcel(p["id"], p["area"], p["quality"]) for p in d["parcels"]),
        households=tuple(
            LandHousehold(h["name"], int(h["eaters"]), int(h["workers"])) for h in d["households"]
        ),
        shares=tuple(LandShare(x["household"], x["parcel"], x["area"]) for x in d["shares"]),
        entitlement=tuple((x["household"], x["area"]) for x in d["entitlement"]),
        received=tuple((x["household"], x["area"]) for x in d["received"]),
        envy=d["envy"],
        proportionality=d["proportionality"],
        at=e.at,
        by=e.actor or "",
    )
    s.put("land", division.id, division)
