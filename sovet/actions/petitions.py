"""Members' petitions to their own body: convene it, put a motion on its agenda, or
hold an election of it. (A recall vote is forced by a recall petition,
:mod:`sovet.actions.recall`.)

Any of the body's own voters opens one (their signature is the first) and any other
signs, each signature one log entry. At the constitution's share the fold acts on the
petition in the entry of the last signature (:mod:`sovet.federation.demands`); after
``petitions.period_days`` without it, the petition lapses.
"""

from __future__ import annotations

from sovet import rules
from sovet.actions.common import new_id
from sovet.errors import InputError
from sovet.federation import add_days
from sovet.model import Demand, DemandKind, DemandStatus
from sovet.storage import Database

__all__ = ["close_due_demands", "lapse_demand", "open_demand", "sign_demand"]

MAX_TITLE = 200
MAX_TEXT = 20_000


def open_demand(
    db: Database,
    *,
    actor: str,
    body: str,
    kind: DemandKind | str,
    title: str = "",
    text: str = "",
    office: str | None = None,
    demand_id: str | None = None,
    at: str | None = None,
) -> Demand:
    """Open a petition to ``body`` (a unit or a council the actor votes in).

    ``kind`` ``session``: the body sits (``title`` what for, ``text`` the agenda, one
    item a line); ``motion``: the motion ``title`` / ``text`` goes on the agenda;
    ``election``: an election of the body's committee (``office`` ``None`` or
    ``"committee"``) or of one of the constitution's offices.
    """
    try:
        kind = DemandKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in DemandKind)
        raise InputError(
            f"kind: {kind!r} is not one of {known} (a recall has its own petition)"
        ) from None
    if len(title) > MAX_TITLE or len(text) > MAX_TEXT:
        raise InputError(
            f"a title of at most {MAX_TITLE} and a text of at most {MAX_TEXT} characters"
        )
    with db.writing() as w:
        s = w.state
        rules.check_open_demand(s, actor, body, kind, title, office)
        did = demand_id or new_id("d")
        if did in s.demands:
            raise InputError(f"petition id {did!r} is taken")
        now = at or db.clock()
        data: dict[str, object] = {
            "id": did,
            "body": body,
            "kind": kind.value,
            "title": title.strip(),
            "text": text,
            "deadline": add_days(now, s.rules().petitions.period_days),
        }
        if kind is DemandKind.ELECTION:
            data["office"] = office or "committee"
        w.append("demand.opened", actor, data, at=now)
    return db.state.demands[did]


def sign_demand(db: Database, *, actor: str, demand: str, at: str | None = None) -> Demand:
    """Sign a petition; the signature that reaches the threshold brings its result."""
    with db.writing() as w:
        d = w.state.get("demands", demand)
        now = at or db.clock()
        rules.check_sign_demand(w.state, actor, d, now)
        w.append("demand.signed", actor, {"demand": demand, "member": actor}, at=now)
    return db.state.demands[demand]


def lapse_demand(db: Database, *, demand: str, at: str) -> None:
    """A petition whose period ended without its signatures lapses (actor ``"deadline"``)."""
    with db.writing() as w:
        rules.check_lapse_demand(w.state, w.state.get("demands", demand), at)
        w.append("demand.lapsed", rules.DEADLINE, {"demand": demand}, at=at)


def close_due_demands(db: Database, *, at: str) -> int:
    """Lapse every petition whose period ended by ``at`` without its signatures; returns
    how many (each its own transaction and log entry, by the actor ``"deadline"``)."""
    due = sorted(
        d.id
        for d in db.state.demands.values()
        if d.status is DemandStatus.OPEN and at >= d.deadline
    )
    for did in due:
        lapse_demand(db, demand=did, at=at)
    return len(due)
