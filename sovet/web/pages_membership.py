"""Forms on a body's page that change who belongs: a convenor admits an existing member
to a unit (where the constitution lets the convenors admit), a member asks to join a
unit whose assembly admits, any member challenges an admission (the assembly votes), a
member leaves a unit (nobody else can make them), and a council's convenors apportion
its seats by membership. Convenors are elected, never handed on: see the office
elections of :mod:`sovet.web.pages_elections`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sovet import actions
from sovet.errors import Forbidden, InputError, SovetError
from sovet.web.pages_bodies import council_view, unit_view
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    act,
    actor_of,
    form_of,
    redirect,
)
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def _body_page(request: Request, body: str, **kwargs: Any) -> Response:
    with store_of(request).read() as s:
        is_unit = body in s.units
    return (unit_view if is_unit else council_view)(request, body, **kwargs)


@router.post("/units/{unit_id}/admit")
async def admit(request: Request, unit_id: str) -> Response:
    """A convenor admits an existing member of the federation to the unit."""
    try:
        form = await form_of(request)
        member = str(form.get("member", "")).strip()
        if not member:
            raise InputError("member: give the member's id")
        await run_in_threadpool(act, request, actions.join_unit, unit=unit_id, member=member)
    except SovetError as exc:
        return await run_in_threadpool(unit_view, request, unit_id, error=exc)
    return redirect(f"/units/{unit_id}")


@router.post("/units/{unit_id}/ask")
async def ask(request: Request, unit_id: str) -> Response:
    """The signed-in member asks to join a unit whose assembly admits its members."""
    try:
        await form_of(request)
        motion = await run_in_threadpool(act, request, actions.request_admission, unit=unit_id)
    except SovetError as exc:
        return await run_in_threadpool(unit_view, request, unit_id, error=exc)
    return redirect(f"/motions/{motion.id}")


@router.post("/units/{unit_id}/challenge")
async def challenge(request: Request, unit_id: str) -> Response:
    """A member challenges another's admission: the assembly votes on removing them."""
    try:
        form = await form_of(request)
        member = str(form.get("member", "")).strip()
        if not member:
            raise InputError("member: choose whose admission you challenge")
        motion = await run_in_threadpool(
            act, request, actions.challenge_admission, unit=unit_id, member=member
        )
    except SovetError as exc:
        return await run_in_threadpool(unit_view, request, unit_id, error=exc)
    return redirect(f"/motions/{motion.id}")


@router.post("/units/{unit_id}/leave")
async def leave(request: Request, unit_id: str) -> Response:
    """The signed-in member leaves the unit."""
    try:
        await form_of(request)
        actor = actor_of(request)
        with store_of(request).read() as s:
            if actor is None or actor not in s.get("units", unit_id).members:
                raise Forbidden(f"{actor} is not a member of {s.body_name(unit_id)}")
        await run_in_threadpool(act, request, actions.leave_unit, unit=unit_id, member=actor)
    except SovetError as exc:
        return await run_in_threadpool(unit_view, request, unit_id, error=exc)
    return redirect(f"/units/{unit_id}")


@router.post("/councils/{council_id}/apportion")
async def apportion(request: Request, council_id: str) -> Response:
    """The convenors apportion the council's seats among its constituents by membership."""
    try:
        await form_of(request)
        seats = await run_in_threadpool(act, request, actions.apportion_council, council=council_id)
    except SovetError as exc:
        return await run_in_threadpool(council_view, request, council_id, error=exc)
    ctx = PageContext(request)
    with store_of(request).read() as s:
        shown = ", ".join(f"{s.body_name(k)}: {ctx.lang.number(n)}" for k, n in seats.items())
    notice = ctx._("Seats apportioned: %(seats)s", seats=shown)
    return await run_in_threadpool(council_view, request, council_id, notice=notice)
