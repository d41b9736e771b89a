"""Members' petitions to their own body, acted on by the fold itself at the threshold.

A petition (a :class:`~sovet.model.Demand`) gathers the signatures of a body's own
voters — a unit's members, a council's seated delegates. The moment the share the
constitution sets has signed (``petitions.members`` or ``petitions.delegates``), the
event that brought the last signature also brings the result, so no convenor can sit
on it:

* ``session``: the body sits — a new session convened by the petition (or the open
  one, which the petition now holds open), with the petition's agenda;
* ``motion``: the motion becomes a motion of the body, on the agenda of its open
  session or, if it has none, of the next one that opens;
* ``election``: the petition is met and an election is owed (:func:`owed_elections`
  says which); the code that opens elections opens it and calls :func:`fulfil`.

A recall vote is forced by a recall petition (:mod:`sovet.federation.recall`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from sovet.federation.state import Event, State
from sovet.model import (
    BodyKind,
    Demand,
    DemandKind,
    DemandStatus,
    Motion,
    MotionKind,
    MotionStatus,
    Session,
    SessionStatus,
)

__all__ = [
    "OwedElection",
    "attach_petitioned_motions",
    "demand_lapsed",
    "demand_opened",
    "demand_share",
    "demand_signed",
    "fulfil",
    "owed_election",
    "owed_elections",
    "signatures_needed",
    "threshold_met",
]


def demand_share(s: State, body: str) -> Fraction:
    """The share of the body's voters whose signatures a petition needs."""
    rules = s.rules().petitions
    return rules.members if s.kind_of(body) is BodyKind.UNIT else rules.delegates


