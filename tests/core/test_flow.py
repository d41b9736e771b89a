"""The federation's life, end to end through the actions: elections seat delegates,
sessions decide by roll call, recall replaces a delegate, the base ratifies."""

from __future__ import annotations

import pytest

from sovet import actions
from sovet.errors import (
    AlreadyVoted,
    BaseProtected,
    ConstitutionError,
    Forbidden,
    InputError,
    QuorumNotMet,
)
from sovet.model import (
    ElectionStatus,
    MandateStatus,
    MotionKind,
    MotionStatus,
    PetitionStatus,
    RatificationStatus,
)
from sovet.storage import Database

from .conftest import OP


def seated_in(db: Database, council: str) -> set[str]:
    return set(db.state.seated(council))


def test_delegation_elections_seat_the_apportioned_delegates(seated: Database) -> None:
    s = seated.state
    assert seated_in(seated, "soviet") == {"a1", "a2", "b1", "b2", "c1"}
    by_constituency = {m.member: m.constituency for m in s.mandates.values() if m.office is None}
    assert by_constituency == {"a1": "u1", "a2": "u1", "b1": "u2", "b2": "u2", "c1": "v"}
    election = next(
        e for e in s.elections.values() if e.constituency == "u1" and e.target == "soviet"
    )
    assert election.status is ElectionStatus.COUNTED
    assert election.seats == 2  # five members, one delegate per two
    assert len(election.ballots_published) == 5
    assert election.reserve == ("a3",)


def open_sitting(db: Database, present: list[str]) -> str:
    session = actions.open_session(db, actor="a1", council="soviet", agenda=["Bread"])
    for member in present:
        actions.attend(db, actor=member, session=session.id)
    return session.id


def due(db: Database, motion: str) -> str:
    """The moment a vote's deadline passes: after it anyone may close the vote."""
    deadline = db.state.motions[motion].deadline
    assert deadline is not None
    return deadline


def unit_decides(
    db: Database, motion: str, unit: str, convenor: str, voters: list[str], choice: str
) -> None:
    """A unit's assembly decides by its own vote whether to ratify ``motion``."""
    m = actions.propose_motion(
        db,
        actor=convenor,
        body=unit,
        title=f"Ratify {motion}",
        text="",
        kind=MotionKind.RATIFICATION,
        payload={"motion": motion},
    )
    actions.open_voting(db, actor=convenor, motion=m.id)
    for v in voters:
        actions.vote(db, actor=v, motion=m.id, choice=choice)
    actions.close_motion(db, actor=convenor, motion=m.id, at=due(db, m.id))


def test_roll_call_in_session_is_public_and_decides(seated: Database) -> None:
    db = seated
    sid = open_sitting(db, ["a1", "a2", "b1", "c1"])
    motion = actions.propose_motion(db, actor="b1", body="soviet", title="Eight-hour day", text="")
    assert motion.session == sid and not motion.secret
    actions.open_voting(db, actor="a1", motion=motion.id)
    for member, choice in (("a1", "yes"), ("a2", "yes"), ("b1", "no"), ("c1", "abstain")):
        actions.vote(db, actor=member, motion=motion.id, choice=choice)
    closed = actions.close_motion(db, actor="a1", motion=motion.id, at=due(db, motion.id))
    assert closed.status is MotionStatus.PASSED
    assert dict(closed.roll_call) == {"a1": "yes", "a2": "yes", "b1": "no", "c1": "abstain"}
    assert (closed.tally.yes, closed.tally.no, closed.tally.abstain) == (2, 1, 1)


def test_council_vote_needs_its_quorum(seated: Database) -> None:
    db = seated
    open_sitting(db, ["a1", "b1"])  # 2 of 5 seats, quorum is 1/2
    motion = actions.propose_motion(db, actor="a1", body="soviet", title="Bread", text="")
    size = db.size()
    with pytest.raises(QuorumNotMet, match="2 of 5"):
        actions.open_voting(db, actor="a1", motion=motion.id)
    assert db.size() == size


