"""API: sessions of a council — open, attendance, speaker list, the floor, minutes, close."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from sovet import actions
from sovet.model import SessionStatus
from sovet.web import views
from sovet.web.auth import require_actor
from sovet.web.schemas import GiveFloorIn, MinutesIn, SessionIn, SessionOut
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter(tags=["sessions"])
Actor = Annotated[str, Depends(require_actor)]


def _out(request: Request, session_id: str) -> dict[str, Any]:
    with store_of(request).read() as s:
        return views.session_out(s, s.get("sessions", session_id))


@router.get("/sessions", response_model=list[SessionOut])
def sessions(
    request: Request,
    council: Annotated[str | None, Query(max_length=200)] = None,
    status: SessionStatus | None = None,
) -> list[dict[str, Any]]:
    """Sittings, newest first; by council and status."""
    with store_of(request).read() as s:
        found = [
            x
            for x in s.sessions.values()
            if (council is None or x.council == council) and (status is None or x.status is status)
        ]
        found.sort(key=lambda x: (x.opened_at, x.id), reverse=True)
        return [views.session_out(s, x) for x in found]


@router.post("/sessions", response_model=SessionOut, status_code=201)
def open_session(request: Request, body: SessionIn, actor: Actor) -> dict[str, Any]:
    """A convenor of the council opens a sitting with its agenda."""
    x = store_of(request).act(
        actions.open_session, actor=actor, council=body.council, agenda=body.agenda
    )
    return _out(request, x.id)


@router.get("/sessions/{session_id}", response_model=SessionOut)
def session(request: Request, session_id: str) -> dict[str, Any]:
    return _out(request, session_id)


@router.post("/sessions/{session_id}/attendance", response_model=SessionOut)
def attend(request: Request, session_id: str, actor: Actor) -> dict[str, Any]:
    """A seated delegate registers as present."""
    store_of(request).act(actions.attend, actor=actor, session=session_id)
    return _out(request, session_id)


@router.post("/sessions/{session_id}/speakers", response_model=SessionOut)
def request_floor(request: Request, session_id: str, actor: Actor) -> dict[str, Any]:
    """A present delegate asks for the floor (joins the speaker list)."""
    store_of(request).act(actions.request_floor, actor=actor, session=session_id)
    return _out(request, session_id)


@router.post("/sessions/{session_id}/floor", response_model=SessionOut)
def give_floor(
    request: Request, session_id: str, body: GiveFloorIn, actor: Actor
) -> dict[str, Any]:
    """A convenor gives the floor to a delegate on the speaker list."""
    store_of(request).act(actions.give_floor, actor=actor, session=session_id, member=body.member)
    return _out(request, session_id)


@router.post("/sessions/{session_id}/minutes", response_model=SessionOut)
def add_minutes(request: Request, session_id: str, body: MinutesIn, actor: Actor) -> dict[str, Any]:
    store_of(request).act(actions.add_minutes, actor=actor, session=session_id, text=body.text)
    return _out(request, session_id)


@router.post("/sessions/{session_id}/close", response_model=SessionOut)
def close_session(request: Request, session_id: str, actor: Actor) -> dict[str, Any]:
    store_of(request).act(actions.close_session, actor=actor, session=session_id)
    return _out(request, session_id)