def signatures_needed(s: State, body: str) -> int:
    """How many of the body's voters must sign now (at least one).

    The smallest whole number of voters that reaches the share: ``ceil(share × voters)``.
    """
    share = demand_share(s, body)
    voters = len(s.voters_of(body))
    return max(1, -(-share.numerator * voters // share.denominator))


def threshold_met(s: State, demand: Demand) -> bool:
    """Whether the body's own voters who signed reach the constitution's share."""
    voters = s.voters_of(demand.body)
    return bool(voters) and len(demand.signatures & voters) >= signatures_needed(s, demand.body)


def demand_opened(s: State, e: Event) -> None:
    d = e.data
    demand = Demand(
        id=d["id"],
        body=d["body"],
        kind=DemandKind(d["kind"]),
        opened_by=e.actor or "",
        opened_at=e.at,
        deadline=d["deadline"],
        title=d.get("title", ""),
        text=d.get("text", ""),
        office=d.get("office"),
        signatures=frozenset({e.actor}) if e.actor else frozenset(),
    )
    s.put("demands", demand.id, demand)
    _act_at_threshold(s, demand, e)


def demand_signed(s: State, e: Event) -> None:
    demand = s.demands[e.data["demand"]]
    demand = replace(demand, signatures=demand.signatures | {e.data["member"]})
    s.put("demands", demand.id, demand)
    _act_at_threshold(s, demand, e)


def demand_lapsed(s: State, e: Event) -> None:
    demand = s.demands[e.data["demand"]]
    s.put("demands", demand.id, replace(demand, status=DemandStatus.LAPSED))


def _act_at_threshold(s: State, demand: Demand, e: Event) -> None:
    if demand.status is not DemandStatus.OPEN or not threshold_met(s, demand):
        return
    outcome: str | None = None
    if demand.kind is DemandKind.SESSION:
        outcome = _convene(s, demand, e)
    elif demand.kind is DemandKind.MOTION:
        outcome = _put_motion(s, demand, e)
    s.put(
        "demands",
        demand.id,
        replace(demand, status=DemandStatus.MET, met_at=e.at, outcome=outcome),
    )


def _open_session(s: State, body: str) -> Session | None:
    for session in s.sessions.values():
        if session.council == body and session.status is SessionStatus.OPEN:
            return session
    return None


def _convene(s: State, demand: Demand, e: Event) -> str:
    """The body sits: its open session, now held open by the petition, or a new one."""
    items = tuple(line.strip() for line in demand.text.splitlines() if line.strip())
    if demand.title and demand.title not in items:
        items = (demand.title, *items)
    session = _open_session(s, demand.body)
    if session is None:
        session = Session(
            id=f"{demand.id}:session",
            council=demand.body,
            opened_at=e.at,
            opened_by="",
            agenda=items,
            convened_by=demand.id,
        )
    else:
        session = replace(session, agenda=(*session.agenda, *items), convened_by=demand.id)
    s.put("sessions", session.id, session)
    attach_petitioned_motions(s, session.id)
    return session.id


def _put_motion(s: State, demand: Demand, e: Event) -> str:
    """The petition's motion becomes a motion of the body, on the open session's agenda."""
    body = demand.body
    secret = body in s.units and s.rules().rules_for(body, s.kind_name(body)).secret_ballot
    motion = Motion(
        id=f"{demand.id}:motion",
        body=body,
        title=demand.title,
        text=demand.text,
        kind=MotionKind.ORDINARY,
        proposed_by=demand.opened_by,
        proposed_at=e.at,
        secret=secret,
        payload={"demand": demand.id},
    )
    s.put("motions", motion.id, motion)
    session = _open_session(s, body)
    if session is not None:
        attach_petitioned_motions(s, session.id)
    return motion.id


def attach_petitioned_motions(s: State, session_id: str) -> None:
    """Put every motion that a petition brought to the session's body, and that is not
    on an agenda yet, on this session's agenda (in the order they were proposed)."""
    session = s.sessions[session_id]
    pending = sorted(
        (
            m
            for m in s.motions.values()
            if m.body == session.council
            and m.session is None
            and m.status is MotionStatus.OPEN
            and m.payload.get("demand")
        ),
        key=lambda m: (m.proposed_at, m.id),
    )
    if not pending:
        return
    for motion in pending:
        s.put("motions", motion.id, replace(motion, session=session.id))
    titles = tuple(m.title for m in pending)
    s.put("sessions", session.id, replace(session, agenda=(*session.agenda, *titles)))


@dataclass(frozen=True, slots=True)
class OwedElection:
    """An election that members forced by petition and that is not opened yet: the body
    elects (``purpose`` ``"committee"``, or ``"office"`` with the office's name) by its
    own voters, by the constitution's rules for it."""

    demand: str
    body: str
    purpose: str
    office: str | None
    since: str


def owed_election(demand: Demand) -> OwedElection | None:
    """The election a met election petition owes, until :func:`fulfil` records it opened.

    >>> from sovet.model import Demand, DemandKind, DemandStatus
    >>> d = Demand("d1", "u1", DemandKind.ELECTION, "a1", "2026-01-01T00:00:00Z",
    ...            "2026-01-31T00:00:00Z", office="convenor", status=DemandStatus.MET,
    ...            met_at="2026-01-02T00:00:00Z")
    >>> owed = owed_election(d)
    >>> owed.body, owed.purpose, owed.office, owed.since
    ('u1', 'office', 'convenor', '2026-01-02T00:00:00Z')
    """
    if demand.kind is not DemandKind.ELECTION or demand.status is not DemandStatus.MET:
        return None
    if demand.outcome is not None:
        return None
    committee = demand.office in (None, "committee")
    return OwedElection(
        demand=demand.id,
        body=demand.body,
        purpose="committee" if committee else "office",
        office=None if committee else demand.office,
        since=demand.met_at or demand.opened_at,
    )


def owed_elections(s: State) -> tuple[OwedElection, ...]:
    """Every election owed by a met petition, oldest first."""
    owed = (owed_election(d) for d in s.demands.values())
    return tuple(sorted((o for o in owed if o is not None), key=lambda o: (o.since, o.demand)))


def fulfil(s: State, demand_id: str, outcome: str) -> None:
    """Record what a met petition brought about (e.g. the election opened for it); for
    the fold handler of that event."""
    demand = s.demands.get(demand_id)
    if demand is not None and demand.status is DemandStatus.MET and demand.outcome is None:
        s.put("demands", demand.id, replace(demand, outcome=outcome))
