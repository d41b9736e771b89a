"""API: motions (propose, amend, vote, close, forward, roll call), recall petitions,
and ratifications from below."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from sovet import actions
from sovet.model import MotionStatus, PetitionStatus, RatificationStatus
from sovet.web import views
from sovet.web.auth import require_actor
from sovet.web.schemas import (
    AmendmentDecision,
    AmendmentIn,
    ForwardIn,
    MotionDetail,
    MotionIn,
    MotionOut,
    Ok,
    PetitionIn,
    PetitionOut,
    RatificationOut,
    RollCallVote,
    VoteIn,
    VoteOut,
)
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter()
Actor = Annotated[str, Depends(require_actor)]


def _detail(request: Request, motion_id: str) -> dict[str, Any]:
    with store_of(request).read() as s:
        return views.motion_detail(s, s.get("motions", motion_id))


@router.get("/motions", response_model=list[MotionOut], tags=["motions"])
def motions(
    request: Request,
    body: Annotated[str | None, Query(max_length=200)] = None,
    status: MotionStatus | None = None,
) -> list[dict[str, Any]]:
    """Motions, newest first; by body and status."""
    with store_of(request).read() as s:
        found = [
            m
            for m in s.motions.values()
            if (body is None or m.body == body) and (status is None or m.status is status)
        ]
        found.sort(key=lambda m: (m.proposed_at, m.id), reverse=True)
        return [views.motion_out(m) for m in found]


@router.post("/motions", response_model=MotionDetail, status_code=201, tags=["motions"])
def propose(request: Request, body: MotionIn, actor: Actor) -> dict[str, Any]:
    """A member (unit) or seated delegate (council) puts a motion."""
    m = store_of(request).act(
        actions.propose_motion,
        actor=actor,
        body=body.body,
        title=body.title,
        text=body.text,
        kind=body.kind,
        matter=body.matter,
        payload=dict(body.payload),
    )
    return _detail(request, m.id)


@router.get("/motions/{motion_id}", response_model=MotionDetail, tags=["motions"])
def motion(request: Request, motion_id: str) -> dict[str, Any]:
    return _detail(request, motion_id)


@router.get("/motions/{motion_id}/roll-call", response_model=list[RollCallVote], tags=["motions"])
def roll_call(request: Request, motion_id: str) -> list[dict[str, Any]]:
    """How each delegate voted, in order; votes against a binding instruction flagged."""
    detail: list[dict[str, Any]] = _detail(request, motion_id)["roll_call"]
    return detail


@router.post("/motions/{motion_id}/amendments", response_model=MotionDetail, tags=["motions"])
def amend(request: Request, motion_id: str, body: AmendmentIn, actor: Actor) -> dict[str, Any]:
    store_of(request).act(actions.amend_motion, actor=actor, motion=motion_id, text=body.text)
    return _detail(request, motion_id)


@router.post(
    "/motions/{motion_id}/amendments/{amendment_id}/decision",
    response_model=MotionDetail,
    tags=["motions"],
)
def decide_amendment(
    request: Request, motion_id: str, amendment_id: str, body: AmendmentDecision, actor: Actor
) -> dict[str, Any]:
    """A convenor records the body's decision on an amendment."""
    store_of(request).act(
        actions.decide_amendment,
        actor=actor,
        motion=motion_id,
        amendment=amendment_id,
        accepted=body.accepted,
        new_text=body.new_text,
    )
    return _detail(request, motion_id)


@router.post("/motions/{motion_id}/voting", response_model=MotionDetail, tags=["motions"])
def open_voting(request: Request, motion_id: str, actor: Actor) -> dict[str, Any]:
    store_of(request).act(actions.open_voting, actor=actor, motion=motion_id)
    return _detail(request, motion_id)


@router.post(
    "/motions/{motion_id}/votes", response_model=VoteOut, status_code=201, tags=["motions"]
)
def vote(request: Request, motion_id: str, body: VoteIn, actor: Actor) -> VoteOut:
    """Vote yes, no or abstain: by open roll call in a council, by secret ballot (a
    receipt back) in an assembly that votes secretly. A second vote gets 409."""
    receipt = store_of(request).act(actions.vote, actor=actor, motion=motion_id, choice=body.choice)
    return VoteOut(receipt=receipt)


@router.post("/motions/{motion_id}/close", response_model=MotionDetail, tags=["motions"])
def close(request: Request, motion_id: str, actor: Actor) -> dict[str, Any]:
    store_of(request).act(actions.close_motion, actor=actor, motion=motion_id)
    return _detail(request, motion_id)


@router.post("/motions/{motion_id}/forward", response_model=MotionDetail, tags=["motions"])
def forward(request: Request, motion_id: str, body: ForwardIn, actor: Actor) -> dict[str, Any]:
    """Send the motion on to another body; answers with the new motion there."""
    m = store_of(request).act(actions.forward_motion, actor=actor, motion=motion_id, to=body.to)
    return _detail(request, m.id)


# ---- recall petitions ---------------------------------------------------------------------


@router.get("/petitions", response_model=list[PetitionOut], tags=["recall"])
def petitions(request: Request, status: PetitionStatus | None = None) -> list[dict[str, Any]]:
    with store_of(request).read() as s:
        found = [p for p in s.petitions.values() if status is None or p.status is status]
        found.sort(key=lambda p: (p.opened_at, p.id), reverse=True)
        return [views.petition_out(s, p) for p in found]


@router.get("/petitions/{petition_id}", response_model=PetitionOut, tags=["recall"])
def petition(request: Request, petition_id: str) -> dict[str, Any]:
    with store_of(request).read() as s:
        return views.petition_out(s, s.get("petitions", petition_id))


@router.post("/petitions", response_model=PetitionOut, status_code=201, tags=["recall"])
def open_petition(request: Request, body: PetitionIn, actor: Actor) -> dict[str, Any]:
    """A constituent opens a recall petition against their delegate (and signs it)."""
    p = store_of(request).act(
        actions.open_petition, actor=actor, mandate=body.mandate, reason=body.reason
    )
    return petition(request, p.id)


@router.post("/petitions/{petition_id}/signatures", response_model=PetitionOut, tags=["recall"])
def sign(request: Request, petition_id: str, actor: Actor) -> dict[str, Any]:
    """Sign; at the constitution's threshold the recall vote opens."""
    store_of(request).act(actions.sign_petition, actor=actor, petition=petition_id)
    return petition(request, petition_id)


# ---- ratifications ------------------------------------------------------------------------


@router.get("/ratifications", response_model=list[RatificationOut], tags=["ratification"])
def ratifications(
    request: Request, status: RatificationStatus | None = None
) -> list[dict[str, Any]]:
    """Motions on reserved matters and how far the base units have ratified them."""
    with store_of(request).read() as s:
        found = [r for r in s.ratifications.values() if status is None or r.status is status]
        found.sort(key=lambda r: (r.opened_at, r.motion), reverse=True)
        return [views.ratification_out(s, r) for r in found]


@router.get("/ratifications/{motion_id}", response_model=RatificationOut, tags=["ratification"])
def ratification(request: Request, motion_id: str) -> dict[str, Any]:
    with store_of(request).read() as s:
        return views.ratification_out(s, s.get("ratifications", motion_id))


@router.post("/ratifications/{motion_id}/expire", response_model=Ok, tags=["ratification"])
def expire(request: Request, motion_id: str, actor: Actor) -> Ok:
    """After its period, record that a ratification did not gather its majority."""
    store_of(request).act(actions.expire_ratification, actor=actor, motion=motion_id)
    return Ok()