def test_assembly_vote_is_secret_and_counted_from_the_sealed_box(small: Database) -> None:
    db = small
    motion = actions.propose_motion(db, actor="a2", body="u1", title="Strike", text="")
    assert motion.secret
    actions.open_voting(db, actor="a1", motion=motion.id)
    receipts = [
        actions.vote(db, actor=m, motion=motion.id, choice=c)
        for m, c in (("a1", "yes"), ("a2", "yes"), ("a3", "no"))
    ]
    assert all(receipts)
    with pytest.raises(AlreadyVoted):
        actions.vote(db, actor="a1", motion=motion.id, choice="no")
    closed = actions.close_motion(db, actor="a1", motion=motion.id, at=due(db, motion.id))
    assert (closed.tally.yes, closed.tally.no) == (2, 1)
    assert closed.roll_call == () and closed.voters == {"a1", "a2", "a3"}


def test_recall_petition_vote_and_seat_to_next_on_list(seated: Database) -> None:
    db = seated
    mandate = db.state.seated("soviet")["a2"]
    petition = actions.open_petition(db, actor="a4", mandate=mandate.id, reason="Never reports")
    # threshold 1/5 of u1's five members: the opener's signature is enough
    petition = db.state.petitions[petition.id]
    assert petition.status is PetitionStatus.VOTING
    vote_motion = db.state.motions[petition.vote_motion or ""]
    assert vote_motion.kind is MotionKind.RECALL and vote_motion.body == "u1"
    for member, choice in (("a3", "yes"), ("a4", "yes"), ("a5", "yes"), ("a2", "no")):
        actions.vote(db, actor=member, motion=vote_motion.id, choice=choice)
    actions.close_motion(db, actor="a4", motion=vote_motion.id, at=due(db, vote_motion.id))
    s = db.state
    assert s.mandates[mandate.id].status is MandateStatus.RECALLED
    assert s.petitions[petition.id].status is PetitionStatus.RECALLED
    assert seated_in(db, "soviet") == {"a1", "a3", "b1", "b2", "c1"}  # a3 next on the list


def test_failed_recall_keeps_the_delegate(seated: Database) -> None:
    db = seated
    mandate = db.state.seated("soviet")["c1"]
    petition = actions.open_petition(db, actor="c3", mandate=mandate.id, reason="")
    motion = db.state.petitions[petition.id].vote_motion or ""
    for member, choice in (("c1", "no"), ("c2", "no"), ("c3", "yes")):
        actions.vote(db, actor=member, motion=motion, choice=choice)
    actions.close_motion(db, actor="c2", motion=motion)
    assert db.state.mandates[mandate.id].status is MandateStatus.ACTIVE
    assert db.state.petitions[petition.id].status is PetitionStatus.REJECTED


def test_binding_instruction_breach_is_flagged_and_opens_a_petition(seated: Database) -> None:
    db = seated
    sid = open_sitting(db, ["a1", "a2", "b1", "b2", "c1"])
    target = actions.propose_motion(db, actor="b1", body="soviet", title="Requisition", text="")
    instruction = actions.propose_motion(
        db,
        actor="c2",
        body="v",
        title="Vote no on requisition",
        text="",
        kind=MotionKind.INSTRUCTION,
        payload={"motion": target.id, "position": "no"},
    )
    actions.open_voting(db, actor="c1", motion=instruction.id)
    for member in ("c1", "c2", "c3"):
        actions.vote(db, actor=member, motion=instruction.id, choice="yes")
    assert actions.close_motion(db, actor="c1", motion=instruction.id).status is MotionStatus.PASSED
    actions.open_voting(db, actor="a1", motion=target.id)
    actions.vote(db, actor="c1", motion=target.id, choice="yes")  # against the instruction
    actions.vote(db, actor="a1", motion=target.id, choice="yes")  # a1 has no instruction
    s = db.state
    c1_mandate = s.seated("soviet")["c1"]
    assert s.motions[target.id].flagged == (c1_mandate.id,)
    petitions = [p for p in s.petitions.values() if p.mandate == c1_mandate.id]
    assert len(petitions) == 1 and "binding instruction" in petitions[0].reason
    assert sid


