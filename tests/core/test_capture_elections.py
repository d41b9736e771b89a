"""No capture of an election from within: the constitution sets its terms, members put
the candidates forward, the electorate is fixed when voting opens, and the vote runs
to its deadline. Each attempt gets its specific error and changes nothing; the
positive tests walk stand, nominate, withdraw, the opening of the vote and the close."""

from __future__ import annotations

import inspect

import pytest

from sovet import actions
from sovet.errors import AlreadyVoted, Forbidden, InputError, NotOpen, SovetError
from sovet.federation import Event, add_days, fold
from sovet.ledger.events import decode_entry
from sovet.model import ElectionPurpose, ElectionStatus
from sovet.storage import Database

from ..elections import open_vote, run_election
from .conftest import OP
from .test_base_principle import refused

COMMITTEE = ElectionPurpose.COMMITTEE


def nominating(db: Database, *, convenor: str = "a1", unit: str = "u1") -> str:
    """u1's delegation to the soviet (2 seats, scottish-stv), taking nominations."""
    e = actions.open_election(
        db, actor=convenor, constituency=unit, target="soviet", purpose="delegation"
    )
    assert e.status is ElectionStatus.NOMINATING
    return e.id


# ---- the red-team case: the convenor's own terms -------------------------------------------


def test_a_convenor_cannot_set_seats_or_method_against_the_constitution(small: Database) -> None:
    """The constitution says scottish-stv for 7 committee seats; plurality for 2 is refused."""
    refused(
        small,
        InputError,
        r"kinds\.unit\.committee_seats is 7; an election cannot fill 2",
        lambda: actions.open_election(
            small, actor="a1", constituency="u1", target="u1", purpose=COMMITTEE, seats=2
        ),
    )
    refused(
        small,
        InputError,
        r"defaults\.election_method is 'scottish-stv'; an election cannot be counted by "
        "'plurality'",
        lambda: actions.open_election(
            small,
            actor="a1",
            constituency="u1",
            target="u1",
            purpose=COMMITTEE,
            method="plurality",
        ),
    )
    refused(
        small,
        InputError,
        r"u1 sends 2 delegates to soviet \(kinds\.council\.members_per_delegate is 2, "
        r"defaults\.min_delegates is 1\); an election cannot fill 3",
        lambda: actions.open_election(
            small, actor="a1", constituency="u1", target="soviet", purpose="delegation", seats=3
        ),
    )
    refused(
        small,
        InputError,
        r"offices\.convenor\.seats is 1; an election cannot fill 2",
        lambda: actions.open_election(
            small,
            actor="a1",
            constituency="u1",
            target="u1",
            purpose=ElectionPurpose.OFFICE,
            office="convenor",
            seats=2,
        ),
    )
    refused(
        small,
        InputError,
        "names no office 'treasurer'",
        lambda: actions.open_election(
            small,
            actor="a1",
            constituency="u1",
            target="u1",
            purpose=ElectionPurpose.OFFICE,
            office="treasurer",
        ),
    )
    # nobody picks the candidates: the argument is gone
    assert "candidates" not in inspect.signature(actions.open_election).parameters
    e = actions.open_election(
        small, actor="a1", constituency="u1", target="u1", purpose=COMMITTEE, seats=7
    )
    assert (e.seats, e.method, e.candidates, e.status) == (
        7,
        "scottish-stv",
        (),
        ElectionStatus.NOMINATING,
    )
    office = actions.open_election(
        small, actor="a1", constituency="u1", target="u1", purpose="office", office="convenor"
    )
    # the test constitution fills the convenor's office with one seat
    assert (office.purpose, office.office, office.seats) == (ElectionPurpose.OFFICE, "convenor", 1)


