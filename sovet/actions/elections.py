"""Actions of elections: open, cast a secret ballot, close and count."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sovet import rules
from sovet.actions.common import new_id
from sovet.counting import Profile, Result, count
from sovet.errors import InputError
from sovet.model import Election, ElectionPurpose
from sovet.storage import Database

__all__ = ["APPROVAL_METHODS", "cast_ballot", "close_election", "open_election", "reserve_order"]

APPROVAL_METHODS = frozenset({"approval", "phragmen"})


def open_election(
    db: Database,
    *,
    actor: str,
    constituency: str,
    target: str,
    purpose: ElectionPurpose | str,
    candidates: Sequence[str],
    seats: int | None = None,
    method: str | None = None,
    office: str | None = None,
    election_id: str | None = None,
    at: str | None = None,
) -> Election:
    """A convenor of the constituency opens an election for its committee or delegation,
    or for one of its offices (``purpose="office"``, ``office="convenor"`` ...; while the
    body has no convenor, any of its voters may open that one).

    The seats of a delegation are the constituency's apportioned seats in the council;
    the method is the one the constitution sets for the body being filled; an office's
    seats and method are its ``[offices.<office>]`` table's.
    """
    purpose = ElectionPurpose(purpose)
    with db.writing() as w:
        s = w.state
        if purpose is ElectionPurpose.OFFICE:
            rule = rules.office_rules(s, office)
            seats = rule.seats if seats is None else seats
            method = method or rule.method
        if purpose is ElectionPurpose.DELEGATION and seats is None:
            seats = rules.delegate_seats(s, target, constituency)
        if purpose is ElectionPurpose.COMMITTEE and seats is None:
            seats = rules.body_rules(s, target).committee_seats
        if seats is None:
            raise InputError("say how many seats the election fills")
        method = method or rules.body_rules(s, target).election_method
        rules.check_open_election(
            s, actor, constituency, target, purpose, seats, candidates, method, office
        )
        eid = election_id or new_id("e")
        if eid in s.elections:
            raise InputError(f"election id {eid!r} is taken")
        w.append(
            "election.opened",
            actor,
            {
                "id": eid,
                "constituency": constituency,
                "target": target,
                "purpose": purpose.value,
                "seats": seats,
                "method": method,
                "electorate": len(s.voters_of(constituency)),
                **({"office": office} if office is not None else {}),
                "candidates": [
                    {"member": m, "name": s.members[m].name, "faction": s.members[m].faction}
                    for m in candidates
                ],
            },
            at=at,
        )
    return db.state.elections[eid]


def cast_ballot(
    db: Database, *, actor: str, election: str, ranking: Sequence[str], at: str | None = None
) -> str:
    """Cast a secret ballot; returns the receipt under which it will be published.

    The log records only that ``actor`` voted. The ballot goes into the sealed box
    under a random receipt, with nothing that links it to the voter.
    """
    with db.writing() as w:
        e = w.state.get("elections", election)
        rules.check_ballot(w.state, actor, e, ranking)
        receipt = w.seal_ballot(election, ranking)
        w.append("ballot.cast", actor, {"election": election, "member": actor}, at=at)
    return receipt


def close_election(
    db: Database, *, actor: str, election: str, seed: int | None = None, at: str | None = None
) -> Election:
    """Close the vote, count it, publish the anonymised ballots, and seat the elected.

    The seed of any lot is drawn here and recorded in the log with the result, so
    anyone recounting the published ballots gets the same result.
    """
    with db.writing() as w:
        e = w.state.get("elections", election)
        rules.check_close_election(w.state, actor, e)
        sealed = db.sealed_ballots_in(w.conn, election)
        seed = secrets.randbelow(2**31) if seed is None else seed
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
            },
            at=at,
        )
    return db.state.elections[election]


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
