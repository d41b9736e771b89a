"""No capture of a vote from within: quorum, deadlines, a fixed electorate, forwarding
that is a new motion of the receiving body, and apportionment by the constitution only.

Each attempt is one a convenor, the operator or a higher council made against an
earlier Sovet and got through; each now gets its specific error and changes nothing.
"""

from __future__ import annotations

import pytest

from sovet import actions, rules
from sovet.errors import BaseProtected, Forbidden, InputError, NotOpen, QuorumNotMet
from sovet.federation import Event, add_days, fold
from sovet.ledger.events import decode_entry
from sovet.model import (
    MandateStatus,
    Motion,
    MotionKind,
    MotionStatus,
    PetitionStatus,
    RatificationStatus,
)
from sovet.storage import Database

from .conftest import OP
from .test_base_principle import refused

EVERYONE = ("a1", "a2", "b1", "b2", "c1")  # the soviet's five seated delegates


def sitting(db: Database, present: tuple[str, ...] = EVERYONE) -> str:
    session = actions.open_session(db, actor="a1", council="soviet", agenda=[])
    for member in present:
        actions.attend(db, actor=member, session=session.id)
    return session.id


def deadline_of(db: Database, motion: str) -> str:
    deadline = db.state.motions[motion].deadline
    assert deadline is not None
    return deadline


def passed_in_soviet(db: Database, **motion: object) -> Motion:
    """A motion of the soviet, voted yes by all five delegates and closed."""
    m = actions.propose_motion(db, actor="a1", body="soviet", title="M", text="", **motion)  # type: ignore[arg-type]
    actions.open_voting(db, actor="a1", motion=m.id)
    for member in EVERYONE:
        actions.vote(db, actor=member, motion=m.id, choice="yes")
    return actions.close_motion(db, actor="a1", motion=m.id)


# ---- A. quorum and deadlines ---------------------------------------------------------


def test_a_council_vote_cannot_open_without_its_quorum(seated: Database) -> None:
    """The red-team case: 2 of 19 present, the vote opened, then "closed" as rejected 0-0-0."""
    motion = actions.propose_motion(seated, actor="b1", body="soviet", title="Bread", text="")
    refused(
        seated,
        NotOpen,
        "not in session",
        lambda: actions.open_voting(seated, actor="a1", motion=motion.id),
    )
    sitting(seated, ("a1", "b1"))
    refused(
        seated,
        QuorumNotMet,
        r"2 of 5 delegates present; the quorum is 1/2 of the seats",
        lambda: actions.open_voting(seated, actor="a1", motion=motion.id),
    )
    assert seated.state.motions[motion.id].status is MotionStatus.OPEN


def test_every_vote_gets_its_deadline_when_it_opens(seated: Database) -> None:
    sitting(seated)
    motion = actions.propose_motion(seated, actor="b1", body="soviet", title="Bread", text="")
    assert motion.deadline is None
    actions.open_voting(seated, actor="a1", motion=motion.id, at="2026-02-01T10:00:00Z")
    m = seated.state.motions[motion.id]
    assert m.deadline == "2026-02-08T10:00:00Z"  # voting_days = 7
    assert m.electorate == frozenset(EVERYONE)
    mandate = seated.state.seated("soviet")["c1"]
    petition = actions.open_petition(
        seated, actor="c3", mandate=mandate.id, reason="", at="2026-02-02T10:00:00Z"
    )
    recall = seated.state.motions[seated.state.petitions[petition.id].vote_motion or ""]
    assert recall.deadline == "2026-02-16T10:00:00Z"  # [recall] voting_days = 14
    assert recall.electorate == frozenset({"c1", "c2", "c3"})


def test_an_older_log_without_deadlines_replays_to_the_same_deadline(seated: Database) -> None:
    sitting(seated)
    motion = actions.propose_motion(seated, actor="b1", body="soviet", title="Bread", text="")
    actions.open_voting(seated, actor="a1", motion=motion.id)
    events = []
    for raw in seated.raw_entries():
        entry = decode_entry(raw)
        data = dict(entry.data)
        if entry.type == "motion.voting":
            del data["deadline"]  # as an older Sovet logged it
        events.append(Event(entry.type, entry.at, entry.actor, data))
    replayed = fold(events).motions[motion.id]
    assert replayed == seated.state.motions[motion.id] and replayed.deadline is not None


