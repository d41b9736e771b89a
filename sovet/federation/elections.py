"""Handlers for elections: opening, secret ballots, the count and the mandates it grants."""

from __future__ import annotations

from dataclasses import replace

from sovet.federation.offices import office_counted
from sovet.federation.state import Event, State, add_days
from sovet.model import Candidate, Election, ElectionPurpose, ElectionStatus, Mandate

__all__ = ["ballot_cast", "election_counted", "election_opened", "grant_mandate", "took_part"]


def election_opened(s: State, e: Event) -> None:
    d = e.data
    election = Election(
        id=d["id"],
        constituency=d["constituency"],
        target=d["target"],
        purpose=ElectionPurpose(d["purpose"]),
        seats=int(d["seats"]),
        method=d["method"],
        candidates=tuple(
            Candidate(member=c["member"], name=c["name"], faction=c.get("faction"))
            for c in d["candidates"]
        ),
        opened_at=e.at,
        opened_by=e.actor or "",
        electorate=int(d["electorate"]),
        replaces=d.get("replaces"),
        office=d.get("office"),
    )
    s.put("elections", election.id, election)


def ballot_cast(s: State, e: Event) -> None:
    election = s.elections[e.data["election"]]
    member = e.data["member"]
    s.elections[election.id] = replace(election, voters=election.voters | {member})
    took_part(s, election.id, member)


def took_part(s: State, vote: str, member: str) -> None:
    """Record turnout in its own small row: a vote's record is not rewritten per voter."""
    s.put("turnout", f"{vote}|{member}", {"vote": vote, "member": member})


def election_counted(s: State, e: Event) -> None:
    d = e.data
    election = s.elections[d["election"]]
    ballots = tuple((tuple(b["ranking"]), b["receipt"]) for b in d["ballots"])
    election = replace(
        election,
        status=ElectionStatus.COUNTED,
        elected=tuple(d["elected"]),
        reserve=tuple(d["reserve"]),
        ballots_published=ballots,
        result=d["result"],
        seed=d.get("seed"),
    )
    s.put("elections", election.id, election)
    if election.office is not None:
        office_counted(s, election, e.at)
        return
    term = s.rules().rules_for(election.target, s.kind_name(election.target)).term_days
    for i, member in enumerate(election.elected):
        grant_mandate(s, election, member, f"{election.id}:{i + 1}", e.at, term)


def grant_mandate(
    s: State, election: Election, member: str, mandate_id: str, at: str, term: int
) -> None:
    faction = next((c.faction for c in election.candidates if c.member == member), None)
    mandate = Mandate(
        id=mandate_id,
        member=member,
        body=election.target,
        constituency=election.constituency,
        election=election.id,
        started_at=at,
        ends_at=add_days(at, term),
        faction=faction,
    )
    s.put("mandates", mandate_id, mandate)
