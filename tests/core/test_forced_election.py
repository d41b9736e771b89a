"""An election that members force by petition opens by itself: no convenor can sit on it,
and nobody can open it as something other than what the petition asked."""

from __future__ import annotations

from sovet import actions
from sovet.errors import Forbidden, InputError, NotOpen
from sovet.model import DemandStatus, ElectionPurpose, ElectionStatus
from sovet.storage import Database

from .test_base_principle import refused


def _forced(db: Database, office: str | None = "convenor") -> str:
    """a4 petitions u1 (five members: one signature is a tenth) for an election."""
    demand = actions.open_demand(db, actor="a4", body="u1", kind="election", office=office)
    assert db.state.demands[demand.id].status is DemandStatus.MET
    return demand.id


def test_the_sweep_opens_an_election_members_forced(small: Database) -> None:
    demand = _forced(small)
    before = set(small.state.elections)
    assert actions.close_due(small, at=small.clock()) >= 1
    [eid] = set(small.state.elections) - before
    e = small.state.elections[eid]
    assert (e.purpose, e.office, e.constituency, e.opened_by) == (
        ElectionPurpose.OFFICE,
        "convenor",
        "u1",
        "deadline",
    )
    assert e.status is ElectionStatus.NOMINATING
    assert small.state.demands[demand].outcome == eid
    # once opened, the petition owes nothing more: the next sweep opens no second election
    actions.close_due(small, at=small.clock())
    assert set(small.state.elections) - before == {eid}


def test_any_member_may_open_it_but_only_as_the_petition_asked(small: Database) -> None:
    demand = _forced(small, office=None)  # the unit's committee
    refused(
        small,
        InputError,
        "asks Putilov Works to elect its committee, and nothing else",
        lambda: actions.open_election(
            small,
            actor="a5",
            constituency="u1",
            target="u1",
            purpose="office",
            office="convenor",
            demand=demand,
        ),
    )
    refused(
        small,
        Forbidden,
        "only Obukhov Works|only Putilov Works's own members",
        lambda: actions.open_election(
            small, actor="b2", constituency="u1", target="u1", purpose="committee", demand=demand
        ),
    )
    e = actions.open_election(
        small, actor="a5", constituency="u1", target="u1", purpose="committee", demand=demand
    )
    assert e.purpose is ElectionPurpose.COMMITTEE and e.opened_by == "a5"
    refused(
        small,
        NotOpen,
        "already brought election",
        lambda: actions.open_election(
            small, actor="a4", constituency="u1", target="u1", purpose="committee", demand=demand
        ),
    )
