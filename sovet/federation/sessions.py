"""Handlers for sessions of councils and assemblies: opening, attendance, the speakers'
list, minutes, closing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from sovet.federation.demands import attach_petitioned_motions
from sovet.federation.state import Event, Handler, State
from sovet.model import Session, SessionStatus

__all__ = ["session_closed", "session_opened", "session_update"]


def session_opened(s: State, e: Event) -> None:
    d = e.data
    session = Session(
        id=d["id"],
        council=d["council"],
        opened_at=e.at,
        opened_by=e.actor or "",
        agenda=tuple(d.get("agenda", ())),
    )
    s.put("sessions", session.id, session)
    attach_petitioned_motions(s, session.id)


def session_update(change: Callable[[Session, Mapping[str, Any]], Session]) -> Handler:
    def handler(s: State, e: Event) -> None:
        session = s.sessions[e.data["session"]]
        s.put("sessions", session.id, change(session, e.data))

    return handler


def session_closed(s: State, e: Event) -> None:
    session = s.sessions[e.data["session"]]
    s.put("sessions", session.id, replace(session, status=SessionStatus.CLOSED, closed_at=e.at))
