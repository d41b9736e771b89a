"""Pages of members' petitions to their own body (a page per petition with its progress,
the body's list with the form to open one) and of factions founded by members."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet import actions, rules
from sovet.constitution import format_fraction
from sovet.errors import SovetError
from sovet.federation.demands import demand_share
from sovet.model import DemandKind, DemandStatus
from sovet.web.charts import progress_bars
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    act,
    body_href,
    form_of,
    redirect,
    render,
    with_error,
)
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def petitions_view(
    request: Request,
    body: str,
    *,
    error: SovetError | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    """A body's petitions, newest first, and the form to open one (for its own voters)."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        name = s.body_name(body)
        found = sorted(
            (d for d in s.demands.values() if d.body == body),
            key=lambda d: (d.opened_at, d.id),
            reverse=True,
        )
        values: dict[str, Any] = {
            "title": ctx._("Petitions to %(body)s", body=name),
            "body": body,
            "body_name": name,
            "body_href": body_href(s, body),
            "rows": [(d, *rules.demand_progress(s, d)) for d in found],
            "can_open": ctx.actor in s.voters_of(body),
            "offices": ["committee", *sorted(s.rules().offices)]
            if body in s.units
            else sorted(s.rules().offices),
            "kinds": [k.value for k in DemandKind],
            "form": form or {},
            "period": s.rules().petitions.period_days,
            "notice_days": s.rules().petitions.notice_days,
            "share": format_fraction(demand_share(s, body)),
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "petitions.html", values, status=status, state=s)


@router.get("/bodies/{body}/petitions", response_class=HTMLResponse)
def petitions(request: Request, body: str) -> HTMLResponse:
    """A body's petitions."""
    return petitions_view(request, body)


@router.post("/bodies/{body}/petitions")
async def open_petition(request: Request, body: str) -> Response:
    """One of the body's own voters opens a petition, signing it first."""
    form: dict[str, Any] = {}
    try:
        form = dict(await form_of(request))
        fields = {k: str(form.get(k, "")) for k in ("kind", "title", "text", "office")}
        d = await run_in_threadpool(
            act,
            request,
            actions.open_demand,
            body=body,
            kind=fields["kind"],
            title=fields["title"],
            text=fields["text"],
            office=fields["office"].strip() or None,
        )
    except SovetError as exc:
        return await run_in_threadpool(petitions_view, request, body, error=exc, form=form)
    return redirect(f"/petitions/{d.id}?done=opened")


def petition_view(
    request: Request, demand_id: str, *, error: SovetError | None = None
) -> HTMLResponse:
    """A petition: signatures against the threshold, the deadline, what it brought about."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        d = s.get("demands", demand_id)
        signed, needed = rules.demand_progress(s, d)
        voters = s.voters_of(d.body)
        share = demand_share(s, d.body)
        outcome_href = None
        if d.outcome in s.sessions:
            outcome_href = f"/sessions/{d.outcome}"
        elif d.outcome in s.motions:
            outcome_href = f"/motions/{d.outcome}"
        now = store_of(request).db.clock()
        values: dict[str, Any] = {
            "title": ctx._("Petition"),
            "d": d,
            "body_name": s.body_name(d.body),
            "body_href": body_href(s, d.body),
            "opener": s.members[d.opened_by].name if d.opened_by in s.members else d.opened_by,
            "signed": signed,
            "needed": needed,
            "voters": len(voters),
            "lapsed": d.status is DemandStatus.LAPSED
            or (d.status is DemandStatus.OPEN and now >= d.deadline),
            "chart": progress_bars(
                [
                    (
                        ctx._("Signatures"),
                        Fraction(signed, max(1, len(voters))),
                        share,
                        ctx._(
                            "%(n)s of %(needed)s needed",
                            n=ctx.lang.number(signed),
                            needed=ctx.lang.number(needed),
                        ),
                    )
                ],
                label=ctx._("Signatures gathered against the threshold"),
            ),
            "can_sign": d.status is DemandStatus.OPEN
            and now < d.deadline
            and ctx.actor in voters
            and ctx.actor not in d.signatures,
            "has_signed": ctx.actor in d.signatures,
            "outcome_href": outcome_href,
            "agenda": [line.strip() for line in d.text.splitlines() if line.strip()],
        }
        status = with_error(values, ctx.lang, error)
        if request.query_params.get("done") == "opened" and error is None:
            values["notice"] = ctx._("The petition is open, with your signature as the first.")
        return render(request, "petition.html", values, status=status, state=s)


@router.get("/petitions/{demand_id}", response_class=HTMLResponse)
def petition(request: Request, demand_id: str) -> HTMLResponse:
    """One petition."""
    return petition_view(request, demand_id)


@router.post("/petitions/{demand_id}/sign")
async def sign(request: Request, demand_id: str) -> Response:
    """One of the body's own voters signs."""
    try:
        await form_of(request)
        await run_in_threadpool(act, request, actions.sign_demand, demand=demand_id)
    except SovetError as exc:
        return await run_in_threadpool(petition_view, request, demand_id, error=exc)
    return redirect(f"/petitions/{demand_id}")


# ---- factions, founded by members --------------------------------------------------------


def faction_view(
    request: Request, faction_id: str, *, error: SovetError | None = None
) -> HTMLResponse:
    """A faction (founders, members) or a proposal to found one (who signed, the button)."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        faction = s.factions.get(faction_id)
        founding = s.foundings.get(faction_id)
        shown = faction or founding
        if shown is None:
            shown = s.get("factions", faction_id)  # NotFound
        members = sorted(
            (m for m in s.members.values() if m.faction == faction_id), key=lambda m: m.name
        )
        founders = shown.founders
        values: dict[str, Any] = {
            "title": shown.name,
            "faction": faction,
            "founding": founding,
            "founders": [s.members[m] for m in founders if m in s.members],
            "members": members,
            "needed": s.rules().factions.founders,
            "can_cosign": founding is not None
            and not founding.founded
            and ctx.actor in s.members
            and ctx.actor not in founding.founders,
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "faction.html", values, status=status, state=s)


@router.get("/factions/{faction_id}", response_class=HTMLResponse)
def faction(request: Request, faction_id: str) -> HTMLResponse:
    """One faction, or a proposal to found one."""
    return faction_view(request, faction_id)


@router.post("/factions/{faction_id}/cosign")
async def cosign(request: Request, faction_id: str) -> Response:
    """A member co-signs a faction's founding."""
    try:
        await form_of(request)
        await run_in_threadpool(act, request, actions.cosign_faction, faction=faction_id)
    except SovetError as exc:
        return await run_in_threadpool(faction_view, request, faction_id, error=exc)
    return redirect(f"/factions/{faction_id}")


@router.post("/factions")
async def found(request: Request) -> Response:
    """A member proposes a faction, signing its founding first."""
    from sovet.web.pages import factions_view

    form: dict[str, Any] = {}
    try:
        form = dict(await form_of(request))
        fields = {k: str(form.get(k, "")).strip() for k in ("id", "name", "short", "colour")}
        await run_in_threadpool(
            act,
            request,
            actions.found_faction,
            faction_id=fields["id"],
            name=fields["name"],
            short=fields["short"],
            colour=fields["colour"] or "#777777",
        )
    except SovetError as exc:
        return await run_in_threadpool(factions_view, request, error=exc, form=form)
    return redirect(f"/factions/{fields['id']}")
