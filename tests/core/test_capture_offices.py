"""No capture of a body's offices: convenors are elected by the body's own voters and
recalled by them, bodies are founded by their members, and neither the operator, nor a
sitting convenor, nor a higher council can name, hand on or replace an officer.

Every refused attempt checks its specific error and that nothing changed (``refused``);
the positive tests check what an office election and a recall do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sovet import actions
from sovet.errors import BaseProtected, Forbidden, InputError
from sovet.federation import Event, fold
from sovet.model import Election, ElectionPurpose, ElectionStatus, MandateStatus, PetitionStatus
from sovet.storage import Database, open_database

from ..elections import open_vote
from .conftest import OP, TEST_CONSTITUTION, clock, elect_office
from .test_base_principle import refused

CONVENOR = "convenor"


def open_office(
    db: Database,
    actor: str,
    body: str,
    candidates: list[str],
    *,
    constituency: str | None = None,
    purpose: ElectionPurpose = ElectionPurpose.OFFICE,
    office: str = CONVENOR,
    method: str | None = None,
    seats: int | None = None,
) -> Election:
    """``actor`` opens an election of ``body``'s ``office`` (where every capture attempt
    below is refused), ``candidates`` stand, and the vote opens when nominations close."""
    return open_vote(
        db,
        constituency or body,
        body,
        candidates,
        convenor=actor,
        purpose=purpose,
        office=office,
        method=method,
        seats=seats,
    )


def close_at_deadline(db: Database, actor: str, motion: str) -> None:
    """Close a vote at its deadline (not every voter has voted)."""
    deadline = db.state.motions[motion].deadline
    assert deadline is not None
    actions.close_motion(db, actor=actor, motion=motion, at=deadline)


def convenor_mandate(db: Database, body: str, member: str) -> str:
    return next(m.id for m in db.state.officers(body, CONVENOR) if m.member == member)


# ---- the operator hosts: it founds no body and names no officer ----------------------------


def test_the_operator_cannot_found_a_unit(small: Database) -> None:
    refused(
        small,
        Forbidden,
        "operator hosts and founds no body: a unit is founded by its founding members",
        lambda: actions.found_unit(
            small, actor=OP, unit_id="bakery", name="Bakery", kind="coop", founders=["a3"]
        ),
    )
    assert "bakery" not in small.state.units


def test_the_operator_cannot_found_a_council_or_take_a_body_into_one(small: Database) -> None:
    refused(
        small,
        Forbidden,
        "a council is founded by its constituents",
        lambda: actions.found_council(
            small,
            actor=OP,
            council_id="city",
            name="City",
            level="territorial",
            constituents=["u1"],
        ),
    )
    actions.found_council(
        small,
        actor="a1",
        council_id="city",
        name="City",
        level="territorial",
        constituents=["u1", "u2"],
    )
    refused(
        small,
        Forbidden,
        "Obukhov Works's own convenors decide",
        lambda: actions.join_council(small, actor=OP, council="city", constituent="u2"),
    )


def test_the_operator_cannot_name_convenors(small: Database) -> None:
    # the old paths are gone from the actions altogether
    assert not hasattr(actions, "convene_first") and not hasattr(actions, "set_convenors")
    refused(
        small,
        Forbidden,
        "operator names no officer: Putilov Works elects its own",
        lambda: open_office(small, OP, "u1", ["a3"]),
    )
    # nor in a body that has no convenor yet
    actions.found_unit(
        small, actor="a3", unit_id="bakery", name="Bakery", kind="coop", founders=["a3", "a4"]
    )
    refused(
        small,
        Forbidden,
        "operator names no officer: Bakery elects its own",
        lambda: open_office(small, OP, "bakery", ["a3"]),
    )
    # nor stand in, open the vote of, or close (and so decide) a convenor election the
    # members opened, even once its time has come
    e = actions.open_election(
        small, actor="a3", constituency="bakery", target="bakery", purpose="office", office=CONVENOR
    )
    refused(
        small,
        Forbidden,
        "operator hosts the federation: it cannot stand",
        lambda: actions.stand(small, actor=OP, election=e.id),
    )
    for member in ("a3", "a4"):
        actions.stand(small, actor=member, election=e.id)
    close = small.state.elections[e.id].nominations_close
    refused(
        small,
        Forbidden,
        "operator hosts the federation: it does not run elections",
        lambda: actions.begin_voting(small, actor=OP, election=e.id, at=close),
    )
    e = actions.begin_voting(small, actor="a3", election=e.id, at=close)
    assert e.status is ElectionStatus.OPEN and e.deadline is not None
    actions.cast_ballot(small, actor="a3", election=e.id, ranking=["a3"])
    refused(
        small,
        Forbidden,
        "operator hosts the federation: it does not run elections",
        lambda: actions.close_election(small, actor=OP, election=e.id, at=e.deadline),
    )
    assert small.state.units["bakery"].convenors == frozenset()


# ---- a sitting convenor cannot hand the role on or appoint ----------------------------------


def test_a_convenor_cannot_appoint_by_an_election_of_its_own_making(small: Database) -> None:
    refused(
        small,
        InputError,
        "offices.convenor.method is 'scottish-stv'; an election cannot be counted by "
        "'plurality': changing it is a constitution amendment",
        lambda: open_office(small, "a1", "u1", ["a3"], method="plurality"),
    )
    refused(
        small,
        InputError,
        "offices.convenor.seats is 1; an election cannot fill 2: changing it is a "
        "constitution amendment",
        lambda: open_office(small, "a1", "u1", ["a3", "a4"], seats=2),
    )
    refused(
        small,
        InputError,
        "names no office 'chair'",
        lambda: open_office(small, "a1", "u1", ["a3"], office="chair"),
    )
    # nor picks the candidates: an outsider cannot stand, and no convenor strikes one
    e = actions.open_election(
        small, actor="a1", constituency="u1", target="u1", purpose="office", office=CONVENOR
    )
    refused(
        small,
        Forbidden,
        "b1 is not a voter of Putilov Works: only its voters stand",
        lambda: actions.stand(small, actor="b1", election=e.id),
    )
    actions.stand(small, actor="a3", election=e.id)
    refused(
        small,
        Forbidden,
        "only a3 may withdraw their candidacy: no convenor or member strikes a candidate",
        lambda: actions.withdraw(small, actor="a1", election=e.id, member="a3"),
    )
    # no motion hands the role on either
    refused(
        small,
        InputError,
        "unknown effect 'replace-convenors'",
        lambda: actions.propose_motion(
            small,
            actor="a1",
            body="u1",
            title="a3 convenes",
            text="",
            payload={"effect": "replace-convenors", "convenors": "a3"},
        ),
    )
    assert small.state.units["u1"].convenors == frozenset({"a1"})


def test_a_convenor_of_one_unit_cannot_fill_another_units_office(small: Database) -> None:
    refused(
        small,
        Forbidden,
        "only a convenor of Obukhov Works",
        lambda: open_office(small, "a1", "u2", ["b3"]),
    )
    refused(
        small,
        Forbidden,
        "officers of Obukhov Works are elected by its own voters only",
        lambda: open_office(small, "a1", "u2", ["a3"], constituency="u1"),
    )


def test_a_member_cannot_open_a_convenor_election_while_the_unit_has_convenors(
    small: Database,
) -> None:
    refused(
        small,
        Forbidden,
        "only a convenor of Putilov Works",
        lambda: open_office(small, "a3", "u1", ["a3"]),
    )


# ---- a higher council cannot replace a unit's convenor --------------------------------------


def test_a_higher_council_cannot_replace_a_units_convenor(seated: Database) -> None:
    assert seated.state.councils["soviet"].convenors == frozenset({"a1"})
    refused(
        seated,
        BaseProtected,
        "acts for a higher council; only Obukhov Works's own voters elect its officers",
        lambda: open_office(seated, "a1", "u2", ["b3"]),
    )
    refused(
        seated,
        BaseProtected,
        "officers of Obukhov Works are elected by its own voters only",
        lambda: open_office(seated, "a1", "u2", ["a2"], constituency="soviet"),
    )
    b1 = convenor_mandate(seated, "u2", "b1")
    for actor in ("a1", "a2", "c1"):  # the soviet's convenor and delegates
        refused(
            seated,
            BaseProtected,
            "only Obukhov Works's own voters, who elected its convenor, can recall them",
            lambda actor=actor: actions.open_petition(  # type: ignore[misc]
                seated, actor=actor, mandate=b1, reason="Disloyal"
            ),
        )
    assert seated.state.units["u2"].convenors == frozenset({"b1"})


def test_a_council_never_drags_a_body_in(small: Database) -> None:
    city = actions.found_council(
        small,
        actor="a1",
        council_id="city",
        name="City",
        level="territorial",
        constituents=["u1", "u2"],
    )
    assert city.constituents == ("u1",) and city.invited == ("u2",)
    refused(
        small,
        Forbidden,
        "only a convenor of Obukhov Works",
        lambda: actions.join_council(small, actor="a1", council="city", constituent="u2"),
    )
    refused(
        small,
        InputError,
        "Village was not named at City's founding",
        lambda: actions.join_council(small, actor="c1", council="city", constituent="v"),
    )
    actions.join_council(small, actor="b1", council="city", constituent="u2")
    assert small.state.councils["city"].constituents == ("u1", "u2")
    assert small.state.councils["city"].invited == ()
    refused(
        small,
        Forbidden,
        "a council is founded by a convenor of one of its constituents",
        lambda: actions.found_council(
            small, actor="a3", council_id="x", name="X", level="territorial", constituents=["u1"]
        ),
    )


# ---- what an office election and a recall do -------------------------------------------------


def test_founders_are_the_first_members_and_elect_their_convenors(small: Database) -> None:
    refused(
        small,
        Forbidden,
        "whoever founds a unit is one of its founding members",
        lambda: actions.found_unit(
            small, actor="a3", unit_id="bakery", name="Bakery", kind="coop", founders=["a4"]
        ),
    )
    unit = actions.found_unit(
        small, actor="a3", unit_id="bakery", name="Bakery", kind="coop", founders=["a3", "a4", "b3"]
    )
    assert unit.members == frozenset({"a3", "a4", "b3"}) and unit.convenors == frozenset()
    assert "bakery" in small.state.members["b3"].units
    refused(  # a member of the federation who did not found it has no say in it
        small,
        Forbidden,
        "only a voter of Bakery may open its convenor election",
        lambda: open_office(small, "a1", "bakery", ["a3"]),
    )
    eid = elect_office(
        small, "bakery", ["a3", "b3"], {"a3": ["b3"], "a4": ["b3"], "b3": ["b3"]}, opener="a4"
    )
    s = small.state
    assert s.units["bakery"].convenors == frozenset({"b3"})
    (mandate,) = s.officers("bakery")
    assert (mandate.member, mandate.office, mandate.election) == ("b3", CONVENOR, eid)
    assert (mandate.body, mandate.constituency) == ("bakery", "bakery")
    assert mandate.ends_at[:10] == "2027-01-01"  # offices.convenor.term_days = 365
    assert s.seated("bakery") == {}  # an office is not a seat


def test_an_office_election_replaces_the_previous_holders(small: Database) -> None:
    old = convenor_mandate(small, "u1", "a1")
    elect_office(small, "u1", ["a2", "a3"], {"a1": ["a3"], "a3": ["a3"], "a4": ["a3"]}, opener="a1")
    s = small.state
    assert s.units["u1"].convenors == frozenset({"a3"})
    assert s.mandates[old].status is MandateStatus.ENDED
    refused(  # the former convenor convenes no more
        small,
        Forbidden,
        "only a convenor of Putilov Works",
        lambda: open_office(small, "a1", "u1", ["a1"]),
    )


def test_office_mandates_are_not_council_seats(seated: Database) -> None:
    s = seated.state
    assert set(s.seated("soviet")) == {"a1", "a2", "b1", "b2", "c1"}
    assert [m.member for m in s.officers("soviet")] == ["a1"]
    assert s.voters_of("soviet") == frozenset({"a1", "a2", "b1", "b2", "c1"})
    assert all(m.office is None for m in s.seated("u1").values())


def test_a_convenor_is_recalled_by_the_units_own_members(small: Database) -> None:
    mandate = convenor_mandate(small, "u1", "a1")
    petition = actions.open_petition(small, actor="a3", mandate=mandate, reason="Never calls us")
    # 1/5 of u1's five members: the opener's signature opens the recall vote
    motion = small.state.petitions[petition.id].vote_motion
    assert motion is not None
    assert small.state.motions[motion].body == "u1"
    assert small.state.motions[motion].title == "Recall Worker A1 as convenor of Putilov Works"
    for member, choice in (("a2", "yes"), ("a3", "yes"), ("a4", "yes"), ("a1", "no")):
        actions.vote(small, actor=member, motion=motion, choice=choice)
    close_at_deadline(small, "a3", motion)  # a5 did not vote
    s = small.state
    assert s.petitions[petition.id].status is PetitionStatus.RECALLED
    assert s.mandates[mandate].status is MandateStatus.RECALLED
    # the next on the convenor election's list takes the place
    assert s.units["u1"].convenors == frozenset({"a2"})
    assert [m.member for m in s.officers("u1", CONVENOR)] == ["a2"]


def test_a_recalled_convenor_is_replaced_by_a_by_election(tmp_path: Path) -> None:
    text = TEST_CONSTITUTION.replace('replacement = "next-on-list"', 'replacement = "by-election"')
    assert text != TEST_CONSTITUTION
    db = open_database(f"sqlite:///{tmp_path / 'b.db'}")
    ticks = clock()
    db.clock = lambda: next(ticks)
    actions.found_federation(db, name="B", constitution=text)
    actions.register_members(db, actor=OP, rows=[(m, m.upper(), []) for m in ("m1", "m2", "m3")])
    actions.found_unit(
        db, actor="m1", unit_id="u", name="U", kind="coop", founders=["m1", "m2", "m3"]
    )
    elect_office(db, "u", ["m1", "m2"], {"m1": ["m1"], "m2": ["m1"]}, opener="m1")
    petition = actions.open_petition(
        db, actor="m2", mandate=convenor_mandate(db, "u", "m1"), reason=""
    )
    motion = db.state.petitions[petition.id].vote_motion or ""
    for member in ("m2", "m3"):
        actions.vote(db, actor=member, motion=motion, choice="yes")
    close_at_deadline(db, "m2", motion)  # m1 did not vote
    assert db.state.units["u"].convenors == frozenset()  # nobody steps in unelected
    refused(
        db,
        InputError,
        r"offices.convenor.seats is 1, of whom 0 hold it: 1 places are empty; an election "
        "cannot fill 2",
        lambda: open_office(
            db, "m3", "u", ["m2", "m3"], purpose=ElectionPurpose.BY_ELECTION, seats=2
        ),
    )
    e = open_office(db, "m3", "u", ["m2", "m3"], purpose=ElectionPurpose.BY_ELECTION, seats=1)
    for member in ("m1", "m2", "m3"):
        actions.cast_ballot(db, actor=member, election=e.id, ranking=["m3"])
    actions.close_election(db, actor="m3", election=e.id)  # every elector voted
    assert db.state.units["u"].convenors == frozenset({"m3"})
    db.engine.dispose()


def test_a_convenor_who_leaves_the_unit_holds_its_office_no_more(small: Database) -> None:
    mandate = convenor_mandate(small, "u1", "a1")
    actions.leave_unit(small, actor="a1", unit="u1", member="a1")
    assert small.state.mandates[mandate].status is MandateStatus.ENDED
    assert small.state.units["u1"].convenors == frozenset()
    # the office is empty: any member may open the election that fills it
    elect_office(small, "u1", ["a4"], {"a4": ["a4"], "a5": ["a4"]}, opener="a5")
    assert small.state.units["u1"].convenors == frozenset({"a4"})


def test_a_council_convenor_recalled_as_delegate_leaves_the_council_office(
    seated: Database,
) -> None:
    delegate = seated.state.seated("soviet")["a1"]
    petition = actions.open_petition(seated, actor="a4", mandate=delegate.id, reason="")
    motion = seated.state.petitions[petition.id].vote_motion or ""
    for member in ("a2", "a3", "a4", "a5"):
        actions.vote(seated, actor=member, motion=motion, choice="yes")
    close_at_deadline(seated, "a4", motion)  # a1 did not vote
    s = seated.state
    assert "a1" not in s.seated("soviet")
    assert s.councils["soviet"].convenors == frozenset()
    assert s.units["u1"].convenors == frozenset({"a1"})  # still u1's own convenor


@pytest.mark.parametrize("with_office", [False, True])
def test_logs_written_before_elected_offices_still_fold(with_office: bool) -> None:
    """Convenors named by the operator and handed on, as older versions logged them."""
    at = "2026-01-01T00:00:00Z"
    events = [
        Event("federation.founded", at, OP, {"name": "F", "constitution": TEST_CONSTITUTION}),
        Event("member.registered", at, OP, {"id": "a1", "name": "A1"}),
        Event("member.registered", at, OP, {"id": "a2", "name": "A2"}),
        Event(
            "unit.founded",
            at,
            OP,
            {"id": "u1", "name": "U1", "kind": "coop", "place": "", "convenors": ["a1"]},
        ),
        Event("member.joined", at, OP, {"member": "a1", "unit": "u1"}),
        Event("member.joined", at, OP, {"member": "a2", "unit": "u1"}),
        Event(
            "council.founded",
            at,
            OP,
            {
                "id": "c",
                "name": "C",
                "level": "territorial",
                "constituents": ["u1"],
                "convenors": ["a2"],
            },
        ),
        Event("body.convenors", at, "a1", {"body": "u1", "convenors": ["a2"]}),
    ]
    s = fold(events)
    assert s.units["u1"].convenors == frozenset({"a2"})
    assert s.units["u1"].members == frozenset({"a1", "a2"})
    assert s.councils["c"].convenors == frozenset({"a2"}) and s.councils["c"].invited == ()
    assert s.mandates == {}
    if with_office:  # the first counted convenor election replaces whoever was named
        cand = [{"member": "a1", "name": "A1", "faction": None}]
        events = [
            Event(
                "election.opened",
                at,
                "a2",
                {
                    "id": "e",
                    "constituency": "u1",
                    "target": "u1",
                    "purpose": "office",
                    "office": "convenor",
                    "seats": 1,
                    "method": "scottish-stv",
                    "electorate": 2,
                    "candidates": cand,
                },
            ),
            Event(
                "election.counted",
                at,
                "a2",
                {"election": "e", "ballots": [], "elected": ["a1"], "reserve": [], "result": {}},
            ),
        ]
        s = fold(events, s)
        assert s.units["u1"].convenors == frozenset({"a1"})
        assert s.seated("u1") == {}
