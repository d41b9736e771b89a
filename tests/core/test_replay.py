"""Property: the state is a fold of the log. Whatever sequence of actions (accepted or
refused) a federation goes through, replaying its log into a fresh state gives the same
state, and a refused action leaves no trace."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovet import actions
from sovet.errors import SovetError
from sovet.federation import KINDS, Event, fold
from sovet.ledger.events import decode_entry
from sovet.storage import open_database
from sovet.storage.codec import dump_record

from .conftest import TEST_CONSTITUTION, clock, elect_office

MEMBERS = [f"m{i}" for i in range(6)]
UNITS = ["u1", "u2"]

step = st.one_of(
    st.tuples(st.just("join"), st.sampled_from(MEMBERS), st.sampled_from(UNITS)),
    st.tuples(st.just("leave"), st.sampled_from(MEMBERS), st.sampled_from(UNITS)),
    st.tuples(st.just("elect"), st.sampled_from(UNITS), st.lists(st.sampled_from(MEMBERS))),
    st.tuples(st.just("office"), st.sampled_from(UNITS), st.lists(st.sampled_from(MEMBERS))),
    st.tuples(st.just("motion"), st.sampled_from(MEMBERS), st.sampled_from(UNITS)),
    st.tuples(st.just("vote"), st.sampled_from(MEMBERS), st.sampled_from(["yes", "no"])),
    st.tuples(st.just("close"), st.sampled_from(MEMBERS), st.just("")),
)


def snapshot(state: object) -> dict[str, str]:
    return {kind: dump_record(getattr(state, kind, None)) for kind in KINDS if kind != "federation"}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, max_size=25))
def test_replaying_the_log_gives_the_same_state(steps: list[tuple[str, str, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'p.db'}")
        ticks = clock()
        db.clock = lambda: next(ticks)
        actions.found_federation(db, name="P", constitution=TEST_CONSTITUTION)
        actions.register_members(db, actor="operator", rows=[(m, m, []) for m in MEMBERS])
        for unit, founders in (("u1", MEMBERS), ("u2", ["m0"])):
            actions.found_unit(
                db, actor="m0", unit_id=unit, name=unit, kind="coop", founders=founders
            )
            elect_office(db, unit, ["m0"], {"m0": ["m0"]}, opener="m0")
        motions: list[str] = []

        def attempt(action: Callable[..., Any], **kwargs: Any) -> Any:
            """Run one action; a refused one must write nothing."""
            size = db.size()
            try:
                return action(db, **kwargs)
            except SovetError:
                assert db.size() == size
                return None

        for kind, who, what in steps:
            if kind == "join":
                attempt(actions.join_unit, actor=who, unit=what, member=who)
            elif kind == "leave":
                attempt(actions.leave_unit, actor=who, unit=what, member=who)
            elif kind == "elect":
                assert isinstance(what, list)
                e = attempt(
                    actions.open_election,
                    actor="m0",
                    constituency=who,
                    target=who,
                    purpose="committee",
                )
                if e is not None:
                    for member in sorted(set(what)):
                        attempt(actions.stand, actor=member, election=e.id, statement=member)
                    attempt(actions.withdraw, actor=what[0] if what else "m0", election=e.id)
                    attempt(actions.nominate, actor="m0", election=e.id, member="m1")
                    attempt(actions.begin_voting, actor="m0", election=e.id, at=e.nominations_close)
                    attempt(actions.cast_ballot, actor="m1", election=e.id, ranking=["m1"])
                    attempt(actions.close_election, actor="m0", election=e.id)
            elif kind == "office":  # a convenor election: its candidates stand and vote
                assert isinstance(what, list)
                e = attempt(
                    actions.open_election,
                    actor="m0",
                    constituency=who,
                    target=who,
                    purpose="office",
                    office="convenor",
                )
                if e is not None:
                    for member in sorted(set(what)):
                        attempt(actions.stand, actor=member, election=e.id, statement=member)
                    attempt(actions.begin_voting, actor="m0", election=e.id, at=e.nominations_close)
                    for voter in sorted(set(what)):
                        attempt(actions.cast_ballot, actor=voter, election=e.id, ranking=[voter])
                    attempt(actions.close_election, actor="m0", election=e.id)
            elif kind == "motion":
                m = attempt(actions.propose_motion, actor=who, body=what, title="T", text="")
                if m is not None:
                    motions.append(m.id)
                    attempt(actions.open_voting, actor="m0", motion=m.id)
            elif kind == "vote" and motions:
                attempt(actions.vote, actor=who, motion=motions[-1], choice=what)
            elif kind == "close" and motions:
                attempt(actions.close_motion, actor="m0", motion=motions[-1])
        live = snapshot(db.state)
        entries = [decode_entry(raw, expected_index=i) for i, raw in enumerate(db.raw_entries())]
        replayed = fold(Event(e.type, e.at, e.actor, e.data) for e in entries)
        assert snapshot(replayed) == live
        db.forget()
        assert snapshot(db.state) == live
        db.close()


@given(
    st.recursive(
        st.one_of(st.text(), st.integers(), st.booleans(), st.none()),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=20,
    )
)
def test_projection_rows_round_trip(value: object) -> None:
    import json

    from sovet.storage.codec import to_plain

    assert json.loads(dump_record(value)) == to_plain(value)
