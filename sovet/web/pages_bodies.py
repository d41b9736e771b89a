"""Pages of the bodies: base units, councils (with their hemicycle), and delegates
(their mandate, how they voted on every roll call, and the recall petition form)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet import actions
from sovet.errors import InputError, SovetError
from sovet.federation import State
from sovet.model import (
    Choice,
    Mandate,
    MandateStatus,
    MotionStatus,
    PetitionStatus,
    SessionStatus,
)
from sovet.rules import body_rules, delegate_seats, open_session_of
from sovet.web import auth, views
from sovet.web.charts import Seat, hemicycle
from sovet.web.errors import NotSignedIn
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    act,
    actor_of,
    body_href,
    form_of,
    redirect,
    render,
    with_error,
)
from sovet.web.store import store_of

__all__ = [
    "account_events",
    "composition_seats",
    "council_view",
    "delegate_view",
    "router",
    "unit_view",
]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/units", response_class=HTMLResponse)
def units(request: Request) -> HTMLResponse:
    """Every base unit, with the councils it sends delegates to."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        rows = [
            (u, [s.councils[c] for c in s.councils_of(u.id)])
            for u in sorted(s.units.values(), key=lambda u: u.name)
        ]
        return render(request, "units.html", {"title": ctx._("Units"), "rows": rows}, state=s)


def officer_values(s: State, body: str, actor: str | None) -> dict[str, Any]:
    """A body's officers as elected (and any convenors an older log named unelected), the
    offices the constitution sets, and whether ``actor`` may open their elections: a
    convenor, or any voter of a body that has none."""
    held = views.officers_out(s, body)
    convenors = s.convenors_of(body)
    elected = {o["member"] for o in held if o["office"] == "convenor"}
    return {
        "officers": held,
        "unelected": [s.members[c].name for c in sorted(convenors - elected) if c in s.members],
        "offices": [(name, rule.seats) for name, rule in s.rules().offices.items()],
        "can_elect": actor is not None
        and (actor in convenors or (not convenors and actor in s.voters_of(body))),
        "body_id": body,
    }


def _bodies_lists(s: State, body: str) -> dict[str, Any]:
    elections = sorted(
        (e for e in s.elections.values() if body in (e.constituency, e.target)),
        key=lambda e: e.opened_at,
        reverse=True,
    )
    motions = sorted(
        (m for m in s.motions.values() if m.body == body), key=lambda m: m.proposed_at, reverse=True
    )
    return {
        "elections": [(e, s.body_name(e.target), s.body_name(e.constituency)) for e in elections],
        "motions": motions,
        "budgets": sorted(
            (b for b in s.budgets.values() if b.body == body),
            key=lambda b: (b.opened_at, b.id),
            reverse=True,
        ),
    }


@router.get("/units/{unit_id}", response_class=HTMLResponse)
def unit(request: Request, unit_id: str) -> HTMLResponse:
    """One base unit."""
    return unit_view(request, unit_id)


@router.post("/units/{unit_id}/invite")
async def invite(request: Request, unit_id: str) -> Response:
    """A convenor makes a single-use invitation link for a new member of the unit."""
    try:
        form = await form_of(request)
        try:
            days = int(str(form.get("days", "7")) or "7")
        except ValueError:
            raise InputError("days: give a whole number of days") from None
        actor = actor_of(request)
        if actor is None:
            raise NotSignedIn("sign in first")
        token, expires = await run_in_threadpool(auth.new_invitation, request, actor, unit_id, days)
    except SovetError as exc:
        return await run_in_threadpool(unit_view, request, unit_id, error=exc)
    link = f"{str(request.base_url).rstrip('/')}/invite#{token}"  # the code never reaches a log
    return await run_in_threadpool(unit_view, request, unit_id, invitation=(link, expires))


def account_events(s: State, members: frozenset[str]) -> list[tuple[str, str, Any]]:
    """(member name, member id, event) for every public event of these members' accounts,
    newest first."""
    events = [
        (s.members[r.member].name, r.member, h)
        for r in s.accounts.values()
        if r.member in members and r.member in s.members
        for h in r.history
    ]
    return sorted(events, key=lambda e: e[2].at, reverse=True)