def test_a_vote_cannot_be_closed_early_unless_everyone_voted(seated: Database) -> None:
    sitting(seated)
    motion = actions.propose_motion(seated, actor="b1", body="soviet", title="Bread", text="")
    actions.open_voting(seated, actor="a1", motion=motion.id)
    actions.vote(seated, actor="a1", motion=motion.id, choice="no")
    actions.vote(seated, actor="a2", motion=motion.id, choice="no")
    for actor in ("a1", rules.DEADLINE, OP):
        refused(
            seated,
            NotOpen if actor != OP else Forbidden,
            "runs until" if actor != OP else "only a convenor",
            lambda actor=actor: actions.close_motion(seated, actor=actor, motion=motion.id),
        )
    for member in ("b1", "b2", "c1"):
        actions.vote(seated, actor=member, motion=motion.id, choice="yes")
    assert actions.close_motion(seated, actor="a1", motion=motion.id).status is (
        MotionStatus.PASSED
    )


def test_after_its_deadline_anyone_closes_a_vote_and_late_votes_are_refused(
    seated: Database,
) -> None:
    sitting(seated)
    motion = actions.propose_motion(seated, actor="b1", body="soviet", title="Bread", text="")
    actions.open_voting(seated, actor="a1", motion=motion.id)
    for member in ("a1", "a2", "b1"):
        actions.vote(seated, actor=member, motion=motion.id, choice="yes")
    deadline = deadline_of(seated, motion.id)
    refused(
        seated,
        NotOpen,
        f"closed at {deadline}",
        lambda: actions.vote(seated, actor="b2", motion=motion.id, choice="no", at=deadline),
    )
    closed = actions.close_motion(seated, actor="c1", motion=motion.id, at=deadline)
    assert closed.status is MotionStatus.PASSED  # 3 of 5 seats voted: quorate


def test_close_due_closes_every_vote_past_its_deadline_as_the_deadline(small: Database) -> None:
    db = small
    early = actions.propose_motion(db, actor="a2", body="u1", title="Strike", text="")
    actions.open_voting(db, actor="a1", motion=early.id, at="2026-02-01T00:00:00Z")
    actions.vote(db, actor="a2", motion=early.id, choice="yes", at="2026-02-02T00:00:00Z")
    late = actions.propose_motion(db, actor="b2", body="u2", title="Strike too", text="")
    actions.open_voting(db, actor="b1", motion=late.id, at="2026-02-05T00:00:00Z")
    budget = actions.open_budget(
        db,
        actor="c1",
        body="v",
        title="Mill",
        total=10,
        projects=[("p1", "Mill", 10)],
        at="2026-02-01T00:00:00Z",
    )
    assert actions.close_due(db, at="2026-02-07T23:59:59Z") == 0
    size = db.size()
    assert actions.close_due(db, at="2026-02-08T00:00:00Z") == 2
    assert db.size() == size + 2  # one entry per vote closed
    entries = [decode_entry(raw) for raw in db.raw_entries(size)]
    assert {e.type for e in entries} == {"motion.closed", "budget.counted"}
    assert {e.actor for e in entries} == {rules.DEADLINE}
    assert db.state.motions[early.id].status is MotionStatus.PASSED  # 1 of 5: quorum 1/5
    assert db.state.motions[late.id].status is MotionStatus.VOTING
    assert db.state.budgets[budget.id].status.value == "counted"
    assert actions.close_due(db, at="2026-02-12T00:00:00Z") == 1
    assert db.state.motions[late.id].status is MotionStatus.NOT_DECIDED  # nobody voted