def test_only_a_convenor_opens_and_not_twice(small: Database) -> None:
    refused(
        small,
        Forbidden,
        "only a convenor",
        lambda: actions.open_election(
            small, actor="a3", constituency="u1", target="soviet", purpose="delegation"
        ),
    )
    refused(
        small,
        Forbidden,
        "only a convenor",
        lambda: actions.open_election(
            small, actor=OP, constituency="u1", target="soviet", purpose="delegation"
        ),
    )
    eid = nominating(small)
    refused(
        small,
        InputError,
        f"election {eid} for these seats is already open",
        lambda: nominating(small),
    )


# ---- the candidate list belongs to the members ----------------------------------------------


def test_a_convenor_cannot_strike_a_candidate(small: Database) -> None:
    eid = nominating(small)
    actions.stand(small, actor="a4", election=eid, statement="Bread and peace")
    refused(
        small,
        Forbidden,
        "only a4 may withdraw their candidacy",
        lambda: actions.withdraw(small, actor="a1", election=eid, member="a4"),
    )
    refused(
        small,
        Forbidden,
        "a1 is not a candidate",
        lambda: actions.withdraw(small, actor="a1", election=eid),
    )
    assert [n.member for n in small.state.elections[eid].standing()] == ["a4"]


def test_a_convenor_cannot_add_a_candidate(small: Database) -> None:
    eid = nominating(small)
    for member in ("a2", "a3", "a4"):
        actions.stand(small, actor=member, election=eid)
    # the convenor nominates a5, who never accepts: a5 is not a candidate
    actions.nominate(small, actor="a1", election=eid, member="a5")
    assert "a5" not in [n.member for n in small.state.elections[eid].standing()]
    close = small.state.elections[eid].nominations_close
    assert close is not None
    e = actions.begin_voting(small, actor="a2", election=eid, at=close)
    assert [c.member for c in e.candidates] == ["a2", "a3", "a4"]
    # once voting opens the list is fixed: no stand, no nomination, no withdrawal
    refused(
        small,
        NotOpen,
        "takes no nominations",
        lambda: actions.stand(small, actor="a5", election=eid),
    )
    refused(
        small,
        NotOpen,
        "takes no nominations",
        lambda: actions.nominate(small, actor="a1", election=eid, member="a5"),
    )
    refused(
        small,
        NotOpen,
        "takes no nominations",
        lambda: actions.withdraw(small, actor="a3", election=eid),
    )
    refused(
        small,
        InputError,
        "'a5' is not a candidate",
        lambda: actions.cast_ballot(small, actor="a1", election=eid, ranking=["a5"]),
    )


def test_only_voters_of_the_constituency_stand_or_nominate(small: Database) -> None:
    eid = nominating(small)
    refused(
        small,
        Forbidden,
        "b1 is not a voter of Putilov Works",
        lambda: actions.stand(small, actor="b1", election=eid),
    )
    refused(
        small,
        Forbidden,
        "b1 is not a voter of Putilov Works",
        lambda: actions.nominate(small, actor="b1", election=eid, member="a2"),
    )
    refused(
        small,
        Forbidden,
        "b2 is not a voter of Putilov Works",
        lambda: actions.nominate(small, actor="a2", election=eid, member="b2"),
    )
    refused(
        small,
        InputError,
        "stand as a candidate",
        lambda: actions.nominate(small, actor="a2", election=eid, member="a2"),
    )


# ---- the operator hosts -----------------------------------------------------------------


def test_the_operator_cannot_stand_nominate_vote_or_move_an_election(small: Database) -> None:
    eid = nominating(small)
    refused(small, Forbidden, "operator", lambda: actions.stand(small, actor=OP, election=eid))
    refused(
        small,
        Forbidden,
        "operator",
        lambda: actions.nominate(small, actor=OP, election=eid, member="a2"),
    )
    refused(
        small,
        Forbidden,
        "operator",
        lambda: actions.nominate(small, actor="a2", election=eid, member=OP),
    )
    for member in ("a2", "a3", "a4"):
        actions.stand(small, actor=member, election=eid)
    close = small.state.elections[eid].nominations_close
    refused(
        small,
        Forbidden,
        "operator",
        lambda: actions.begin_voting(small, actor=OP, election=eid, at=close),
    )
    e = actions.begin_voting(small, actor="a5", election=eid, at=close)
    refused(
        small,
        Forbidden,
        "operator hosts the federation and is no member: it cannot vote",
        lambda: actions.cast_ballot(small, actor=OP, election=eid, ranking=["a2"]),
    )
    refused(
        small,
        Forbidden,
        "operator",
        lambda: actions.close_election(small, actor=OP, election=eid, at=e.deadline),
    )


