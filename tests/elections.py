"""Helpers that run an election through its whole course, for the tests of every package.

An election opens in its nomination period; the candidates stand; voting opens when the
period is over (the helpers open it at the period's end, with ``at``); the ballots are
cast; the vote closes early when every elector has voted, else at its deadline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sovet import actions
from sovet.model import Election, ElectionPurpose, ElectionStatus
from sovet.storage import Database

__all__ = ["open_vote", "run_election"]


def open_vote(
    db: Database,
    constituency: str,
    target: str,
    candidates: Sequence[str],
    *,
    convenor: str,
    purpose: ElectionPurpose | str = ElectionPurpose.DELEGATION,
    method: str | None = None,
    seats: int | None = None,
    office: str | None = None,
    statements: Mapping[str, str] | None = None,
    opened_at: str | None = None,
) -> Election:
    """Open an election, have ``candidates`` stand (in order) and open the vote at the
    end of the nomination period. With no more candidates than seats, the election is
    already counted (all elected unopposed) when this returns."""
    e = actions.open_election(
        db,
        actor=convenor,
        constituency=constituency,
        target=target,
        purpose=purpose,
        method=method,
        seats=seats,
        office=office,
        at=opened_at,
    )
    for member in candidates:
        statement = (statements or {}).get(member, "")
        actions.stand(db, actor=member, election=e.id, statement=statement, at=opened_at)
    close = db.state.elections[e.id].nominations_close
    return actions.begin_voting(db, actor=convenor, election=e.id, at=close)


def run_election(
    db: Database,
    election: Election,
    ballots: Mapping[str, Sequence[str]],
    *,
    closer: str,
) -> Election:
    """Cast ``ballots`` and close the vote: at once when every elector has voted, else
    at the deadline."""
    if election.status is ElectionStatus.COUNTED:
        return election
    for voter, ranking in ballots.items():
        actions.cast_ballot(db, actor=voter, election=election.id, ranking=list(ranking))
    e = db.state.elections[election.id]
    at = None if len(e.voters) == len(e.electors) else e.deadline
    return actions.close_election(db, actor=closer, election=e.id, at=at)
