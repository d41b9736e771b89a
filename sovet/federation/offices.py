"""Offices: a body's convenors, and any other officer the constitution names, hold office
by election of the body's own voters (a unit's members, a council's seated delegates)
and lose it by recall, by the next election of the office, or by leaving the body.

An office is held as a :class:`~sovet.model.Mandate` with ``office`` set, whose body and
constituency are both the body: it is never a seat, so it counts in no quorum and no
apportionment. ``Unit.convenors`` and ``Council.convenors`` are kept here as the active
holders of the ``"convenor"`` office, so every rule that asks who convenes a body keeps
asking the body.

Logs written before convenors were elected name them directly (``body.convenors``, and
``convenors`` on ``unit.founded`` / ``council.founded``). Those events fold as they always
did; the first counted convenor election of such a body replaces whoever they named.
"""

from __future__ import annotations

from dataclasses import replace

from sovet.federation.state import Event, State, add_days
from sovet.model import Election, ElectionPurpose, Mandate, MandateStatus

__all__ = [
    "CONVENOR",
    "council_joined",
    "drop_unseated_officers",
    "end_offices_of",
    "office_counted",
    "office_term",
    "officer_recalled",
    "sync_convenors",
]

CONVENOR = "convenor"
"""The office every body has: its convenors call its meetings and run its business."""


def office_term(s: State, body: str, office: str) -> int:
    """Days an office is held: the constitution's ``[offices.<office>] term_days`` (the
    body's own term if a later amendment dropped the office)."""
    rules = s.rules()
    if office in rules.offices:
        return rules.offices[office].term_days
    return rules.rules_for(body, s.kind_name(body)).term_days


def _grant(s: State, election: Election, member: str, mandate_id: str, at: str) -> None:
    assert election.office is not None
    mandate = Mandate(
        id=mandate_id,
        member=member,
        body=election.target,
        constituency=election.constituency,
        election=election.id,
        started_at=at,
        ends_at=add_days(at, office_term(s, election.target, election.office)),
        faction=next((c.faction for c in election.candidates if c.member == member), None),
        office=election.office,
    )
    s.put("mandates", mandate_id, mandate)


def _end(s: State, mandate: Mandate, status: MandateStatus = MandateStatus.ENDED) -> None:
    s.put("mandates", mandate.id, replace(mandate, status=status))


def office_counted(s: State, election: Election, at: str) -> None:
    """A counted office election: the elected hold the office for its term. A full
    election of the office ends its previous holders' mandates; a by-election fills the
    places left by a recall beside the holders who remain."""
    assert election.office is not None
    body = election.target
    if election.purpose is not ElectionPurpose.BY_ELECTION:
        for held in s.officers(body, election.office):
            _end(s, held)
    for i, member in enumerate(election.elected):
        _grant(s, election, member, f"{election.id}:{i + 1}", at)
    sync_convenors(s, body)


def sync_convenors(s: State, body: str) -> None:
    """Set the body's convenors to the active holders of its convenor office."""
    holders = frozenset(m.member for m in s.officers(body, CONVENOR))
    if body in s.units:
        if s.units[body].convenors != holders:
            s.put("units", body, replace(s.units[body], convenors=holders))
    elif body in s.councils and s.councils[body].convenors != holders:
        s.put("councils", body, replace(s.councils[body], convenors=holders))


def end_offices_of(s: State, body: str, member: str) -> None:
    """A member who leaves a body (or loses their seat in a council) holds none of its
    offices any more."""
    held = [m for m in s.officers(body) if m.member == member]
    for mandate in held:
        _end(s, mandate)
    if held:
        sync_convenors(s, body)


def drop_unseated_officers(s: State, council: str) -> None:
    """A council's officers are among its seated delegates: one who is no longer seated
    (recalled by their own constituents) leaves its offices too."""
    if council not in s.councils:
        return
    seated = s.seated(council)
    for member in {m.member for m in s.officers(council)} - set(seated):
        end_offices_of(s, council, member)


def officer_recalled(s: State, mandate: Mandate, at: str, *, next_on_list: bool) -> None:
    """After a recall vote passed against an officer: with ``next_on_list`` the place goes
    to the best of the election's reserve who is still a voter of the body and holds no
    place in that office; otherwise it stays empty for a by-election."""
    assert mandate.office is not None
    if next_on_list:
        election = s.elections[mandate.election]
        holding = {m.member for m in s.officers(mandate.body, mandate.office)}
        voters = s.voters_of(mandate.body)
        for member in election.reserve:
            if member in holding or member not in voters or not s.members[member].active:
                continue
            _grant(s, election, member, f"{mandate.id}:r", at)
            break
    sync_convenors(s, mandate.body)


def council_joined(s: State, e: Event) -> None:
    """A constituent named at a council's founding joins it, by its own convenors' act."""
    council = s.councils[e.data["council"]]
    constituent = e.data["constituent"]
    s.put(
        "councils",
        council.id,
        replace(
            council,
            constituents=(*council.constituents, constituent),
            invited=tuple(c for c in council.invited if c != constituent),
        ),
    )