def test_a_vote_short_of_its_quorum_is_not_decided_and_has_no_consequence(
    seated: Database,
) -> None:
    """A reserved motion that only two of five delegates vote on neither passes to
    ratification nor is rejected."""
    sitting(seated)
    motion = actions.propose_motion(
        seated, actor="a1", body="soviet", title="War", text="", kind="reserved", matter="plan"
    )
    actions.open_voting(seated, actor="a1", motion=motion.id)
    for member in ("a1", "a2"):
        actions.vote(seated, actor=member, motion=motion.id, choice="yes")
    closed = actions.close_motion(
        seated, actor=rules.DEADLINE, motion=motion.id, at=deadline_of(seated, motion.id)
    )
    assert closed.status is MotionStatus.NOT_DECIDED and closed.tally.yes == 2
    assert motion.id not in seated.state.ratifications
    entry = decode_entry(list(seated.raw_entries())[-1])
    assert entry.data["quorate"] is False


def test_a_recall_vote_short_of_its_quorum_keeps_the_delegate_without_a_rejection(
    seated: Database,
) -> None:
    mandate = seated.state.seated("soviet")["a2"]
    petition = actions.open_petition(seated, actor="a4", mandate=mandate.id, reason="")
    vote = seated.state.petitions[petition.id].vote_motion or ""
    closed = actions.close_motion(seated, actor="a4", motion=vote, at=deadline_of(seated, vote))
    assert closed.status is MotionStatus.NOT_DECIDED
    assert seated.state.petitions[petition.id].status is PetitionStatus.NOT_DECIDED
    assert seated.state.mandates[mandate.id].status is MandateStatus.ACTIVE
    # the constituents may petition again
    again = actions.open_petition(seated, actor="a5", mandate=mandate.id, reason="")
    assert again.status is PetitionStatus.OPEN or again.status is PetitionStatus.VOTING


def test_a_ratification_vote_short_of_its_quorum_records_no_decision(seated: Database) -> None:
    sitting(seated)
    reserved = passed_in_soviet(seated, kind="reserved", matter="plan")
    assert reserved.status is MotionStatus.RATIFYING
    decide = actions.propose_motion(
        seated,
        actor="c2",
        body="v",
        title="Ratify",
        text="",
        kind=MotionKind.RATIFICATION,
        payload={"motion": reserved.id},
    )
    actions.open_voting(seated, actor="c1", motion=decide.id)
    closed = actions.close_motion(
        seated, actor="c1", motion=decide.id, at=deadline_of(seated, decide.id)
    )
    assert closed.status is MotionStatus.NOT_DECIDED
    r = seated.state.ratifications[reserved.id]
    assert r.decisions == () and r.status is RatificationStatus.PENDING


def test_a_member_admitted_after_the_vote_opened_is_refused(small: Database) -> None:
    """The electorate is fixed when voting opens: no ballot stuffing by admission."""
    db = small
    motion = actions.propose_motion(db, actor="a2", body="u1", title="Strike", text="")
    actions.open_voting(db, actor="a1", motion=motion.id)
    actions.join_unit(db, actor="a1", unit="u1", member="b3")  # admitted from another unit
    refused(
        db,
        Forbidden,
        "joined after the vote on motion .* opened",
        lambda: actions.vote(db, actor="b3", motion=motion.id, choice="yes"),
    )
    # and the early close still waits only for the electorate
    for member in ("a1", "a2", "a3", "a4", "a5"):
        actions.vote(db, actor=member, motion=motion.id, choice="yes")
    assert actions.close_motion(db, actor="a1", motion=motion.id).status is MotionStatus.PASSED


# ---- B. forwarding: a new motion of the receiving body, under its own rules --------


def test_a_passed_recall_vote_cannot_be_forwarded(seated: Database) -> None:
    """(a) A unit's recall, forwarded to the council, replaced the unit's delegate."""
    mandate = seated.state.seated("soviet")["b2"]
    petition = actions.open_petition(seated, actor="b3", mandate=mandate.id, reason="")
    vote = seated.state.petitions[petition.id].vote_motion or ""
    for member, choice in (("b1", "yes"), ("b2", "no"), ("b3", "yes"), ("b4", "yes")):
        actions.vote(seated, actor=member, motion=vote, choice=choice)
    assert actions.close_motion(seated, actor="b3", motion=vote).status is MotionStatus.PASSED
    sitting(seated, ("a1", "a2", "b1", "c1"))
    refused(
        seated,
        BaseProtected,
        "a recall vote is not forwarded",
        lambda: actions.forward_motion(seated, actor="b1", motion=vote, to="soviet"),
    )


