"""Power flows from the base: each rule of DESIGN.md tried and refused, with nothing changed.

Every test makes an attempt that a broken program would let through, checks the
specific error and its message, and checks that neither the log nor the state moved.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sovet import actions
from sovet.errors import (
    AlreadyVoted,
    BaseProtected,
    Forbidden,
    InputError,
    NotOpen,
    SovetError,
)
from sovet.model import MandateStatus, MotionStatus
from sovet.rules import check_method
from sovet.storage import Database
from sovet.storage.codec import dump_record

from ..elections import open_vote
from .conftest import OP


def snapshot(db: Database) -> tuple[int, str]:
    s = db.state
    kinds = ("members", "units", "councils", "elections", "mandates", "motions", "petitions")
    return db.size(), "".join(dump_record(getattr(s, k)) for k in kinds)


def refused(
    db: Database, error: type[SovetError], match: str, attempt: Callable[[], object]
) -> None:
    before = snapshot(db)
    with pytest.raises(error, match=match):
        attempt()
    assert snapshot(db) == before, "a refused action changed the log or the state"
    db.forget()
    assert snapshot(db) == before, "the database differs from the refused state"


def in_session(db: Database) -> None:
    session = actions.open_session(db, actor="a1", council="soviet", agenda=[])
    for member in ("a1", "a2", "b1", "b2", "c1"):
        actions.attend(db, actor=member, session=session.id)


def test_a_council_cannot_dissolve_a_lower_body(seated: Database) -> None:
    in_session(seated)
    refused(
        seated,
        BaseProtected,
        "cannot dissolve another body",
        lambda: actions.propose_motion(
            seated,
            actor="a1",
            body="soviet",
            title="Dissolve the village committee",
            text="",
            payload={"effect": "dissolve", "target": "v"},
        ),
    )
    assert not seated.state.units["v"].dissolved


def test_a_council_cannot_annul_a_lower_election(seated: Database) -> None:
    election = next(e.id for e in seated.state.elections.values() if e.constituency == "u2")
    refused(
        seated,
        BaseProtected,
        "annul an election",
        lambda: actions.propose_motion(
            seated,
            actor="a1",
            body="soviet",
            title="Annul Obukhov",
            text="",
            payload={"effect": "annul-election", "target": election},
        ),
    )


def test_a_council_cannot_unseat_a_delegate(seated: Database) -> None:
    mandate = seated.state.seated("soviet")["c1"]
    refused(
        seated,
        BaseProtected,
        "only a delegate's own constituents",
        lambda: actions.propose_motion(
            seated,
            actor="a1",
            body="soviet",
            title="Unseat C1",
            text="",
            payload={"effect": "unseat", "target": mandate.id},
        ),
    )
    assert seated.state.mandates[mandate.id].status is MandateStatus.ACTIVE


def test_a_council_cannot_change_a_units_membership(seated: Database) -> None:
    # a1 convenes the soviet; b3 is a member of u2, which a1 does not convene
    refused(
        seated,
        BaseProtected,
        "higher council",
        lambda: actions.leave_unit(seated, actor="a1", unit="u2", member="b3"),
    )
    refused(
        seated,
        BaseProtected,
        "higher council",
        lambda: actions.join_unit(seated, actor="a1", unit="u2", member="a5"),
    )
    refused(
        seated,
        BaseProtected,
        "only a unit's own assembly",
        lambda: actions.propose_motion(
            seated,
            actor="a1",
            body="soviet",
            title="Expel B3",
            text="",
            payload={"effect": "remove-member", "target": "u2", "member": "b3"},
        ),
    )
    assert "b3" in seated.state.units["u2"].members


def test_only_constituents_can_recall_their_delegate(seated: Database) -> None:
    mandate = seated.state.seated("soviet")["a2"]
    # b2 sits beside a2 in the soviet but was not sent by u1
    refused(
        seated,
        BaseProtected,
        "own constituents",
        lambda: actions.open_petition(
            seated, actor="b2", mandate=mandate.id, reason="Disagrees with me"
        ),
    )
    # b3 is an ordinary member elsewhere
    refused(
        seated,
        Forbidden,
        "own constituents",
        lambda: actions.open_petition(seated, actor="b3", mandate=mandate.id, reason=""),
    )


def test_only_constituents_sign_a_petition(seated: Database) -> None:
    mandate = seated.state.seated("soviet")["b1"]
    petition = actions.open_petition(seated, actor="b4", mandate=mandate.id, reason="")
    # 1 of 4 signatures reaches 1/5, so the vote is open; another petition is refused
    refused(
        seated,
        Exception,
        "already open",
        lambda: actions.open_petition(seated, actor="b3", mandate=mandate.id, reason=""),
    )
    assert seated.state.petitions[petition.id].vote_motion is not None


def test_a_member_votes_once_per_ballot(seated: Database) -> None:
    e = open_vote(
        seated, "u1", "u1", ["a1", "a2", "a3"], convenor="a1", purpose="office", office="convenor"
    )
    actions.cast_ballot(seated, actor="a3", election=e.id, ranking=["a3"])
    refused(
        seated,
        AlreadyVoted,
        "already voted",
        lambda: actions.cast_ballot(seated, actor="a3", election=e.id, ranking=["a1"]),
    )
    assert len(seated.sealed_ballots(e.id)) == 1


def test_only_seated_delegates_vote_in_a_council(seated: Database) -> None:
    in_session(seated)
    motion = actions.propose_motion(seated, actor="a1", body="soviet", title="Bread", text="")
    actions.open_voting(seated, actor="a1", motion=motion.id)
    refused(
        seated,
        Forbidden,
        "only seated delegates",
        lambda: actions.vote(seated, actor="a3", motion=motion.id, choice="yes"),
    )
    refused(
        seated,
        Forbidden,
        "only seated delegates",
        lambda: actions.propose_motion(seated, actor="b3", body="soviet", title="X", text=""),
    )


def test_votes_only_while_open(seated: Database) -> None:
    in_session(seated)
    motion = actions.propose_motion(seated, actor="a1", body="soviet", title="Bread", text="")
    refused(
        seated,
        NotOpen,
        "not open for voting",
        lambda: actions.vote(seated, actor="a1", motion=motion.id, choice="yes"),
    )
    actions.open_voting(seated, actor="a1", motion=motion.id)
    actions.vote(seated, actor="a1", motion=motion.id, choice="yes")
    deadline = seated.state.motions[motion.id].deadline
    actions.close_motion(seated, actor="a1", motion=motion.id, at=deadline)
    refused(
        seated,
        NotOpen,
        "not open for voting",
        lambda: actions.vote(seated, actor="a2", motion=motion.id, choice="no"),
    )
    election = next(iter(seated.state.elections))
    refused(
        seated,
        NotOpen,
        "is not open",
        lambda: actions.cast_ballot(seated, actor="a5", election=election, ranking=["a1"]),
    )


def test_quorum_of_an_assembly_is_enforced(small: Database) -> None:
    motion = actions.propose_motion(small, actor="a2", body="u1", title="Strike", text="")
    actions.open_voting(small, actor="a1", motion=motion.id)
    # nobody has voted yet: the vote cannot be closed before its deadline ...
    refused(
        small,
        NotOpen,
        "5 of 5 have not",
        lambda: actions.close_motion(small, actor="a1", motion=motion.id),
    )
    # ... and at its deadline, short of the quorum (1/5 of five members), it decides nothing
    deadline = small.state.motions[motion.id].deadline
    closed = actions.close_motion(small, actor="a1", motion=motion.id, at=deadline)
    assert closed.status is MotionStatus.NOT_DECIDED


def test_the_operator_has_no_power_over_votes_or_mandates(seated: Database) -> None:
    mandate = seated.state.seated("soviet")["a1"]
    refused(
        seated,
        Forbidden,
        "operator hosts the federation and is no member: it cannot petition",
        lambda: actions.open_petition(seated, actor=OP, mandate=mandate.id, reason=""),
    )
    election = open_vote(
        seated, "u1", "u1", ["a1", "a2", "a3"], convenor="a1", purpose="office", office="convenor"
    )
    refused(
        seated,
        Forbidden,
        "is no member: it cannot vote",
        lambda: actions.cast_ballot(seated, actor=OP, election=election.id, ranking=["a1"]),
    )
    refused(
        seated,
        Forbidden,
        "operator",
        lambda: actions.close_election(
            seated, actor=OP, election=election.id, at=election.deadline
        ),
    )


def test_secret_ballot_leaves_no_link_to_its_voter(seated: Database) -> None:
    import json

    import sqlalchemy as sa

    e = open_vote(
        seated, "u2", "u2", ["b1", "b2", "b3"], convenor="b1", purpose="office", office="convenor"
    )
    receipt = actions.cast_ballot(seated, actor="b4", election=e.id, ranking=["b3", "b2"])
    with seated.engine.connect() as conn:
        box = conn.execute(sa.text("SELECT * FROM ballot_box WHERE election = :e"), {"e": e.id})
        rows = [dict(r._mapping) for r in box]
        columns = set(rows[0])
    assert columns == {"receipt", "election", "ranking"}
    assert all('"b4"' not in json.dumps(r) for r in rows)
    cast_raw = [raw for raw in seated.raw_entries() if b'"ballot.cast"' in raw][-1]
    cast = json.loads(cast_raw)
    assert cast["data"] == {"election": e.id, "member": "b4"}
    assert '"b3"' not in cast_raw.decode() and receipt not in cast_raw.decode()
    actions.close_election(seated, actor="b1", election=e.id, at=e.deadline)
    counted = [json.loads(raw) for raw in seated.raw_entries() if b'"election.counted"' in raw][-1]
    assert {"receipt": receipt, "ranking": ["b3", "b2"]} in counted["data"]["ballots"]
    assert '"b4"' not in json.dumps(counted["data"]["ballots"])


def test_an_election_is_counted_by_the_constitutions_method_only(seated: Database) -> None:
    refused(
        seated,
        InputError,
        "election_method is 'scottish-stv'; an election cannot be counted by 'irv'",
        lambda: actions.open_election(
            seated,
            actor="a1",
            constituency="u1",
            target="soviet",
            purpose="delegation",
            method="irv",
        ),
    )
    refused(
        seated,
        InputError,
        "cannot be counted by 'dice'",
        lambda: actions.open_election(
            seated,
            actor="a1",
            constituency="u1",
            target="soviet",
            purpose="delegation",
            method="dice",
        ),
    )
    with pytest.raises(InputError, match="irv cannot fill 2 seat"):
        check_method("irv", 2, ["a1", "a2", "a3"])
    with pytest.raises(InputError, match="unknown counting method"):
        check_method("dice", 1, ["a1", "a2"])


def test_empty_ballots_and_bad_positions_are_refused(seated: Database) -> None:
    e = open_vote(
        seated, "u1", "u1", ["a1", "a2", "a3"], convenor="a1", purpose="office", office="convenor"
    )
    refused(
        seated,
        InputError,
        "at least one choice",
        lambda: actions.cast_ballot(seated, actor="a3", election=e.id, ranking=[]),
    )
    target = actions.propose_motion(seated, actor="a1", body="soviet", title="X", text="")
    refused(
        seated,
        InputError,
        "yes, no or abstain",
        lambda: actions.propose_motion(
            seated,
            actor="c2",
            body="v",
            title="Bind",
            text="",
            kind="instruction",
            payload={"motion": target.id, "position": "maybe"},
        ),
    )
