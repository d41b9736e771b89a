"""Handlers for elections: opening, nominations, the opening of the vote, secret ballots,
the count and the mandates it grants."""

from __future__ import annotations

from dataclasses import replace

from sovet.federation.demands import fulfil
from sovet.federation.offices import office_counted
from sovet.federation.state import Event, State, add_days
from sovet.model import (
    Candidate,
    Election,
    ElectionPurpose,
    ElectionStatus,
    Mandate,
    Nomination,
)

__all__ = [
    "ballot_cast",
    "candidate_nominated",
    "candidate_stood",
    "candidate_withdrew",
    "election_counted",
    "election_opened",
    "election_voting",
    "grant_mandate",
    "took_part",
]


def election_opened(s: State, e: Event) -> None:
    """An election opens in its nomination period; an old entry that names its candidates
    (and has no nomination period) opened directly in voting, with the electorate of
    that moment and a deadline ``voting_days`` later."""
    d = e.data
    nominating = "nominations_close" in d
    election = Election(
        id=d["id"],
        constituency=d["constituency"],
        target=d["target"],
        purpose=ElectionPurpose(d["purpose"]),
        seats=int(d["seats"]),
        method=d["method"],
        candidates=tuple(
            Candidate(member=c["member"], name=c["name"], faction=c.get("faction"))
            for c in d.get("candidates", ())
        ),
        opened_at=e.at,
        opened_by=e.actor or "",
        status=ElectionStatus.NOMINATING if nominating else ElectionStatus.OPEN,
        electorate=int(d.get("electorate", 0)),
        replaces=d.get("replaces"),
        office=d.get("office"),
        nominators=int(d.get("nominators", 0)),
        nominations_close=d.get("nominations_close"),
    )
    if not nominating:
        voting_days = s.rules().rules_for(election.constituency, s.kind_name(election.constituency))
        electors = s.voters_of(election.constituency)
        election = replace(
            election,
            voting_opened_at=e.at,
            deadline=add_days(e.at, voting_days.voting_days),
            electors=electors,
            electorate=len(electors),
        )
    s.put("elections", election.id, election)
    if d.get("demand"):  # the election a members' petition forced
        fulfil(s, d["demand"], election.id)


def _nominee(s: State, election: Election, member: str) -> tuple[int, Nomination]:
    for i, n in enumerate(election.nominations):
        if n.member == member:
            return i, n
    m = s.members[member]
    return len(election.nominations), Nomination(member=member, name=m.name, faction=m.faction)


def _put_nomination(s: State, election: Election, i: int, nomination: Nomination) -> None:
    nominations = list(election.nominations)
    if i == len(nominations):
        nominations.append(nomination)
    else:
        nominations[i] = nomination
    s.put("elections", election.id, replace(election, nominations=tuple(nominations)))


def candidate_stood(s: State, e: Event) -> None:
    """A member stands (or accepts a nomination), with a statement to the voters."""
    election = s.elections[e.data["election"]]
    i, n = _nominee(s, election, e.data["member"])
    n = replace(n, accepted=True, withdrawn=False, statement=e.data.get("statement", ""))
    _put_nomination(s, election, i, n)


def candidate_nominated(s: State, e: Event) -> None:
    """A member signs the nomination of another member (the first signature makes it)."""
    election = s.elections[e.data["election"]]
    i, n = _nominee(s, election, e.data["member"])
    _put_nomination(s, election, i, replace(n, nominators=(*n.nominators, e.actor or "")))


def candidate_withdrew(s: State, e: Event) -> None:
    election = s.elections[e.data["election"]]
    i, n = _nominee(s, election, e.data["member"])
    _put_nomination(s, election, i, replace(n, accepted=False, withdrawn=True))


def _roll(s: State, election: Election, at: str) -> Election:
    """The election with its candidate list and its electorate fixed at ``at``."""
    electors = s.voters_of(election.constituency)
    return replace(
        election,
        candidates=tuple(
            Candidate(member=n.member, name=n.name, faction=n.faction, statement=n.statement)
            for n in election.standing()
        ),
        electors=electors,
        electorate=len(electors),
        voting_opened_at=at,
    )


def election_voting(s: State, e: Event) -> None:
    """Nominations close and voting opens: the candidates and the electorate are fixed."""
    election = _roll(s, s.elections[e.data["election"]], e.at)
    election = replace(election, status=ElectionStatus.OPEN, deadline=e.data["deadline"])
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
    if d.get("unopposed"):  # counted straight from nominations: no more candidates than seats
        election = replace(_roll(s, election, e.at), unopposed=True)
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
