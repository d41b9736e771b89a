"""Actions of elections: open, stand, nominate, withdraw, open the vote, cast a secret
ballot, close and count, and the sweep that moves elections on at their deadlines."""

from __future__ import annotations

from collections.abc import Sequence

from sovet import rules
from sovet.actions.common import new_id
from sovet.counting import Profile, Result, count
from sovet.errors import InputError
from sovet.federation import add_days
from sovet.federation.demands import owed_elections
from sovet.ledger.lots import lot_for
from sovet.model import Election, ElectionPurpose, ElectionStatus
from sovet.storage import Database

__all__ = [
    "APPROVAL_METHODS",
    "begin_voting",
    "cast_ballot",
    "close_due_elections",
    "close_election",
    "nominate",
    "open_election",
    "open_owed_elections",
    "reserve_order",
    "stand",
    "withdraw",
]

APPROVAL_METHODS = frozenset({"approval", "phragmen"})


def open_election(
    db: Database,
    *,
    actor: str,
    constituency: str,
    target: str,
    purpose: ElectionPurpose | str,
    office: str | None = None,
    seats: int | None = None,
    method: str | None = None,
    election_id: str | None = None,
    demand: str | None = None,
    at: str | None = None,
) -> Election:
    """A convenor of the constituency opens an election of its committee, its delegation
    or one of its offices, on the constitution's terms: it opens in its nomination period.
    With ``demand``, it is the election a members' petition forced: the sweep (or any of
    the body's voters) opens it, and no convenor is needed.

    Seats and method come from the constitution only; ``seats`` and ``method``, when
    given, are checked against it (a different value is refused, naming the key). Nobody
    picks the candidates: members stand, or are nominated, until voting opens.
    """
    purpose = ElectionPurpose(purpose)
    with db.writing() as w:
        s = w.state
        now = at or db.clock()
        owed = None if demand is None else s.get("demands", demand)
        terms = rules.check_open_election(
            s,
            actor,
            constituency,
            target,
            purpose,
            seats=seats,
            method=method,
            office=office,
            demand=owed,
        )
        eid = election_id or new_id("e")
        if eid in s.elections:
            raise InputError(f"election id {eid!r} is taken")
        data: dict[str, object] = {
            "id": eid,
            "constituency": constituency,
            "target": target,
            "purpose": purpose.value,
            "seats": terms.seats,
            "method": terms.method,
            "nominators": terms.nominators,
            "nominations_close": add_days(now, terms.nomination_days),
        }
        if office is not None:
            data["office"] = office
        if demand is not None:
            data["demand"] = demand
        w.append("election.opened", actor, data, at=now)
    return db.state.elections[eid]


def stand(
    db: Database, *, actor: str, election: str, statement: str = "", at: str | None = None
) -> Election:
    """The actor stands as a candidate (or accepts a nomination), with a statement to
    the voters; standing again replaces the statement. Open until voting opens."""
    statement = statement.strip()
    with db.writing() as w:
        e = w.state.get("elections", election)
        rules.check_stand(w.state, actor, e, statement)
        data = {"election": election, "member": actor, "statement": statement}
        w.append("candidate.stood", actor, data, at=at)
    return db.state.elections[election]


def nominate(
    db: Database, *, actor: str, election: str, member: str, at: str | None = None
) -> Election:
    """The actor signs the nomination of ``member`` (the first signature makes it). The
    nomination is made when the constitution's ``nominators`` have signed; ``member``
    becomes a candidate when they accept it by standing."""
    with db.writing() as w:
        e = w.state.get("elections", election)
        rules.check_nominate(w.state, actor, e, member)
        w.append("candidate.nominated", actor, {"election": election, "member": member}, at=at)
    return db.state.elections[election]


def withdraw(
    db: Database,
    *,
    actor: str,
    election: str,
    member: str | None = None,
    at: str | None = None,
) -> Election:
    """A candidate withdraws, before voting opens. Only the candidate themselves: no
    convenor strikes a candidate (``member``, when given, must be the actor)."""
    member = actor if member is None else member
    with db.writing() as w:
        e = w.state.get("elections", election)
        rules.check_withdraw(w.state, actor, e, member)
        w.append("candidate.withdrew", actor, {"election": election, "member": member}, at=at)
    return db.state.elections[election]


def begin_voting(db: Database, *, actor: str, election: str, at: str | None = None) -> Election:
    """Nominations close and voting opens, for ``voting_days``: the candidate list and
    the electorate (the constituency's voters at this moment) are fixed. Anyone who
    votes in the constituency may do it once the nomination period is over, or the
    deadline sweeper.

    With no more candidates than seats there is nothing to vote on: every candidate is
    elected unopposed, at once (the seats left over stay vacant).
    """
    with db.writing() as w:
        s = w.state
        e = s.get("elections", election)
        now = at or db.clock()
        rules.check_begin_voting(s, actor, e, now)
        standing = e.standing()
        if len(standing) <= e.seats:
            data: dict[str, object] = {
                "election": election,
                "ballots": [],
                "elected": [n.member for n in standing],
                "reserve": [],
                "result": None,
                "seed": None,
                "unopposed": True,
            }
            w.append("election.counted", actor, data, at=now)
        else:
            days = rules.body_rules(s, e.constituency).voting_days
            data = {
                "election": election,
                "deadline": add_days(now, days),
                "electorate": len(s.voters_of(e.constituency)),
            }
            w.append("election.voting", actor, data, at=now)
    return db.state.elections[election]


