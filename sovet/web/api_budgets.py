"""API: participatory budgets — open, cast a secret approval ballot (a receipt back),
close and count, the published pabulib instance, and a recount from it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse

from sovet import actions
from sovet.actions.budgets import recount_budget
from sovet.counting.pabulib import parse_pabulib
from sovet.errors import NotOpen
from sovet.federation import State
from sovet.model import Budget, ElectionStatus
from sovet.web.auth import require_actor
from sovet.web.limits import heavy
from sovet.web.schemas import ReceiptOut
from sovet.web.schemas_budgets import (
    BudgetBallotIn,
    BudgetDetail,
    BudgetIn,
    BudgetOut,
    BudgetRecountOut,
)
from sovet.web.store import store_of

__all__ = ["approvals_of", "budget_detail", "budget_out", "router"]

router = APIRouter(tags=["budgets"])
Actor = Annotated[str, Depends(require_actor)]


def approvals_of(b: Budget) -> tuple[dict[str, int], dict[str, int]]:
    """How many published ballots support each project (approve it, or give it a point),
    and the points each received (for approval ballots, the approvals again); both
    empty while the box is sealed."""
    if b.status is not ElectionStatus.COUNTED or not b.instance:
        return {}, {}
    instance = parse_pabulib(b.instance, path=f"budget {b.id}")
    ids = instance.project_ids
    return (
        dict(zip(ids, (int(n) for n in instance.approvals()), strict=True)),
        dict(zip(ids, (int(n) for n in instance.points()), strict=True)),
    )


def budget_out(s: State, b: Budget) -> dict[str, Any]:
    return {
        "id": b.id,
        "body": b.body,
        "title": b.title,
        "total": b.total,
        "rule": b.rule,
        "vote_type": b.vote_type,
        "max_points": b.max_points or None,
        "status": b.status,
        "opened_at": b.opened_at,
        "opened_by": b.opened_by,
        "voted": len(b.voters),
        "electorate": len(b.electorate if b.status is ElectionStatus.OPEN else s.voters_of(b.body)),
        "deadline": b.deadline,
        "selected": list(b.selected),
        "cost": b.cost,
    }


def budget_detail(s: State, b: Budget) -> dict[str, Any]:
    out = budget_out(s, b)
    approvals, points = approvals_of(b)
    counted = b.status is ElectionStatus.COUNTED
    out["projects"] = [
        {
            "id": p.id,
            "name": p.name,
            "cost": p.cost,
            "approvals": approvals.get(p.id, 0) if counted else None,
            "points": points.get(p.id, 0) if counted and b.vote_type == "scoring" else None,
            "selected": p.id in b.selected,
        }
        for p in b.projects
    ]
    out["result"] = b.result
    return out


@router.get("/budgets", response_model=list[BudgetOut])
def budgets(
    request: Request,
    status: ElectionStatus | None = None,
    body: Annotated[str | None, Query(max_length=200)] = None,
) -> list[dict[str, Any]]:
    """Participatory budgets, newest first; by status, or by the unit or council."""
    with store_of(request).read() as s:
        found = [
            b
            for b in s.budgets.values()
            if (status is None or b.status is status) and (body is None or b.body == body)
        ]
        found.sort(key=lambda b: (b.opened_at, b.id), reverse=True)
        return [budget_out(s, b) for b in found]


@router.post("/budgets", response_model=BudgetDetail, status_code=201)
def open_budget(request: Request, body: BudgetIn, actor: Actor) -> dict[str, Any]:
    """A convenor of the unit or council opens a budget of ``total`` over its projects
    (the rule defaults to the Method of Equal Shares with add1 completion)."""
    store = store_of(request)
    b = store.act(
        actions.open_budget,
        actor=actor,
        body=body.body,
        title=body.title,
        total=body.total,
        projects=[(p.id, p.name, p.cost) for p in body.projects],
        rule=body.rule,
        vote_type=body.vote_type,
        max_points=body.max_points or 0,
    )
    with store.read() as s:
        return budget_detail(s, b)


@router.get("/budgets/{budget_id}", response_model=BudgetDetail)
def budget(request: Request, budget_id: str) -> dict[str, Any]:
    """One budget: its projects and costs, turnout, and once counted what it funds."""
    with store_of(request).read() as s:
        return budget_detail(s, s.get("budgets", budget_id))


@router.post("/budgets/{budget_id}/ballots", response_model=ReceiptOut, status_code=201)
def cast_ballot(request: Request, budget_id: str, body: BudgetBallotIn, actor: Actor) -> ReceiptOut:
    """Cast a secret ballot: ``approved`` project ids, or for a scoring budget ``points``
    (project id to points, 0 to the budget's ``max_points``). The receipt is the voter
    id of your ballot in the published instance; a second ballot is refused with 409."""
    receipt = store_of(request).act(
        actions.cast_budget_ballot,
        actor=actor,
        budget_id=budget_id,
        approved=body.approved or (),
        points=body.points,
    )
    return ReceiptOut(receipt=receipt)


@router.post("/budgets/{budget_id}/close", response_model=BudgetDetail)
def close_budget(request: Request, budget_id: str, actor: Actor) -> dict[str, Any]:
    """A convenor closes the vote; it is counted by the budget's rule and the instance
    published. The seed of any lot is derived from the log's head and the published
    ballots (docs/ledger.md), never drawn by the server, and recorded in the log."""
    store = store_of(request)
    b = store.act(actions.close_budget, actor=actor, budget_id=budget_id)
    with store.read() as s:
        return budget_detail(s, b)


def _counted(request: Request, budget_id: str) -> Budget:
    with store_of(request).read() as s:
        b: Budget = s.get("budgets", budget_id)
    if b.status is not ElectionStatus.COUNTED:
        raise NotOpen(f"budget {budget_id} is not counted yet; its ballots are sealed")
    return b


@router.get(
    "/budgets/{budget_id}/instance.pb",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}}},
)
def instance(request: Request, budget_id: str) -> PlainTextResponse:
    """The published instance (pabulib): projects, costs and the anonymised ballots,
    each under its receipt. Public once the budget is counted; 409 before."""
    b = _counted(request, budget_id)
    return PlainTextResponse(
        b.instance, headers={"Content-Disposition": f'attachment; filename="{b.id}.pb"'}
    )


@router.get(
    "/budgets/{budget_id}/recount", response_model=BudgetRecountOut, dependencies=[Depends(heavy)]
)
def recount(request: Request, budget_id: str) -> dict[str, Any]:
    """Count the published instance again, by the budget's rule and recorded seed, and
    say whether the result matches the one in the log."""
    b = _counted(request, budget_id)
    return {"budget": b.id, "rule": b.rule, **recount_summary(b)}


def recount_summary(b: Budget) -> dict[str, Any]:
    """The published instance of a counted budget counted again by its rule and recorded
    seed, beside the result in the log, and whether the two match (API and page)."""
    result = recount_budget(b)
    return {
        "seed": result.seed,
        "ballots": parse_pabulib(b.instance).num_voters,
        "selected": list(result.selected_ids),
        "recorded": list(b.selected),
        "cost": result.cost,
        "matches": list(result.selected_ids) == list(b.selected) and result.cost == b.cost,
        "result": result.to_json(),
    }
