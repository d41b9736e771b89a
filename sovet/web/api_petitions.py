"""API: members' petitions to their own body — convene it, put a motion on its agenda,
hold an election — with their progress. (Recall petitions are under ``/petitions``.)"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from sovet import actions
from sovet.errors import NotFound
from sovet.model import DemandStatus
from sovet.web import views
from sovet.web.auth import require_actor
from sovet.web.schemas_petitions import DemandIn, DemandOut
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter()
Actor = Annotated[str, Depends(require_actor)]


@router.get("/bodies/{body_id}/petitions", response_model=list[DemandOut], tags=["petitions"])
def petitions(
    request: Request, body_id: str, status: DemandStatus | None = None
) -> list[dict[str, Any]]:
    """The body's petitions, newest first."""
    with store_of(request).read() as s:
        s.kind_of(body_id)
        found = [
            d
            for d in s.demands.values()
            if d.body == body_id and (status is None or d.status is status)
        ]
        found.sort(key=lambda d: (d.opened_at, d.id), reverse=True)
        return [views.demand_out(s, d) for d in found]


@router.post(
    "/bodies/{body_id}/petitions", response_model=DemandOut, status_code=201, tags=["petitions"]
)
def open_petition(request: Request, body_id: str, body: DemandIn, actor: Actor) -> dict[str, Any]:
    """One of the body's own voters opens a petition (and signs it first). At the
    constitution's share of signatures it is acted on at once, by the log itself."""
    store = store_of(request)
    d = store.act(
        actions.open_demand,
        actor=actor,
        body=body_id,
        kind=body.kind,
        title=body.title,
        text=body.text,
        office=body.office,
    )
    with store.read() as s:
        return views.demand_out(s, s.demands[d.id])


def _demand(request: Request, body_id: str, demand_id: str) -> dict[str, Any]:
    with store_of(request).read() as s:
        d = s.get("demands", demand_id)
        if d.body != body_id:
            raise NotFound(f"no petition {demand_id!r} to {body_id}")
        return views.demand_out(s, d)


@router.get("/bodies/{body_id}/petitions/{demand_id}", response_model=DemandOut, tags=["petitions"])
def petition(request: Request, body_id: str, demand_id: str) -> dict[str, Any]:
    """One petition: signatures against the threshold, deadline, what it brought about."""
    return _demand(request, body_id, demand_id)


@router.post(
    "/bodies/{body_id}/petitions/{demand_id}/signatures",
    response_model=DemandOut,
    tags=["petitions"],
)
def sign(request: Request, body_id: str, demand_id: str, actor: Actor) -> dict[str, Any]:
    """One of the body's own voters signs."""
    _demand(request, body_id, demand_id)
    store_of(request).act(actions.sign_demand, actor=actor, demand=demand_id)
    return _demand(request, body_id, demand_id)