def test_an_amendment_cannot_be_forwarded_to_a_unit(seated: Database) -> None:
    """(b) An amendment forwarded to one unit and passed there amended the constitution."""
    sitting(seated)
    text = seated.state.rules().text.replace('quorum = "1/5"', 'quorum = "1/10"', 1)
    motion = actions.propose_motion(
        seated,
        actor="a1",
        body="soviet",
        title="Amend",
        text="",
        kind=MotionKind.AMENDMENT,
        payload={"effect": "amend-constitution", "text": text},
    )
    refused(
        seated,
        InputError,
        "the constitution is amended by a council",
        lambda: actions.forward_motion(seated, actor="a1", motion=motion.id, to="v"),
    )


def test_a_reserved_plan_cannot_be_forwarded_to_a_unit(seated: Database) -> None:
    """(c) A plan motion forwarded to a small unit adopted the plan while the real
    ratification was pending."""
    sitting(seated)
    payload = {"effect": "adopt-plan", "period": "1918", "plan": "{}"}
    motion = passed_in_soviet(seated, kind="reserved", matter="plan", payload=payload)
    assert motion.status is MotionStatus.RATIFYING
    fresh = actions.propose_motion(
        seated,
        actor="a1",
        body="soviet",
        title="Plan",
        text="",
        kind=MotionKind.RESERVED,
        matter="plan",
        payload=payload,
    )
    refused(
        seated,
        BaseProtected,
        "a plan is adopted by the council",
        lambda: actions.forward_motion(seated, actor="a1", motion=fresh.id, to="v"),
    )
    refused(  # nor can a unit put the federation's plan to itself
        seated,
        BaseProtected,
        "a plan is adopted by the council",
        lambda: actions.propose_motion(
            seated,
            actor="c2",
            body="v",
            title="Plan",
            text="",
            kind=MotionKind.RESERVED,
            matter="plan",
            payload=payload,
        ),
    )
    assert "1918" not in seated.state.plans


def test_a_ratification_motion_cannot_be_forwarded(seated: Database) -> None:
    """(d) A forwarded ratification motion broke the count (KeyError) for good."""
    sitting(seated)
    reserved = passed_in_soviet(seated, kind="reserved", matter="plan")
    decide = actions.propose_motion(
        seated,
        actor="a2",
        body="u1",
        title="Ratify",
        text="",
        kind=MotionKind.RATIFICATION,
        payload={"motion": reserved.id},
    )
    refused(
        seated,
        BaseProtected,
        "a ratification is not forwarded",
        lambda: actions.forward_motion(seated, actor="a1", motion=decide.id, to="u2"),
    )


def test_a_forwarded_motion_takes_the_receiving_bodys_secrecy_and_payload_check(
    seated: Database,
) -> None:
    db = seated
    sid = sitting(db)
    secret = actions.propose_motion(db, actor="a3", body="u1", title="Bread", text="")
    assert secret.secret
    forwarded = actions.forward_motion(db, actor="a1", motion=secret.id, to="soviet")
    assert not forwarded.secret and forwarded.session == sid  # a council: open roll call
    assert forwarded.deadline is None and forwarded.electorate == frozenset()
    open_vote = actions.propose_motion(db, actor="b1", body="soviet", title="Peace", text="")
    assert actions.forward_motion(db, actor="a1", motion=open_vote.id, to="v").secret
    removal = actions.propose_motion(
        db,
        actor="a2",
        body="u1",
        title="Out",
        text="",
        payload={"effect": "remove-member", "member": "a5"},
    )
    refused(
        db,
        InputError,
        "a5 is not a member of u2",
        lambda: actions.forward_motion(db, actor="a1", motion=removal.id, to="u2"),
    )
    refused(
        db,
        BaseProtected,
        "only a unit's own assembly can change its membership",
        lambda: actions.forward_motion(db, actor="a1", motion=removal.id, to="soviet"),
    )