# ---- the electorate is fixed when voting opens ---------------------------------------------


def test_a_member_joined_after_voting_opened_does_not_vote(small: Database) -> None:
    """The red-team case: a "Sock Puppet" and a member of another unit joined to a unit
    while its election is open; neither ballot counts, turnout stays within 100%."""
    e = open_vote(small, "u1", "soviet", ["a2", "a3", "a4"], convenor="a1")
    assert e.electors == frozenset({"a1", "a2", "a3", "a4", "a5"}) and e.electorate == 5
    puppet = actions.register_member(small, actor=OP, name="Sock Puppet", member_id="puppet")
    refused(
        small,
        Forbidden,
        "operator hosts the federation and is no member: it cannot admit members",
        lambda: actions.join_unit(small, actor=OP, unit="u1", member=puppet.id),
    )
    # the convenor admits them (the constitution's admission = "convenors")
    actions.join_unit(small, actor="a1", unit="u1", member=puppet.id)
    actions.join_unit(small, actor="a1", unit="u1", member="b3")
    assert {puppet.id, "b3"} <= small.state.voters_of("u1")
    for member in (puppet.id, "b3"):
        refused(
            small,
            Forbidden,
            f"{member} joined Putilov Works after voting opened in election {e.id}",
            lambda member=member: actions.cast_ballot(  # type: ignore[misc]
                small, actor=member, election=e.id, ranking=["a2"]
            ),
        )
    for voter in ("a1", "a2", "a3", "a4", "a5"):
        actions.cast_ballot(small, actor=voter, election=e.id, ranking=["a3"])
    counted = actions.close_election(small, actor="a1", election=e.id)
    assert (len(counted.voters), counted.electorate) == (5, 5)
    assert len(counted.ballots_published) == 5


def test_a_member_who_left_keeps_their_vote(small: Database) -> None:
    e = open_vote(small, "u1", "soviet", ["a2", "a3", "a4"], convenor="a1")
    actions.leave_unit(small, actor="a5", unit="u1", member="a5")
    actions.cast_ballot(small, actor="a5", election=e.id, ranking=["a4"])
    assert "a5" in small.state.elections[e.id].voters


# ---- deadlines --------------------------------------------------------------------------


def test_voting_opens_only_after_the_nomination_period(small: Database) -> None:
    eid = nominating(small)
    e = small.state.elections[eid]
    assert e.nominations_close == add_days(e.opened_at, 7)
    refused(
        small,
        NotOpen,
        "nobody stands",
        lambda: actions.begin_voting(small, actor="a1", election=eid, at=e.nominations_close),
    )
    actions.stand(small, actor="a2", election=eid)
    refused(
        small,
        NotOpen,
        f"open until {e.nominations_close}",
        lambda: actions.begin_voting(small, actor="a1", election=eid),
    )
    refused(
        small,
        Forbidden,
        "only the voters of Putilov Works",
        lambda: actions.begin_voting(small, actor="b1", election=eid, at=e.nominations_close),
    )


