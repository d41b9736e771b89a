"""API: production planning — periods and their declarations, production declared by a
workplace's convenor, needs by a council's convenor, the plan computed live, and the
plan put to a council as a reserved motion (which then follows the motion and
ratification flow: ``/motions/{id}``, ``/ratifications/{id}``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from sovet import actions
from sovet.actions.planning import PERIOD
from sovet.planning import plan_report
from sovet.web import views, views_planning
from sovet.web.auth import require_actor
from sovet.web.limits import heavy
from sovet.web.schemas import MotionDetail
from sovet.web.schemas_planning import (
    NeedsIn,
    PeriodDetail,
    PeriodOut,
    PlanOut,
    ProductionIn,
    ProposalIn,
)
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter(tags=["planning"])
Actor = Annotated[str, Depends(require_actor)]
Period = Annotated[
    str, Path(pattern=f"^{PERIOD.pattern}$", description="letters, digits, '.', '-', '_'")
]


def _detail(request: Request, period: str) -> dict[str, Any]:
    with store_of(request).read() as s:
        return views_planning.period_detail(s, period)


@router.get("/plans", response_model=list[PeriodOut])
def periods(request: Request) -> list[dict[str, Any]]:
    """Every period with declarations, newest name first."""
    with store_of(request).read() as s:
        return [views_planning.period_out(s, p) for p in views_planning.periods(s)]


@router.get("/plans/{period}", response_model=PeriodDetail)
def period(request: Request, period: Period) -> dict[str, Any]:
    """What each workplace can make (techniques: product, labour per unit, capacity,
    inputs per unit), what each council needs, and the plan motions with their
    ratification by the base."""
    return _detail(request, period)


@router.post("/plans/{period}/production", response_model=PeriodDetail, status_code=201)
def declare_production(
    request: Request, period: Period, body: ProductionIn, actor: Actor
) -> dict[str, Any]:
    """A producing unit's convenor declares its techniques for the period (replacing any
    earlier declaration). A wrong figure is refused with 422 naming the technique and
    the field; nothing is stored."""
    store_of(request).act(
        actions.declare_production,
        actor=actor,
        unit=body.unit,
        period=period,
        techniques=[t.model_dump() for t in body.techniques],
    )
    return _detail(request, period)


@router.post("/plans/{period}/needs", response_model=PeriodDetail, status_code=201)
def declare_needs(request: Request, period: Period, body: NeedsIn, actor: Actor) -> dict[str, Any]:
    """A council's convenor declares its constituents' needs (product → quantity)."""
    store_of(request).act(
        actions.declare_needs, actor=actor, council=body.council, period=period, needs=body.needs
    )
    return _detail(request, period)


@router.get("/plans/{period}/plan", response_model=PlanOut, dependencies=[Depends(heavy)])
def plan(request: Request, period: Period) -> dict[str, Any]:
    """The plan the declarations give, computed now: the least labour that meets every
    need within the capacities, or (status ``infeasible``) the needs that cannot be met
    with the capacities that bind behind them; targets per workplace, shadow prices of
    binding capacities, labour values per product. 422 names a declaration that makes
    no economy (an input no workplace makes)."""
    with store_of(request).read() as s:
        economy = views_planning.economy_of(s, period)
    return views_planning.plan_out(period, plan_report(economy))


@router.post("/plans/{period}/proposal", response_model=MotionDetail, status_code=201)
def propose(request: Request, period: Period, body: ProposalIn, actor: Actor) -> dict[str, Any]:
    """A delegate seated in the council (its convenor, typically) puts the plan to it as a
    motion on the reserved matter ``plan``; once passed it goes to the base units for
    ratification, and adopts the plan when they ratify."""
    store = store_of(request)
    m = store.act(actions.propose_plan, actor=actor, council=body.council, period=period)
    with store.read() as s:
        return views.motion_detail(s, s.motions[m.id])