def test_reserved_matter_waits_for_ratification_by_the_base(seated: Database) -> None:
    db = seated
    open_sitting(db, ["a1", "a2", "b1", "b2", "c1"])
    motion = actions.propose_motion(
        db,
        actor="a1",
        body="soviet",
        title="Plan for 1918",
        text="",
        kind=MotionKind.RESERVED,
        matter="plan",
    )
    actions.open_voting(db, actor="a1", motion=motion.id)
    for member in ("a1", "a2", "b1", "b2", "c1"):
        actions.vote(db, actor=member, motion=motion.id, choice="yes")
    assert actions.close_motion(db, actor="a1", motion=motion.id).status is MotionStatus.RATIFYING
    r = db.state.ratifications[motion.id]
    assert r.units == ("u1", "u2", "v") and dict(r.members) == {"u1": 5, "u2": 4, "v": 3}

    unit_decides(db, motion.id, "v", "c1", ["c1", "c2"], "yes")  # 1 of 3 units, 3 of 12 members
    assert db.state.ratifications[motion.id].status is RatificationStatus.PENDING
    # 2 of 3 units holding 7 of 12 members: enough
    unit_decides(db, motion.id, "u2", "b1", ["b1", "b2"], "yes")
    assert db.state.ratifications[motion.id].status is RatificationStatus.RATIFIED
    assert db.state.motions[motion.id].status is MotionStatus.RATIFIED


def test_ratification_fails_when_a_majority_can_no_longer_be_reached(seated: Database) -> None:
    db = seated
    open_sitting(db, ["a1", "a2", "b1", "b2", "c1"])
    motion = actions.propose_motion(
        db, actor="a1", body="soviet", title="War", text="", kind="reserved", matter="war-and-peace"
    )
    actions.open_voting(db, actor="a1", motion=motion.id)
    for member in ("a1", "a2", "b1"):
        actions.vote(db, actor=member, motion=motion.id, choice="yes")
    actions.close_motion(db, actor="a1", motion=motion.id, at=due(db, motion.id))
    for unit, convenor, voters in (("u1", "a1", ["a1", "a2"]), ("u2", "b1", ["b1", "b2"])):
        unit_decides(db, motion.id, unit, convenor, voters, "no")
    assert db.state.ratifications[motion.id].status is RatificationStatus.FAILED
    assert db.state.motions[motion.id].status is MotionStatus.NOT_RATIFIED


def test_forwarded_motion_opens_in_the_other_body(seated: Database) -> None:
    db = seated
    motion = actions.propose_motion(db, actor="a3", body="u1", title="Bread ration", text="x")
    forwarded = actions.forward_motion(db, actor="a1", motion=motion.id, to="soviet")
    assert forwarded.body == "soviet" and forwarded.forwarded_from == motion.id
    assert db.state.motions[motion.id].status is MotionStatus.FORWARDED


def test_session_speaker_list_and_minutes(seated: Database) -> None:
    db = seated
    sid = open_sitting(db, ["a1", "b1"])
    actions.request_floor(db, actor="b1", session=sid)
    assert db.state.sessions[sid].speakers == ("b1",)
    actions.give_floor(db, actor="a1", session=sid, member="b1")
    actions.add_minutes(db, actor="a1", session=sid, text="B1 spoke on bread.")
    actions.close_session(db, actor="a1", session=sid)
    session = db.state.sessions[sid]
    assert session.spoken == ("b1",) and session.speakers == ()
    assert session.minutes == ("B1 spoke on bread.",) and session.closed_at is not None


def test_council_seats_apportioned_by_membership(seated: Database) -> None:
    # the seated delegates elected a1 the soviet's convenor; only a convenor applies the rule
    assert seated.state.councils["soviet"].convenors == frozenset({"a1"})
    with pytest.raises(Forbidden, match="only a convenor of District Soviet"):
        actions.apportion_council(seated, actor="b1", council="soviet")
    seats = actions.apportion_council(seated, actor="a1", council="soviet")
    assert seats == {"u1": 2, "u2": 2, "v": 1}


def test_a_body_must_be_of_the_kind_its_constitution_table_says(db: Database) -> None:
    from sovet.errors import ConstitutionError

    actions.register_member(db, actor=OP, name="X1", member_id="x1")
    size = db.size()
    with pytest.raises(ConstitutionError, match=r"federation-congress\.kind"):
        actions.found_unit(db, actor="x1", unit_id="federation-congress", name="X", kind="coop")
    assert db.size() == size