def test_a_forwarded_motion_needs_the_receiving_councils_quorum(seated: Database) -> None:
    db = seated
    motion = actions.propose_motion(db, actor="a3", body="u1", title="Bread", text="")
    forwarded = actions.forward_motion(db, actor="a1", motion=motion.id, to="soviet")
    sitting(db, ("a1", "b1"))
    refused(
        db,
        QuorumNotMet,
        "2 of 5 delegates present",
        lambda: actions.open_voting(db, actor="a1", motion=forwarded.id),
    )


# ---- C. budgets: the electorate fixed, a deadline --------------------------------------


def test_a_budget_refuses_a_member_admitted_after_it_opened(small: Database) -> None:
    db = small
    b = actions.open_budget(
        db, actor="a1", body="u1", title="Fund", total=10, projects=[("p1", "Stove", 10)]
    )
    assert b.electorate == frozenset({"a1", "a2", "a3", "a4", "a5"})
    assert b.deadline == add_days(b.opened_at, 7)
    actions.join_unit(db, actor="a1", unit="u1", member="c2")
    before = db.sealed_ballots(b.id)
    refused(
        db,
        Forbidden,
        "joined after the vote on budget .* opened",
        lambda: actions.cast_budget_ballot(db, actor="c2", budget_id=b.id, approved=["p1"]),
    )
    assert db.sealed_ballots(b.id) == before
    actions.cast_budget_ballot(db, actor="a2", budget_id=b.id, approved=["p1"])
    refused(
        db,
        NotOpen,
        "runs until",
        lambda: actions.close_budget(db, actor="a1", budget_id=b.id),
    )
    refused(  # a member who is not a convenor may close it only after the deadline
        db,
        Forbidden,
        "only a convenor",
        lambda: actions.close_budget(db, actor="a2", budget_id=b.id),
    )
    counted = actions.close_budget(db, actor="a2", budget_id=b.id, at=b.deadline)
    assert counted.selected == ("p1",)


# ---- D. apportionment only as the constitution says ----------------------------------


def test_the_operator_cannot_apportion_a_council(seated: Database) -> None:
    before = dict(seated.state.seats)
    refused(
        seated,
        Forbidden,
        "the operator does not apportion a council",
        lambda: actions.apportion_council(seated, actor=OP, council="soviet"),
    )
    refused(  # nor a delegate who is not its convenor, nor a unit's convenor
        seated,
        Forbidden,
        "only a convenor of District Soviet",
        lambda: actions.apportion_council(seated, actor="b1", council="soviet"),
    )
    assert seated.state.seats == before
    assert actions.apportion_council(seated, actor="a1", council="soviet") == {
        "u1": 2,
        "u2": 2,
        "v": 1,
    }


@pytest.mark.parametrize("actor", ["c1", OP, rules.DEADLINE])
def test_only_convenors_open_a_vote(seated: Database, actor: str) -> None:
    sitting(seated)
    motion = actions.propose_motion(seated, actor="b1", body="soviet", title="Bread", text="")
    refused(
        seated,
        Forbidden,
        "only a convenor",
        lambda: actions.open_voting(seated, actor=actor, motion=motion.id),
    )


def test_a_ratification_decided_by_a_unit_not_asked_counts_for_nothing(seated: Database) -> None:
    """An older Sovet forwarded a ratification motion to another body; its vote could then
    never be closed (KeyError). Such a decision now counts for nothing, and closes."""
    from sovet.federation.ratification import ratification_decided

    sitting(seated)
    reserved = passed_in_soviet(seated, kind="reserved", matter="plan")
    state = seated.state
    event = Event("motion.closed", "2026-03-01T00:00:00Z", "deadline", {})
    ratification_decided(state, reserved.id, "elsewhere", True, event)
    assert state.ratifications[reserved.id].decisions == ()
    assert state.ratifications[reserved.id].status is RatificationStatus.PENDING