def test_the_vote_cannot_be_closed_early(small: Database) -> None:
    e = open_vote(small, "u1", "soviet", ["a2", "a3", "a4"], convenor="a1")
    assert e.deadline == add_days(e.voting_opened_at or "", 7)
    actions.cast_ballot(small, actor="a2", election=e.id, ranking=["a2"])
    refused(
        small,
        NotOpen,
        f"runs until {e.deadline}: 1 of 5 electors have voted",
        lambda: actions.close_election(small, actor="a1", election=e.id),
    )
    refused(
        small,
        NotOpen,
        "ended at",
        lambda: actions.cast_ballot(
            small, actor="a3", election=e.id, ranking=["a3"], at=e.deadline
        ),
    )
    refused(
        small,
        Forbidden,
        "only the voters of Putilov Works",
        lambda: actions.close_election(small, actor="b1", election=e.id, at=e.deadline),
    )
    # at the deadline any voter may close it
    counted = actions.close_election(small, actor="a5", election=e.id, at=e.deadline)
    assert counted.status is ElectionStatus.COUNTED and counted.elected[0] == "a2"


def test_the_vote_closes_early_once_every_elector_has_voted(small: Database) -> None:
    e = open_vote(small, "v", "soviet", ["c2", "c3"], convenor="c1")
    for voter in ("c1", "c2", "c3"):
        actions.cast_ballot(small, actor=voter, election=e.id, ranking=["c3"])
    counted = actions.close_election(small, actor="c2", election=e.id)
    assert counted.elected == ("c3",)


# ---- nominations, positively --------------------------------------------------------------


def test_stand_nominate_accept_and_withdraw(small: Database) -> None:
    eid = nominating(small)
    actions.stand(small, actor="a2", election=eid, statement="  An eight-hour day.  ")
    actions.nominate(small, actor="a3", election=eid, member="a4")
    actions.nominate(small, actor="a5", election=eid, member="a4")
    refused(
        small,
        AlreadyVoted,
        "already signed the nomination of a4",
        lambda: actions.nominate(small, actor="a3", election=eid, member="a4"),
    )
    e = small.state.elections[eid]
    a4 = next(n for n in e.nominations if n.member == "a4")
    assert a4.nominators == ("a3", "a5") and not a4.accepted
    assert [n.member for n in e.standing()] == ["a2"]
    actions.stand(small, actor="a4", election=eid, statement="Land to the peasants")  # accepts
    actions.stand(small, actor="a3", election=eid)
    actions.withdraw(small, actor="a3", election=eid)
    e = small.state.elections[eid]
    assert [n.member for n in e.standing()] == ["a2", "a4"]
    assert e.nominations[0].statement == "An eight-hour day."
    actions.stand(small, actor="a3", election=eid, statement="Back again")  # changed her mind
    actions.stand(small, actor="a1", election=eid)
    e = actions.begin_voting(small, actor="a5", election=eid, at=e.nominations_close)
    assert e.status is ElectionStatus.OPEN
    assert [(c.member, c.statement) for c in e.candidates] == [
        ("a2", "An eight-hour day."),
        ("a4", "Land to the peasants"),
        ("a3", "Back again"),
        ("a1", ""),
    ]
    counted = run_election(
        small, e, {"a1": ["a4"], "a2": ["a2"], "a3": ["a4"], "a4": ["a4"]}, closer="a3"
    )
    assert "a4" in counted.elected
    assert {m.member for m in small.state.mandates.values() if m.election == eid} == set(
        counted.elected
    )


def test_no_more_candidates_than_seats_are_elected_unopposed(small: Database) -> None:
    e = open_vote(small, "u1", "u1", ["a3", "a4"], convenor="a1", purpose=COMMITTEE)
    assert e.status is ElectionStatus.COUNTED and e.unopposed
    assert e.elected == ("a3", "a4") and e.ballots_published == () and e.electorate == 5
    mandates = [m for m in small.state.mandates.values() if m.election == e.id]
    assert sorted(m.member for m in mandates) == ["a3", "a4"]


