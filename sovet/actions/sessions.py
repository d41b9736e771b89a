"""Sessions of a council or of a unit's assembly: open, attendance, speaker list, minutes,
close. Members can also convene one by petition (:mod:`sovet.actions.petitions`)."""

from __future__ import annotations

from collections.abc import Sequence

from sovet import rules
from sovet.actions.common import new_id
from sovet.errors import InputError
from sovet.model import Session
from sovet.storage import Database

__all__ = ["add_minutes", "attend", "close_session", "give_floor", "open_session", "request_floor"]


def open_session(
    db: Database,
    *,
    actor: str,
    council: str,
    agenda: Sequence[str],
    session_id: str | None = None,
    at: str | None = None,
) -> Session:
    """A convenor opens a sitting of a council, or of a unit's assembly (``council`` is
    then the unit's id); motions put by petition join its agenda."""
    with db.writing() as w:
        rules.check_convenor(w.state, actor, council)
        if rules.open_session_of(w.state, council) is not None:
            raise InputError(f"{council} is already in session")
        sid = session_id or new_id("s")
        w.append(
            "session.opened", actor, {"id": sid, "council": council, "agenda": list(agenda)}, at=at
        )
    return db.state.sessions[sid]


def attend(db: Database, *, actor: str, session: str, at: str | None = None) -> None:
    """A seated delegate registers as present."""
    with db.writing() as w:
        s = w.state.get("sessions", session)
        rules.check_session_member(w.state, actor, s)
        if actor in s.present:
            raise InputError(f"{actor} is already registered as present")
        w.append("session.attended", actor, {"session": session, "member": actor}, at=at)


def request_floor(db: Database, *, actor: str, session: str, at: str | None = None) -> None:
    with db.writing() as w:
        s = w.state.get("sessions", session)
        rules.check_session_member(w.state, actor, s)
        if actor not in s.present or actor in s.speakers:
            raise InputError("register as present first; each delegate is on the list once")
        w.append("session.speaker", actor, {"session": session, "member": actor}, at=at)


def give_floor(
    db: Database, *, actor: str, session: str, member: str, at: str | None = None
) -> None:
    with db.writing() as w:
        s = w.state.get("sessions", session)
        rules.check_convenor(w.state, actor, s.council)
        if member not in s.speakers:
            raise InputError(f"{member} is not on the speaker list")
        w.append("session.spoke", actor, {"session": session, "member": member}, at=at)


def add_minutes(
    db: Database, *, actor: str, session: str, text: str, at: str | None = None
) -> None:
    with db.writing() as w:
        s = w.state.get("sessions", session)
        rules.check_convenor(w.state, actor, s.council)
        w.append("session.minuted", actor, {"session": session, "text": text}, at=at)


def close_session(db: Database, *, actor: str, session: str, at: str | None = None) -> None:
    """A convenor closes a sitting (one convened by petition not before its time)."""
    with db.writing() as w:
        s = w.state.get("sessions", session)
        rules.check_close_session(w.state, actor, s, at or db.clock())
        w.append("session.closed", actor, {"session": session}, at=at)
