"""API: the federation, its units, councils, members, factions and mandates."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from sovet import actions
from sovet.errors import Forbidden
from sovet.web import views
from sovet.web.auth import require_actor, require_member
from sovet.web.schemas import (
    AccountEventOut,
    CouncilDetail,
    CouncilIn,
    CouncilOut,
    FactionChoice,
    FactionOut,
    FederationOut,
    HeadOut,
    JoinCouncilIn,
    JoinIn,
    MandateOut,
    MemberOut,
    Ok,
    UnitDetail,
    UnitIn,
    UnitOut,
)
from sovet.web.schemas_petitions import FactionDetail, FoundingIn, FoundingOut
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter()
Actor = Annotated[str, Depends(require_actor)]
MemberActor = Annotated[str, Depends(require_member)]


@router.get("/federation", response_model=FederationOut, tags=["federation"])
def federation(request: Request) -> dict[str, Any]:
    """The federation at a glance, with the signed head of its log."""
    store = store_of(request)
    head = store.db.latest_head()
    with store.read() as s:
        return views.federation_out(s, head)


@router.get("/federation/head", response_model=HeadOut | None, tags=["ledger"])
def federation_head(request: Request) -> dict[str, Any] | None:
    """The latest signed tree head (same as /ledger/head)."""
    store = store_of(request)
    head = store.db.latest_head()
    with store.read() as s:
        return views.head_out(head, s.public_key)


@router.get("/units", response_model=list[UnitOut], tags=["federation"])
def units(request: Request) -> list[dict[str, Any]]:
    with store_of(request).read() as s:
        return [views.unit_out(s, u) for u in sorted(s.units.values(), key=lambda u: u.id)]


@router.get("/units/{unit_id}", response_model=UnitDetail, tags=["federation"])
def unit(request: Request, unit_id: str) -> dict[str, Any]:
    with store_of(request).read() as s:
        return views.unit_detail(s, s.get("units", unit_id))


@router.post("/units/{unit_id}/members", response_model=Ok, tags=["federation"])
def admit(request: Request, unit_id: str, body: JoinIn, actor: Actor) -> Ok:
    """A convenor of the unit admits an existing member, where the constitution's
    ``admission`` is "convenors" (newcomers come by invitation); never the operator."""
    store_of(request).act(actions.join_unit, actor=actor, unit=unit_id, member=body.member)
    return Ok()


@router.post("/units/{unit_id}/admission-requests", response_model=Ok, tags=["federation"])
def ask(request: Request, unit_id: str, actor: MemberActor) -> Ok:
    """The signed-in member asks to join a unit whose assembly admits: a motion of it."""
    store_of(request).act(actions.request_admission, actor=actor, unit=unit_id)
    return Ok()


@router.post("/units/{unit_id}/challenges", response_model=Ok, tags=["federation"])
def challenge(request: Request, unit_id: str, body: JoinIn, actor: Actor) -> Ok:
    """A member of the unit challenges another's admission: the assembly votes at once on
    a motion that removes them if it passes."""
    store_of(request).act(
        actions.challenge_admission, actor=actor, unit=unit_id, member=body.member
    )
    return Ok()


@router.post("/units/{unit_id}/leave", response_model=Ok, tags=["federation"])
def leave(request: Request, unit_id: str, actor: MemberActor) -> Ok:
    """The signed-in member leaves the unit (nobody else can make them)."""
    store = store_of(request)
    with store.read() as s:
        if actor not in s.get("units", unit_id).members:
            raise Forbidden(f"{actor} is not a member of {s.body_name(unit_id)}")
    store.act(actions.leave_unit, actor=actor, unit=unit_id, member=actor)
    return Ok()


@router.get("/councils", response_model=list[CouncilOut], tags=["federation"])
def councils(request: Request) -> list[dict[str, Any]]:
    with store_of(request).read() as s:
        return [views.council_out(s, c) for c in sorted(s.councils.values(), key=lambda c: c.id)]


@router.get("/councils/{council_id}", response_model=CouncilDetail, tags=["federation"])
def council(request: Request, council_id: str) -> dict[str, Any]:
    """A council with its composition by faction and its seated delegates."""
    with store_of(request).read() as s:
        return views.council_detail(s, s.get("councils", council_id))


@router.post("/councils/{council_id}/apportion", response_model=dict[str, int], tags=["federation"])
def apportion(request: Request, council_id: str, actor: Actor) -> dict[str, int]:
    """Apportion the council's seats among its constituents by membership."""
    return store_of(request).act(actions.apportion_council, actor=actor, council=council_id)