def unit_view(
    request: Request,
    unit_id: str,
    *,
    error: SovetError | None = None,
    invitation: tuple[str, str] | None = None,
) -> HTMLResponse:
    """A unit: convenors, committee, delegates sent, elections and motions."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        u = s.get("units", unit_id)
        committee = sorted(
            (
                m
                for m in s.mandates.values()
                if m.body == unit_id and m.status is MandateStatus.ACTIVE and m.office is None
            ),
            key=lambda m: s.members[m.member].name,
        )
        delegates = sorted(
            (
                m
                for m in s.mandates.values()
                if m.constituency == unit_id
                and m.body != unit_id
                and m.status is MandateStatus.ACTIVE
            ),
            key=lambda m: (s.body_name(m.body), s.members[m.member].name),
        )
        values = {
            "title": u.name,
            "u": u,
            "convenors": [s.members[c] for c in sorted(u.convenors) if c in s.members],
            "committee": [(m, s.members[m.member].name) for m in committee],
            "delegates": [(m, s.members[m.member].name, s.body_name(m.body)) for m in delegates],
            "councils": [s.councils[c] for c in s.councils_of(unit_id)],
            "is_member": ctx.actor in u.members,
            "is_convenor": ctx.actor in u.convenors,
            "invitation": invitation,
            "by_assembly": body_rules(s, unit_id).admission == "assembly",
            "voters": sorted((s.members[m] for m in u.members), key=lambda m: m.name),
            **officer_values(s, unit_id, ctx.actor),
            "imports": sorted(
                (i for i in s.imports.values() if unit_id in i.units), key=lambda i: i.at
            ),
            "account_events": account_events(s, u.members),
            # the unit's own divisions of its land or housing, newest first
            "land_divisions": sorted(
                (d for d in s.land.values() if d.unit == unit_id),
                key=lambda d: (d.at, d.id),
                reverse=True,
            ),
            **_bodies_lists(s, unit_id),
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "unit.html", values, status=status, state=s)


@router.get("/members/{member_id}", response_class=HTMLResponse)
def member_page(request: Request, member_id: str) -> HTMLResponse:
    """A member's public page: units, faction, and their account's public history (who
    made it, every reset, suspension and token), so nobody acts in their name unseen."""
    with store_of(request).read() as s:
        m = s.member(member_id)
        values = {
            "title": m.name,
            "m": m,
            "units": [s.units[u] for u in sorted(m.units) if u in s.units],
            "faction": s.factions.get(m.faction) if m.faction else None,
            "history": [h for r in s.accounts.values() if r.member == m.id for h in r.history],
        }
        return render(request, "member.html", values, state=s)


@router.get("/councils", response_class=HTMLResponse)
def councils(request: Request) -> HTMLResponse:
    """Every council, with its seats filled and apportioned."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        rows = [
            (
                c,
                len(s.seated(c.id)),
                sum(delegate_seats(s, c.id, k) for k in c.constituents),
                [s.body_name(k) for k in c.constituents],
            )
            for c in sorted(s.councils.values(), key=lambda c: c.name)
        ]
        return render(request, "councils.html", {"title": ctx._("Councils"), "rows": rows}, state=s)


def composition_seats(
    s: State, council: str, nonparty: str
) -> tuple[list[Seat], list[dict[str, Any]]]:
    """The seats of a council grouped by faction (largest first), and the table rows."""
    seated = s.seated(council)
    groups: dict[str | None, list[Mandate]] = {}
    for m in seated.values():
        groups.setdefault(m.faction, []).append(m)
    order = sorted(groups, key=lambda f: (-len(groups[f]), f is None, f or ""))
    seats: list[Seat] = []
    rows: list[dict[str, Any]] = []
    for f in order:
        faction = s.factions.get(f) if f is not None else None
        name = faction.name if faction else nonparty
        colour = faction.colour if faction else "#777777"
        rows.append(
            {
                "name": name,
                "short": faction.short if faction else "—",
                "colour": colour,
                "seats": len(groups[f]),
            }
        )
        for m in sorted(groups[f], key=lambda m: s.members[m.member].name):
            seats.append(Seat(s.members[m.member].name, name, colour, f"/delegates/{m.id}"))
    return seats, rows


@router.get("/councils/{council_id}", response_class=HTMLResponse)
def council(request: Request, council_id: str) -> HTMLResponse:
    """A council: its composition as a hemicycle, delegates, constituents, sessions."""
    return council_view(request, council_id)