def test_participatory_budget_counted_and_published_for_recount(small: Database) -> None:
    from sovet.counting.budgets import budget as count_budget
    from sovet.counting.pabulib import parse_pabulib

    db = small
    b = actions.open_budget(
        db,
        actor="a1",
        body="u1",
        title="Canteen fund",
        total=100,
        projects=[("p1", "New stove", 60), ("p2", "Library", 30), ("p3", "Bicycles", 50)],
        rule="equal-shares-add1",
    )
    ballots = {"a1": ["p1"], "a2": ["p1", "p2"], "a3": ["p2", "p3"], "a4": ["p3"], "a5": ["p1"]}
    for member, approved in ballots.items():
        actions.cast_budget_ballot(db, actor=member, budget_id=b.id, approved=approved)
    with pytest.raises(AlreadyVoted):
        actions.cast_budget_ballot(db, actor="a1", budget_id=b.id, approved=["p2"])
    counted = actions.close_budget(db, actor="a1", budget_id=b.id)
    assert counted.cost <= 100 and counted.selected
    # Equal Shares, cost utilities, 20 per voter: p1's three supporters pay 20 each.
    # add1 raises the shares; at 25 each p3 (a3 + a4 pay 25 each) joins p1 and the outcome
    # costs 110 > 100, so completion stops at 24 with p1 alone. Greedy would fund p1, p2.
    assert counted.selected == ("p1",) and counted.cost == 60
    assert counted.result is not None and counted.result["per_voter_budget"] == "24"
    recount = count_budget(parse_pabulib(counted.instance), "equal-shares-add1")
    assert list(recount.selected_ids) == list(counted.selected)
    # the published ballots are under their receipts, in receipt order: no member named
    voter_ids = [line.split(";")[0] for line in counted.instance.split("VOTES")[1].split()[1:]]
    assert voter_ids == sorted(voter_ids) and len(voter_ids) == len(ballots)
    assert all(len(v) == 32 and v not in ballots for v in voter_ids)


def test_scoring_budget_and_a_budget_nobody_voted_on(small: Database) -> None:
    from sovet.actions.budgets import recount_budget
    from sovet.counting.pabulib import parse_pabulib

    db = small
    projects = [("p1", "New stove", 60), ("p2", "Library", 30), ("p3", "Bicycles", 50)]
    b = actions.open_budget(
        db,
        actor="a1",
        body="u1",
        title="Canteen fund",
        total=100,
        projects=projects,
        rule="greedy",
        vote_type="scoring",
        max_points=4,
    )
    for member, points in (("a1", {"p1": 4}), ("a2", {"p2": 3, "p3": 2}), ("a3", {"p3": 3})):
        actions.cast_budget_ballot(db, actor=member, budget_id=b.id, points=points)
    with pytest.raises(InputError):
        actions.cast_budget_ballot(db, actor="a4", budget_id=b.id, points={"p1": 5})
    with pytest.raises(InputError):
        actions.cast_budget_ballot(db, actor="a4", budget_id=b.id, approved=["p1"])
    deadline = db.state.budgets[b.id].deadline
    assert deadline is not None
    counted = actions.close_budget(db, actor="a1", budget_id=b.id, at=deadline)
    # greedy by points: p3 (5 points, 50), p1 (4, 60) does not fit, p2 (3, 30) does
    assert counted.selected == ("p3", "p2") and counted.cost == 80
    instance = parse_pabulib(counted.instance)
    assert instance.vote_type == "scoring" and list(instance.points()) == [4, 3, 5]
    assert recount_budget(counted).selected_ids == counted.selected
    with pytest.raises(InputError):
        actions.open_budget(
            db, actor="a1", body="u1", title="X", total=10, projects=projects, max_points=3
        )
    empty = actions.open_budget(db, actor="a1", body="u1", title="Y", total=100, projects=projects)
    closed = actions.close_budget(db, actor="a1", budget_id=empty.id, at=empty.deadline)
    assert closed.selected == () and closed.cost == 0  # nobody voted: nothing funded


