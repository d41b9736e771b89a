"""Founding, by the members themselves: a member founds a unit with its founding members
(who then elect its convenors), a convenor founds a council with their body and names the
others, and each named body's own convenor takes it in. The operator founds nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet import actions
from sovet.errors import InputError, SovetError
from sovet.model import Council, Unit, UnitKind
from sovet.web import auth
from sovet.web.pages_account import ids_in, parsed
from sovet.web.pages_bodies import council_view
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    act,
    form_of,
    redirect,
    render,
    with_error,
)
from sovet.web.schemas import CouncilIn, UnitIn
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def found_view(
    request: Request, *, error: SovetError | None = None, form: dict[str, Any] | None = None
) -> Response:
    """The forms to found a unit (any member) and a council (a convenor of a constituent)."""
    ctx = PageContext(request)
    actor = ctx.actor
    if actor is None:
        return redirect("/login?next=/found")
    with store_of(request).read() as s:
        bodies: list[Unit | Council] = [*s.units.values(), *s.councils.values()]
        live = [b for b in bodies if not b.dissolved]
        values: dict[str, Any] = {
            "title": ctx._("Found a unit or a council"),
            "unit_kinds": list(UnitKind),
            "members": sorted(
                (m for m in s.members.values() if m.active and m.id != actor),
                key=lambda m: m.name,
            ),
            "convenes": sorted(
                ((b.id, b.name) for b in live if actor in b.convenors), key=lambda b: b[1]
            ),
            "bodies": sorted(((b.id, b.name) for b in live), key=lambda b: b[1]),
            "form": form or {},
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "found.html", values, status=status, state=s)


@router.get("/found", response_class=HTMLResponse)
def found(request: Request) -> Response:
    """The founding forms, for a signed-in member."""
    return found_view(request)


@router.post("/found/unit")
async def found_unit(request: Request) -> Response:
    """The signed-in member founds a unit with the founding members named."""
    form: dict[str, Any] = {}
    try:
        form = await form_of(request)
        actor = auth.require_actor(request)
        founders = [actor, *(f for f in ids_in(form.get("founders", "")) if f != actor)]
        body = parsed(
            UnitIn,
            {
                **{k: str(form.get(k, "")).strip() for k in ("id", "name", "kind", "place")},
                "founders": founders,
            },
        )
        await run_in_threadpool(
            act,
            request,
            actions.found_unit,
            unit_id=body.id,
            name=body.name,
            kind=body.kind,
            place=body.place,
            founders=body.founders,
        )
    except SovetError as exc:
        return await run_in_threadpool(found_view, request, error=exc, form=form)
    return redirect(f"/units/{body.id}#officers")


@router.post("/found/council")
async def found_council(request: Request) -> Response:
    """A convenor founds a council with the body they convene; the others are invited."""
    form: dict[str, Any] = {}
    try:
        form = await form_of(request)
        body = parsed(
            CouncilIn,
            {
                **{k: str(form.get(k, "")).strip() for k in ("id", "name", "level")},
                "constituents": ids_in(form.get("constituents", "")),
            },
        )
        await run_in_threadpool(
            act,
            request,
            actions.found_council,
            council_id=body.id,
            name=body.name,
            level=body.level,
            constituents=body.constituents,
        )
    except SovetError as exc:
        return await run_in_threadpool(found_view, request, error=exc, form=form)
    return redirect(f"/councils/{body.id}")


@router.post("/councils/{council_id}/join")
async def join_council(request: Request, council_id: str) -> Response:
    """A convenor of a body named at the council's founding takes it in."""
    try:
        form = await form_of(request)
        constituent = str(form.get("constituent", "")).strip()
        if not constituent:
            raise InputError("constituent: choose the body that joins")
        await run_in_threadpool(
            act, request, actions.join_council, council=council_id, constituent=constituent
        )
    except SovetError as exc:
        return await run_in_threadpool(council_view, request, council_id, error=exc)
    return redirect(f"/councils/{council_id}")