def council_view(
    request: Request,
    council_id: str,
    *,
    error: SovetError | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    """A council's page, with why an action on it was refused, if one was."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        c = s.get("councils", council_id)
        seats, rows = composition_seats(s, council_id, ctx._("non-party"))
        seated = sorted(s.seated(council_id).values(), key=lambda m: s.members[m.member].name)
        sessions = sorted(
            (x for x in s.sessions.values() if x.council == council_id),
            key=lambda x: x.opened_at,
            reverse=True,
        )
        values = {
            "title": c.name,
            "c": c,
            "rules": body_rules(s, council_id),
            "chart": hemicycle(
                seats, label=ctx._("Composition of %(body)s by faction", body=c.name)
            ),
            "composition": rows,
            "total": len(seats),
            "seated": [
                (
                    m,
                    s.members[m.member].name,
                    s.body_name(m.constituency),
                    body_href(s, m.constituency),
                    s.factions[m.faction].name if m.faction in s.factions else ctx._("non-party"),
                )
                for m in seated
            ],
            "constituents": [
                (k, s.body_name(k), body_href(s, k), delegate_seats(s, council_id, k))
                for k in c.constituents
            ],
            "sessions": sessions,
            "open_session": open_session_of(s, council_id),
            "is_convenor": ctx.actor in c.convenors,
            "open_status": SessionStatus.OPEN,
            "voters": sorted((s.members[m] for m in s.voters_of(council_id)), key=lambda m: m.name),
            "notice": notice,
            "invited": [
                (k, s.body_name(k), body_href(s, k), ctx.actor in s.convenors_of(k))
                for k in c.invited
                if k in s.units or k in s.councils
            ],
            **officer_values(s, council_id, ctx.actor),
            **_bodies_lists(s, council_id),
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "council.html", values, status=status, state=s)


def _record(s: State, m: Mandate) -> list[dict[str, Any]]:
    """How the delegate voted on every roll call of their body, newest first."""
    out = []
    for motion in sorted(s.motions.values(), key=lambda x: x.proposed_at, reverse=True):
        if motion.body != m.body or motion.secret:
            continue
        choice = dict(motion.roll_call).get(m.member)
        instruction = next(
            (
                i
                for i in s.instructions.values()
                if i.motion == motion.id and i.constituency == m.constituency
            ),
            None,
        )
        if not motion.roll_call and motion.status is not MotionStatus.VOTING:
            continue
        out.append(
            {
                "motion": motion,
                "choice": choice,
                "flagged": m.id in motion.flagged,
                "instruction": instruction.position if instruction else None,
            }
        )
    return out


def delegate_view(
    request: Request, mandate_id: str, *, error: SovetError | None = None
) -> HTMLResponse:
    """A delegate: the mandate, every roll-call vote, and the recall form for constituents."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        m = s.get("mandates", mandate_id)
        petition = next(
            (
                p
                for p in s.petitions.values()
                if p.mandate == mandate_id
                and p.status in (PetitionStatus.OPEN, PetitionStatus.VOTING)
            ),
            None,
        )
        constituents = (
            s.voters_of(m.constituency)
            if m.constituency in s.units or m.constituency in s.councils
            else frozenset()
        )
        values: dict[str, Any] = {
            "title": s.members[m.member].name,
            "m": m,
            "name": s.members[m.member].name,
            "faction": s.factions.get(m.faction or ""),
            "body": s.body_name(m.body),
            "body_href": body_href(s, m.body),
            "constituency": s.body_name(m.constituency),
            "constituency_href": body_href(s, m.constituency),
            "record": _record(s, m),
            "petition": petition,
            "past": [
                p for p in s.petitions.values() if p.mandate == mandate_id and p is not petition
            ],
            "can_recall": ctx.actor in constituents
            and m.status is MandateStatus.ACTIVE
            and ctx.actor != m.member,
            "active": m.status is MandateStatus.ACTIVE,
            "choices": list(Choice),
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "delegate.html", values, status=status, state=s)


@router.get("/delegates/{mandate_id}", response_class=HTMLResponse)
def delegate(request: Request, mandate_id: str) -> HTMLResponse:
    """One delegate's page."""
    return delegate_view(request, mandate_id)


@router.post("/delegates/{mandate_id}/recall")
async def open_recall(request: Request, mandate_id: str) -> Response:
    """A constituent opens a recall petition against their delegate (their signature is first)."""
    try:
        form = await form_of(request)
        petition = await run_in_threadpool(
            act,
            request,
            actions.open_petition,
            mandate=mandate_id,
            reason=str(form.get("reason", "")).strip(),
        )
    except SovetError as exc:
        return await run_in_threadpool(delegate_view, request, mandate_id, error=exc)
    return redirect(f"/recalls/{petition.id}?done=opened")