def test_declared_production_and_needs_make_a_plan_the_base_ratifies(seated: Database) -> None:
    import json

    db = seated
    period = "1918-Q1"
    actions.declare_production(
        db,
        actor="c1",
        unit="v",
        period=period,
        techniques=[
            {
                "name": "fields",
                "product": "grain",
                "labour": "2",
                "capacity": "100",
                "inputs": {"tools": "0.1"},
            },
        ],
    )
    actions.declare_production(
        db,
        actor="a1",
        unit="u1",
        period=period,
        techniques=[
            {"name": "forge", "product": "tools", "labour": "5", "inputs": {"grain": "0.5"}},
        ],
    )
    actions.declare_needs(
        db, actor="a1", council="soviet", period=period, needs={"grain": 40, "tools": "10"}
    )
    with pytest.raises(BaseProtected):  # a higher council's delegate cannot declare for v
        actions.declare_production(
            db,
            actor="b1",
            unit="v",
            period=period,
            techniques=[{"name": "x", "product": "grain", "labour": 1}],
        )
    open_sitting(db, ["a1", "a2", "b1", "b2", "c1"])
    motion = actions.propose_plan(db, actor="b2", council="soviet", period=period)
    plan = json.loads(motion.payload["plan"])
    # x_grain = 40 + 0.5 x_tools, x_tools = 10 + 0.1 x_grain  =>  x_grain = 45/0.95
    grain = next(t for t in plan["targets"] if t["product"] == "grain")
    assert float(grain["quantity"]) == pytest.approx(45 / 0.95, rel=1e-6)
    assert plan["status"] == "optimal" and plan["unmet"] == {}
    assert motion.kind is MotionKind.RESERVED and motion.matter == "plan"
    actions.open_voting(db, actor="a1", motion=motion.id)
    for member in ("a1", "a2", "b1", "b2", "c1"):
        actions.vote(db, actor=member, motion=motion.id, choice="yes")
    actions.close_motion(db, actor="a1", motion=motion.id)
    assert period not in db.state.plans  # waits for the base
    for unit, convenor, voters in (("u1", "a1", ["a1", "a2"]), ("u2", "b1", ["b1", "b2"])):
        unit_decides(db, motion.id, unit, convenor, voters, "yes")
    assert db.state.plans[period]["motion"] == motion.id


def test_a_plan_that_cannot_meet_needs_says_which_and_by_how_much(seated: Database) -> None:
    import json

    db = seated
    actions.declare_production(
        db,
        actor="c1",
        unit="v",
        period="lean",
        techniques=[
            {"name": "fields", "product": "grain", "labour": 2, "capacity": 30},
        ],
    )
    actions.declare_needs(db, actor="a1", council="soviet", period="lean", needs={"grain": 50})
    open_sitting(db, ["a1", "a2", "b1"])
    plan = json.loads(
        actions.propose_plan(db, actor="a1", council="soviet", period="lean").payload["plan"]
    )
    assert plan["status"] == "infeasible"
    assert float(plan["unmet"]["grain"]) == pytest.approx(20)
    assert plan["binding"] == ["v/fields"]


def test_constitution_amendment_is_adopted_only_once_the_base_ratifies(seated: Database) -> None:
    db = seated
    text = db.state.rules().text
    assert "members_per_delegate = 2" in text
    open_sitting(db, ["a1", "a2", "b1", "b2", "c1"])
    amended = text.replace("members_per_delegate = 2", "members_per_delegate = 3", 1)
    motion = actions.propose_motion(
        db,
        actor="a1",
        body="soviet",
        title="Fewer delegates",
        text="",
        kind=MotionKind.AMENDMENT,
        payload={"effect": "amend-constitution", "text": amended},
    )
    actions.open_voting(db, actor="a1", motion=motion.id)
    for member in ("a1", "a2", "b1", "b2", "c1"):
        actions.vote(db, actor=member, motion=motion.id, choice="yes")
    actions.close_motion(db, actor="a1", motion=motion.id)
    version = db.state.constitution_version
    assert db.state.rules().text == text  # passed, not yet in force
    unit_decides(db, motion.id, "u1", "a1", ["a1", "a2", "a3"], "yes")
    unit_decides(db, motion.id, "u2", "b1", ["b1", "b2"], "yes")
    # the amendment rule asks more than a plain majority of units: still pending
    assert db.state.ratifications[motion.id].status is RatificationStatus.PENDING
    assert db.state.rules().text == text
    unit_decides(db, motion.id, "v", "c1", ["c1", "c2"], "yes")
    assert db.state.ratifications[motion.id].status is RatificationStatus.RATIFIED
    assert db.state.rules().text == amended
    assert db.state.constitution_version == version + 1


def test_an_amendment_that_is_not_a_valid_constitution_is_refused(seated: Database) -> None:
    """Checked when it is put, so that a ratified amendment can always be adopted."""
    db = seated
    size = db.size()
    for broken in ("[defaults\n", "name = 'x'\nversion = 'two'\n"):
        with pytest.raises(ConstitutionError):
            actions.propose_motion(
                db,
                actor="a1",
                body="soviet",
                title="Broken",
                text="",
                kind=MotionKind.AMENDMENT,
                payload={"effect": "amend-constitution", "text": broken},
            )
    assert db.size() == size