def cast_ballot(
    db: Database, *, actor: str, election: str, ranking: Sequence[str], at: str | None = None
) -> str:
    """Cast a secret ballot; returns the receipt under which it will be published.

    The log records only that ``actor`` voted. The ballot goes into the sealed box
    under a random receipt, with nothing that links it to the voter. Only the electors
    fixed when voting opened vote, until the deadline.
    """
    with db.writing() as w:
        e = w.state.get("elections", election)
        now = at or db.clock()
        rules.check_ballot(w.state, actor, e, ranking, now)
        receipt = w.seal_ballot(election, ranking)
        w.append("ballot.cast", actor, {"election": election, "member": actor}, at=now)
    return receipt


def close_election(db: Database, *, actor: str, election: str, at: str | None = None) -> Election:
    """Close the vote, count it, publish the anonymised ballots, and seat the elected.

    The vote closes at its deadline (by anyone who votes in the constituency, or the
    deadline sweeper), or earlier once every elector has voted. The seed of any lot is
    nobody's choice: it is derived from the log's head just before this closing entry and
    the published ballots (:mod:`sovet.ledger.lots`), and recorded with its inputs, so
    anyone recounting gets the same result.
    """
    with db.writing() as w:
        e = w.state.get("elections", election)
        now = at or db.clock()
        rules.check_close_election(w.state, actor, e, now)
        sealed = db.sealed_ballots_in(w.conn, election)
        seed, lot = lot_for(election, *w.head(), [list(k) for _, k in sealed])
        result = count_ballots(e, [ranking for _, ranking in sealed], seed)
        w.append(
            "election.counted",
            actor,
            {
                "election": election,
                "ballots": [{"receipt": r, "ranking": list(k)} for r, k in sealed],
                "elected": list(result.elected_names),
                "reserve": list(reserve_order(result)),
                "result": result.to_json(),
                "seed": seed,
                "lot": lot,
            },
            at=now,
        )
    return db.state.elections[election]


def open_owed_elections(db: Database, *, at: str) -> int:
    """Open every election that a members' petition forced and nobody has opened yet, as
    the actor ``"deadline"``; returns how many. Convenors cannot sit on a met petition."""
    opened = 0
    for owed in owed_elections(db.state):
        open_election(
            db,
            actor=rules.DEADLINE,
            constituency=owed.body,
            target=owed.body,
            purpose=owed.purpose,
            office=owed.office,
            demand=owed.demand,
            at=at,
        )
        opened += 1
    return opened


def close_due_elections(db: Database, *, at: str) -> int:
    """Move on every election whose time has come at ``at``, as the actor ``"deadline"``:
    open the vote of those whose nomination period is over (and someone stands), close
    and count those whose voting deadline has passed. Returns how many it moved."""
    moved = 0
    for e in sorted(db.state.elections.values(), key=lambda e: (e.opened_at, e.id)):
        if e.status is ElectionStatus.NOMINATING:
            due = e.nominations_close is None or at >= e.nominations_close
            if due and e.standing():
                begin_voting(db, actor=rules.DEADLINE, election=e.id, at=at)
                moved += 1
        elif e.status is ElectionStatus.OPEN and e.deadline is not None and at >= e.deadline:
            close_election(db, actor=rules.DEADLINE, election=e.id, at=at)
            moved += 1
    return moved


def count_ballots(e: Election, ballots: Sequence[Sequence[str]], seed: int) -> Result:
    """Count an election's ballots by its method (candidates named by member id)."""
    candidates = [c.member for c in e.candidates]
    profile = Profile.from_rankings(
        candidates, [list(b) for b in ballots], approval=e.method in APPROVAL_METHODS
    )
    seats = min(e.seats, len(candidates))
    return count(e.method, profile, seats, seed=seed)


def reserve_order(result: Result) -> tuple[str, ...]:
    """The candidates not elected, best first: the next on the list for a vacated seat.

    Those still standing at the end by their last total (or score), then those
    excluded, the last excluded first.
    """
    elected = set(result.elected)
    excluded = list(result.excluded)
    last = result.rounds[-1].tallies if result.rounds else result.scores
    standing = [i for i in range(len(result.candidates)) if i not in elected and i not in excluded]
    standing.sort(key=lambda i: (-(last.get(i, 0)), i))
    order = standing + [i for i in reversed(excluded) if i not in elected]
    return tuple(result.candidates[i] for i in order)
