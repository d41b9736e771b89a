"""Pages where members put things before a body and carry them on: new motions of every
kind a member may propose (ordinary, reserved, a binding instruction to the unit's
delegates, a unit's ratification decision, a constitution amendment), amendments and
the convenors' decisions on them, forwarding a motion to another body, and closing a
ratification whose period has run out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet import actions
from sovet.errors import InputError, SovetError
from sovet.model import Choice, MotionKind
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    act,
    form_of,
    redirect,
    render,
    with_error,
)
from sovet.web.pages_motions import motion_view, ratification_view
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)

# the kinds a member can choose on the form; recall votes open by petition instead
_FORM_KINDS = (
    MotionKind.ORDINARY,
    MotionKind.RESERVED,
    MotionKind.INSTRUCTION,
    MotionKind.RATIFICATION,
    MotionKind.AMENDMENT,
)


# ---- new motions ------------------------------------------------------------------------------


def _kind_of(form: dict[str, Any]) -> MotionKind:
    raw = str(form.get("kind", "") or MotionKind.ORDINARY.value)
    try:
        return MotionKind(raw)
    except ValueError:
        raise InputError(f"kind: {raw!r} is not a kind of motion") from None


def new_motion_view(
    request: Request,
    body: str,
    *,
    error: SovetError | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The form to put a motion before a body; a link may preset its kind and target."""
    ctx = PageContext(request)
    form = dict(form if form is not None else request.query_params)
    with store_of(request).read() as s:
        s.kind_of(body)
        target = s.motions.get(str(form.get("motion", "")))
        values: dict[str, Any] = {
            "title": ctx._("Propose a motion"),
            "body": body,
            "name": s.body_name(body),
            "matters": sorted(s.rules().reserved_matters),
            "council": body in s.councils,
            "kinds": [
                k for k in _FORM_KINDS if body in s.councils or k is not MotionKind.AMENDMENT
            ],
            "choices": list(Choice),
            "target": target,
            "target_body": s.body_name(target.body) if target is not None else "",
            "constitution": s.rules().text,
            "form": form,
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "motion_new.html", values, status=status, state=s)


@router.get("/bodies/{body}/motions/new", response_class=HTMLResponse)
def new_motion(request: Request, body: str) -> HTMLResponse:
    """The form to put a motion."""
    return new_motion_view(request, body)


def _proposal(form: dict[str, Any]) -> dict[str, Any]:
    """The motion the form describes, with the payload its kind needs."""
    kind = _kind_of(form)
    matter = str(form.get("matter", "")).strip() or None
    payload: dict[str, str] = {}
    if kind is MotionKind.RESERVED and matter is None:
        raise InputError("matter: a motion on a reserved matter names the matter")
    if kind in (MotionKind.INSTRUCTION, MotionKind.RATIFICATION):
        target = str(form.get("motion", "")).strip()
        if not target:
            raise InputError("motion: name the motion this one is about")
        payload["motion"] = target
    if kind is MotionKind.INSTRUCTION:
        position = str(form.get("position", ""))
        if position not in {c.value for c in Choice}:
            raise InputError("position: an instruction is yes, no or abstain")
        payload["position"] = position
    if kind is MotionKind.AMENDMENT:
        text = str(form.get("constitution", "")).replace("\r\n", "\n").strip()
        if not text:
            raise InputError("constitution: an amendment carries the whole new constitution")
        payload.update({"effect": "amend-constitution", "text": text + "\n"})
    return {
        "title": str(form.get("title", "")).strip(),
        "text": str(form.get("text", "")).strip(),
        "kind": kind,
        "matter": matter if kind is MotionKind.RESERVED else None,
        "payload": payload,
    }


@router.post("/bodies/{body}/motions/new")
async def propose(request: Request, body: str) -> Response:
    """A member (in a unit) or a seated delegate (in a council) puts a motion."""
    form: dict[str, Any] = {}
    try:
        form = await form_of(request)
        m = await run_in_threadpool(
            act, request, actions.propose_motion, body=body, **_proposal(form)
        )
    except SovetError as exc:
        return await run_in_threadpool(new_motion_view, request, body, error=exc, form=form)
    return redirect(f"/motions/{m.id}")


# ---- amendments and forwarding ------------------------------------------------------------------


@router.post("/motions/{motion_id}/amend")
async def amend(request: Request, motion_id: str) -> Response:
    """A member of the body proposes an amendment to a motion under debate."""
    try:
        form = await form_of(request)
        text = str(form.get("text", "")).strip()
        if not text:
            raise InputError("text: write the amendment")
        await run_in_threadpool(act, request, actions.amend_motion, motion=motion_id, text=text)
    except SovetError as exc:
        return await run_in_threadpool(motion_view, request, motion_id, error=exc)
    return redirect(f"/motions/{motion_id}#amendments")


@router.post("/motions/{motion_id}/amendments/{amendment_id}/decide")
async def decide(request: Request, motion_id: str, amendment_id: str) -> Response:
    """A convenor records the body's decision on an amendment, with the amended text."""
    try:
        form = await form_of(request)
        decision = str(form.get("decision", ""))
        if decision not in ("accept", "reject"):
            raise InputError("decision: accept or reject the amendment")
        new_text = str(form.get("new_text", "")).strip() or None
        await run_in_threadpool(
            act,
            request,
            actions.decide_amendment,
            motion=motion_id,
            amendment=amendment_id,
            accepted=decision == "accept",
            new_text=new_text if decision == "accept" else None,
        )
    except SovetError as exc:
        return await run_in_threadpool(motion_view, request, motion_id, error=exc)
    return redirect(f"/motions/{motion_id}#amendments")


@router.post("/motions/{motion_id}/forward")
async def forward(request: Request, motion_id: str) -> Response:
    """A convenor sends the motion on to another body."""
    try:
        form = await form_of(request)
        to = str(form.get("to", "")).strip()
        if not to:
            raise InputError("to: choose the body to send the motion to")
        new = await run_in_threadpool(act, request, actions.forward_motion, motion=motion_id, to=to)
    except SovetError as exc:
        return await run_in_threadpool(motion_view, request, motion_id, error=exc)
    return redirect(f"/motions/{new.id}")


@router.post("/ratifications/{motion_id}/expire")
async def expire(request: Request, motion_id: str) -> Response:
    """After its period, anyone signed in closes a ratification that did not gather its
    majority (it fails)."""
    try:
        await form_of(request)
        await run_in_threadpool(act, request, actions.expire_ratification, motion=motion_id)
    except SovetError as exc:
        return await run_in_threadpool(ratification_view, request, motion_id, error=exc)
    return redirect(f"/ratifications/{motion_id}")
