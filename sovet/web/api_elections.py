"""API: elections — open (on the constitution's terms), stand, nominate, withdraw, open
the vote, cast a secret ballot (a receipt back), close and count, the published ballots
(JSON and BLT), and a recount from them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse

from sovet import actions
from sovet.actions.elections import count_ballots
from sovet.errors import NotOpen
from sovet.model import Election, ElectionStatus
from sovet.web import views
from sovet.web.auth import require_actor
from sovet.web.blt import write_blt
from sovet.web.limits import heavy
from sovet.web.schemas import (
    BallotIn,
    BallotsOut,
    ElectionDetail,
    ElectionIn,
    ElectionOut,
    NominateIn,
    ReceiptOut,
    RecountOut,
    StandIn,
)
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter(tags=["elections"])
Actor = Annotated[str, Depends(require_actor)]


@router.get("/elections", response_model=list[ElectionOut])
def elections(
    request: Request,
    status: ElectionStatus | None = None,
    body: Annotated[str | None, Query(max_length=200)] = None,
) -> list[dict[str, Any]]:
    """Elections, newest first; by status, or by the body filled or voting."""
    with store_of(request).read() as s:
        found = [
            e
            for e in s.elections.values()
            if (status is None or e.status is status)
            and (body is None or body in (e.target, e.constituency))
        ]
        found.sort(key=lambda e: (e.opened_at, e.id), reverse=True)
        return [views.election_out(e) for e in found]


@router.post("/elections", response_model=ElectionDetail, status_code=201)
def open_election(request: Request, body: ElectionIn, actor: Actor) -> dict[str, Any]:
    """A convenor of the constituency opens an election; it takes nominations for the
    constitution's ``nomination_days``. Seats and method come from the constitution:
    other values are refused (422) naming the constitution key. With ``purpose``
    ``office`` and ``office`` (e.g. ``convenor``) it fills one of the body's offices, by
    its own voters; while the body has no convenor, any of its voters may open that one."""
    e = store_of(request).act(
        actions.open_election,
        actor=actor,
        constituency=body.constituency,
        target=body.target,
        purpose=body.purpose,
        office=body.office,
        seats=body.seats,
        method=body.method,
    )
    return views.election_detail(e)


@router.post("/elections/{election_id}/candidates", response_model=ElectionDetail)
def stand(request: Request, election_id: str, body: StandIn, actor: Actor) -> dict[str, Any]:
    """Stand as a candidate (or accept a nomination), with a statement shown on the
    ballot page; again, to change the statement. Any voter of the constituency, until
    voting opens."""
    e = store_of(request).act(
        actions.stand, actor=actor, election=election_id, statement=body.statement
    )
    return views.election_detail(e)


@router.post("/elections/{election_id}/nominations", response_model=ElectionDetail)
def nominate(request: Request, election_id: str, body: NominateIn, actor: Actor) -> dict[str, Any]:
    """Sign the nomination of another voter of the constituency; they become a candidate
    when they accept it by standing."""
    e = store_of(request).act(
        actions.nominate, actor=actor, election=election_id, member=body.member
    )
    return views.election_detail(e)


@router.post("/elections/{election_id}/withdraw", response_model=ElectionDetail)
def withdraw(request: Request, election_id: str, actor: Actor) -> dict[str, Any]:
    """Withdraw your own candidacy, before voting opens."""
    e = store_of(request).act(actions.withdraw, actor=actor, election=election_id)
    return views.election_detail(e)


@router.post("/elections/{election_id}/begin-voting", response_model=ElectionDetail)
def begin_voting(request: Request, election_id: str, actor: Actor) -> dict[str, Any]:
    """Open the vote once the nomination period is over: the candidates and the
    electorate are fixed. Any voter of the constituency may do it (409 before)."""
    e = store_of(request).act(actions.begin_voting, actor=actor, election=election_id)
    return views.election_detail(e)


@router.get("/elections/{election_id}", response_model=ElectionDetail)
def election(request: Request, election_id: str) -> dict[str, Any]:
    with store_of(request).read() as s:
        return views.election_detail(s.get("elections", election_id))


@router.post("/elections/{election_id}/ballots", response_model=ReceiptOut, status_code=201)
def cast_ballot(request: Request, election_id: str, body: BallotIn, actor: Actor) -> ReceiptOut:
    """Cast a secret ballot (candidates' member ids, most preferred first; for approval,
    the approved). The receipt is the only link to it: keep it to find your ballot among
    the published ones. A second ballot is refused with 409 ``already_voted``."""
    receipt = store_of(request).act(
        actions.cast_ballot, actor=actor, election=election_id, ranking=body.ranking
    )
    return ReceiptOut(receipt=receipt)


@router.post("/elections/{election_id}/close", response_model=ElectionDetail)
def close_election(request: Request, election_id: str, actor: Actor) -> dict[str, Any]:
    """Close the vote at its deadline (any voter of the constituency), or earlier once
    every elector has voted (409 otherwise); it is counted, the ballots published, the
    elected seated. The seed of any lot is derived from the log's head and the published
    ballots (docs/ledger.md), never drawn by the server, and recorded in the log."""
    e = store_of(request).act(actions.close_election, actor=actor, election=election_id)
    return views.election_detail(e)


def _counted(request: Request, election_id: str) -> Election:
    with store_of(request).read() as s:
        e: Election = s.get("elections", election_id)
    if e.status is not ElectionStatus.COUNTED:
        raise NotOpen(f"election {election_id} is not counted yet; its ballots are sealed")
    return e


@router.get("/elections/{election_id}/ballots", response_model=BallotsOut)
def published_ballots(request: Request, election_id: str) -> dict[str, Any]:
    """The anonymised ballots of a counted election, each under its receipt."""
    e = _counted(request, election_id)
    return {
        "election": e.id,
        "candidates": [
            {"member": c.member, "name": c.name, "faction": c.faction, "statement": c.statement}
            for c in e.candidates
        ],
        "ballots": [{"receipt": r, "ranking": list(k)} for k, r in e.ballots_published],
    }


@router.get(
    "/elections/{election_id}/ballots.blt",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}}},
)
def ballots_blt(request: Request, election_id: str) -> PlainTextResponse:
    """The published ballots as a BLT file, with the candidates' member ids as names."""
    e = _counted(request, election_id)
    with store_of(request).read() as s:
        title = f"{e.id}: {s.body_name(e.target)}"
    text = write_blt(
        [c.member for c in e.candidates], e.seats, [k for k, _ in e.ballots_published], title
    )
    return PlainTextResponse(
        text, headers={"Content-Disposition": f'attachment; filename="{e.id}.blt"'}
    )


@router.get(
    "/elections/{election_id}/recount", response_model=RecountOut, dependencies=[Depends(heavy)]
)
def recount(request: Request, election_id: str) -> dict[str, Any]:
    """Count the published ballots again, by the election's method and recorded seed,
    and say whether the result matches the one in the log."""
    e = _counted(request, election_id)
    if e.unopposed:
        raise NotOpen(f"election {election_id} was elected unopposed: there are no ballots")
    result = count_ballots(e, [k for k, _ in e.ballots_published], 0 if e.seed is None else e.seed)
    return {
        "election": e.id,
        "method": e.method,
        "seats": e.seats,
        "seed": e.seed,
        "ballots": len(e.ballots_published),
        "elected": list(result.elected_names),
        "recorded": list(e.elected),
        "matches": list(result.elected_names) == list(e.elected),
        "result": result.to_json(),
    }