@router.get("/members", response_model=list[MemberOut], tags=["federation"])
def members(
    request: Request,
    unit: Annotated[str | None, Query(max_length=200)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Members (public: name, units, faction), optionally of one unit, by id."""
    with store_of(request).read() as s:
        ids = sorted(s.get("units", unit).members) if unit is not None else sorted(s.members)
        return [views.member_out(s.members[i]) for i in ids[offset : offset + limit]]


@router.get("/members/{member_id}", response_model=MemberOut, tags=["federation"])
def member(request: Request, member_id: str) -> dict[str, Any]:
    with store_of(request).read() as s:
        return views.member_out(s.member(member_id))


@router.get(
    "/members/{member_id}/account", response_model=list[AccountEventOut], tags=["federation"]
)
def member_account(request: Request, member_id: str) -> list[dict[str, str]]:
    """The public history of the member's account, oldest first: who made it, every
    password reset by someone else, suspension and API token (never a secret)."""
    with store_of(request).read() as s:
        s.member(member_id)
        return [
            {"kind": h.kind, "at": h.at, "by": h.by, "detail": h.detail}
            for r in s.accounts.values()
            if r.member == member_id
            for h in r.history
        ]


@router.post("/me/faction", response_model=Ok, tags=["federation"])
def set_faction(request: Request, body: FactionChoice, actor: MemberActor) -> Ok:
    """The signed-in member declares (or, with null, leaves) their faction."""
    store_of(request).act(actions.set_faction, actor=actor, faction=body.faction)
    return Ok()


@router.get("/factions", response_model=list[FactionOut], tags=["federation"])
def factions(request: Request) -> list[dict[str, Any]]:
    with store_of(request).read() as s:
        counts: dict[str, int] = {}
        for m in s.members.values():
            if m.faction is not None:
                counts[m.faction] = counts.get(m.faction, 0) + 1
        return [
            {
                "id": f.id,
                "name": f.name,
                "short": f.short,
                "colour": f.colour,
                "members": counts.get(f.id, 0),
            }
            for f in sorted(s.factions.values(), key=lambda f: f.id)
        ]


@router.get("/mandates", response_model=list[MandateOut], tags=["federation"])
def mandates(
    request: Request,
    body: Annotated[str | None, Query(max_length=200)] = None,
    member: Annotated[str | None, Query(max_length=200)] = None,
    active: bool | None = None,
) -> list[dict[str, Any]]:
    """Mandates (delegates' seats), by body, member, or whether still active."""
    with store_of(request).read() as s:
        found = [
            m
            for m in s.mandates.values()
            if (body is None or m.body == body)
            and (member is None or m.member == member)
            and (active is None or (m.status.value == "active") == active)
        ]
        return [views.mandate_out(s, m) for m in sorted(found, key=lambda m: m.id)]


# ---- founding: units by their founding members, councils by their constituents -------------


@router.post("/units", response_model=UnitDetail, status_code=201, tags=["federation"])
def found_unit(request: Request, body: UnitIn, actor: Actor) -> dict[str, Any]:
    """Members found a base unit: the founders (the signed-in member among them) are its
    first members, and elect its convenors (``POST /elections``, purpose ``office``). The
    operator founds no body."""
    store = store_of(request)
    store.act(
        actions.found_unit,
        actor=actor,
        unit_id=body.id,
        name=body.name,
        kind=body.kind,
        place=body.place,
        founders=body.founders,
    )
    with store.read() as s:
        return views.unit_detail(s, s.units[body.id])


@router.post("/councils", response_model=CouncilDetail, status_code=201, tags=["federation"])
def found_council(request: Request, body: CouncilIn, actor: Actor) -> dict[str, Any]:
    """A convenor of one of the constituents founds a council: the constituents they
    convene join at once, the others are invited and join by their own convenors' act."""
    store = store_of(request)
    store.act(
        actions.found_council,
        actor=actor,
        council_id=body.id,
        name=body.name,
        level=body.level,
        constituents=body.constituents,
    )
    with store.read() as s:
        return views.council_detail(s, s.councils[body.id])


@router.post(
    "/councils/{council_id}/constituents",
    response_model=CouncilDetail,
    tags=["federation"],
)
def join_council(
    request: Request, council_id: str, body: JoinCouncilIn, actor: Actor
) -> dict[str, Any]:
    """A convenor of a constituent named at the council's founding takes it in."""
    store = store_of(request)
    store.act(actions.join_council, actor=actor, council=council_id, constituent=body.constituent)
    with store.read() as s:
        return views.council_detail(s, s.councils[council_id])


@router.post("/factions", response_model=FoundingOut, status_code=201, tags=["federation"])
def found_faction(request: Request, body: FoundingIn, actor: MemberActor) -> dict[str, Any]:
    """A member proposes a faction and signs its founding first; it exists once the
    constitution's number of founders (``factions.founders``) have signed. The operator
    plays no part."""
    store = store_of(request)
    f = store.act(
        actions.found_faction,
        actor=actor,
        faction_id=body.id,
        name=body.name,
        short=body.short,
        colour=body.colour,
    )
    with store.read() as s:
        return views.founding_out(s, f)


@router.get("/factions/{faction_id}", response_model=FactionDetail, tags=["federation"])
def faction(request: Request, faction_id: str) -> dict[str, Any]:
    """A faction with its founders and members."""
    with store_of(request).read() as s:
        return views.faction_detail(s, s.get("factions", faction_id))


@router.get("/foundings", response_model=list[FoundingOut], tags=["federation"])
def foundings(request: Request) -> list[dict[str, Any]]:
    """Proposals to found a faction, with who has signed and how many must."""
    with store_of(request).read() as s:
        return [views.founding_out(s, f) for f in sorted(s.foundings.values(), key=lambda f: f.id)]


@router.post("/foundings/{faction_id}/signatures", response_model=FoundingOut, tags=["federation"])
def cosign_faction(request: Request, faction_id: str, actor: MemberActor) -> dict[str, Any]:
    """A member co-signs a faction's founding (and belongs to it once it is founded)."""
    store = store_of(request)
    f = store.act(actions.cosign_faction, actor=actor, faction=faction_id)
    with store.read() as s:
        return views.founding_out(s, f)