def test_the_deadline_sweep_opens_and_closes_elections(small: Database) -> None:
    eid = nominating(small)
    idle = actions.open_election(
        small, actor="b1", constituency="u2", target="soviet", purpose="delegation"
    )
    for member in ("a2", "a3", "a4"):
        actions.stand(small, actor=member, election=eid)
    close = small.state.elections[eid].nominations_close
    assert close is not None
    assert actions.close_due_elections(small, at=add_days(close, -1)) == 0
    assert actions.close_due_elections(small, at=close) == 1  # u2's: nobody stands
    e = small.state.elections[eid]
    assert e.status is ElectionStatus.OPEN and e.deadline == add_days(close, 7)
    assert small.state.elections[idle.id].status is ElectionStatus.NOMINATING
    actions.cast_ballot(small, actor="a1", election=eid, ranking=["a3"])
    assert e.deadline is not None
    assert actions.close_due_elections(small, at=e.deadline) == 1
    counted = small.state.elections[eid]
    assert counted.status is ElectionStatus.COUNTED and counted.elected[0] == "a3"
    entries = [decode_entry(raw, expected_index=i) for i, raw in enumerate(small.raw_entries())]
    assert [x.actor for x in entries if x.type in ("election.voting", "election.counted")][-2:] == [
        "deadline",
        "deadline",
    ]


# ---- old logs -------------------------------------------------------------------------------


def test_an_old_election_opened_with_candidates_folds_as_open_for_voting(small: Database) -> None:
    """An ``election.opened`` entry of an older log names its candidates and has no
    nomination period: it opened directly in voting, with the electorate of that moment."""
    events = [
        Event(x.type, x.at, x.actor, x.data)
        for x in (decode_entry(raw, expected_index=i) for i, raw in enumerate(small.raw_entries()))
    ]
    at = "2026-02-01T00:00:00Z"
    old = {
        "id": "e-old",
        "constituency": "u1",
        "target": "soviet",
        "purpose": "delegation",
        "seats": 2,
        "method": "scottish-stv",
        "electorate": 5,
        "candidates": [{"member": "a1", "name": "Worker A1", "faction": None}],
    }
    state = fold([*events, Event("election.opened", at, "a1", old)])
    e = state.elections["e-old"]
    assert e.status is ElectionStatus.OPEN and e.nominations_close is None
    assert [c.member for c in e.candidates] == ["a1"]
    assert e.electors == frozenset({"a1", "a2", "a3", "a4", "a5"}) and e.electorate == 5
    assert e.deadline == add_days(at, 7)


@pytest.mark.parametrize(
    ("purpose", "error", "match"),
    [
        ("committee", InputError, "a committee is elected by its own body: u1, not u2"),
        ("office", Forbidden, "the officers of Obukhov Works are elected by its own voters only"),
    ],
)
def test_a_committee_or_office_is_elected_by_its_own_body(
    small: Database, purpose: str, error: type[SovetError], match: str
) -> None:
    refused(
        small,
        error,
        match,
        lambda: actions.open_election(
            small,
            actor="a1",
            constituency="u1",
            target="u2",
            purpose=purpose,
            office="convenor" if purpose == "office" else None,
        ),
    )


def test_a_by_election_fills_only_vacant_seats(seated: Database) -> None:
    refused(
        seated,
        InputError,
        "no seat of u1 in soviet is vacant",
        lambda: actions.open_election(
            seated, actor="a1", constituency="u1", target="soviet", purpose="by-election"
        ),
    )
    refused(
        seated,
        InputError,
        r"only an office election \(or an office's by-election\) names an office",
        lambda: actions.open_election(
            seated,
            actor="a1",
            constituency="u1",
            target="soviet",
            purpose="delegation",
            office="convenor",
        ),
    )


def test_a_delegation_cannot_be_elected_again_while_its_delegates_sit(seated: Database) -> None:
    """A second delegation election would seat delegates on top of those sitting, giving
    the constituency more seats than the constitution apportions."""
    before = sum(1 for m in seated.state.seated("soviet").values() if m.constituency == "u1")
    assert before == 2
    refused(
        seated,
        InputError,
        "u1's delegates to soviet sit",
        lambda: actions.open_election(
            seated, actor="a1", constituency="u1", target="soviet", purpose="delegation"
        ),
    )
