"""No capture from within: members force action by petition, found their own factions,
and no lot can be chosen by whoever runs the server.

Each refused attempt checks the specific error and that neither the log nor the state
moved (``refused``); each positive test checks what the members' action brought about.
"""

from __future__ import annotations

import inspect
import json

import pytest

from sovet import actions, rules
from sovet.cli import main
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.errors import (
    AlreadyVoted,
    BaseProtected,
    Forbidden,
    InputError,
    NotFound,
    NotOpen,
    VerificationError,
)
from sovet.federation import Event, add_days, fold
from sovet.federation.demands import owed_elections
from sovet.ledger.lots import ballots_digest, check_lots, lot_seed
from sovet.ledger.merkle import leaf_hash, levels, prefix_root
from sovet.model import Demand, DemandStatus, Faction, SessionStatus
from sovet.storage import Database

from .conftest import OP, elect
from .test_base_principle import in_session, refused

# ---- lots nobody can choose ------------------------------------------------------------


def test_the_same_closing_data_give_the_same_seed_and_another_head_another() -> None:
    digest = ballots_digest([["a1"], ["a2"]])
    seed = lot_seed("e-1", 40, bytes(32), digest)
    assert lot_seed("e-1", 40, bytes(32), ballots_digest([["a2"], ["a1"]])) == seed
    assert lot_seed("e-1", 40, b"\x01" + bytes(31), digest) != seed
    assert lot_seed("e-1", 41, bytes(32), digest) != seed
    assert lot_seed("e-2", 40, bytes(32), digest) != seed
    assert lot_seed("e-1", 40, bytes(32), ballots_digest([["a1"], ["a1"]])) != seed


@pytest.mark.parametrize("action", [actions.close_election, actions.close_budget])
def test_no_closing_action_takes_a_seed(action: object) -> None:
    assert callable(action)
    assert "seed" not in inspect.signature(action).parameters


def _tied_election(db: Database) -> str:
    """The village's one delegate by its constitution's STV, one vote each: a lot decides
    whom to exclude."""
    return elect(db, "v", "soviet", ["c1", "c2"], {"c1": ["c1"], "c2": ["c2"]}, convenor="c1")


def test_an_election_lot_follows_from_the_head_that_seals_its_ballots(small: Database) -> None:
    eid = _tied_election(small)
    entries = list(small.raw_entries())
    closing = len(entries) - 1
    e = small.state.elections[eid]
    tree = levels([leaf_hash(x) for x in entries])
    digest = ballots_digest([["c1"], ["c2"]])
    assert e.seed == lot_seed(eid, closing, prefix_root(tree, closing), digest)
    assert e.result is not None and e.result["seed"] == e.seed  # the tie was broken by it
    assert check_lots(entries) == 4  # the fixture's three convenor elections, and this one


def test_a_redrawn_lot_does_not_verify(small: Database) -> None:
    eid = _tied_election(small)
    entries = list(small.raw_entries())
    seed = small.state.elections[eid].seed
    forged = entries[-1].replace(f'"seed":{seed}'.encode(), f'"seed":{(seed or 0) + 1}'.encode())
    assert forged != entries[-1]
    with pytest.raises(VerificationError, match=f"entry {len(entries) - 1}: the lot of election"):
        check_lots([*entries[:-1], forged])


def test_a_budget_lot_follows_from_its_head_and_instance(small: Database) -> None:
    b = actions.open_budget(
        small,
        actor="c1",
        body="v",
        title="Fund",
        total=500,
        projects=[("well", "Well", 500), ("road", "Road", 500)],
        rule="greedy",
    )
    actions.cast_budget_ballot(small, actor="c1", budget_id=b.id, approved=["well"])
    actions.cast_budget_ballot(small, actor="c2", budget_id=b.id, approved=["road"])
    deadline = small.state.budgets[b.id].deadline  # c3 did not vote
    counted = actions.close_budget(small, actor="c1", budget_id=b.id, at=deadline)
    assert len(counted.selected) == 1  # one of the two tied projects, by the lot
    entries = list(small.raw_entries())
    assert check_lots(entries) == 4  # the fixture's three convenor elections, and this budget
    before = len(entries) - 1
    tree = levels([leaf_hash(x) for x in entries])
    seed = lot_seed(b.id, before, prefix_root(tree, before), ballots_digest([["well"], ["road"]]))
    assert counted.result is not None and counted.result["seed"] == seed


# ---- members force action by petition ---------------------------------------------------


def _session_petition(db: Database) -> Demand:
    """c1 (the village's delegate) petitions the soviet to sit: 1 of the 2 signatures
    a third of its five delegates needs."""
    return actions.open_demand(
        db,
        actor="c1",
        body="soviet",
        kind="session",
        title="Bread for the village",
        text="Grain requisitions\nThe mill",
    )


def test_a_petition_forces_a_session_without_the_convenor(seated: Database) -> None:
    d = _session_petition(seated)
    assert d.status is DemandStatus.OPEN and rules.demand_progress(seated.state, d) == (1, 2)
    assert rules.open_session_of(seated.state, "soviet") is None
    d = actions.sign_demand(seated, actor="b2", demand=d.id)
    assert d.status is DemandStatus.MET and d.outcome == f"{d.id}:session"
    session = seated.state.sessions[d.outcome]
    assert session.status is SessionStatus.OPEN and session.convened_by == d.id
    assert session.agenda == ("Bread for the village", "Grain requisitions", "The mill")
    assert session.opened_by == ""  # nobody's decision but the petitioners'
    assert rules.open_session_of(seated.state, "soviet") == session


def test_a_convenor_cannot_close_a_petitioned_session_early(seated: Database) -> None:
    d = actions.sign_demand(seated, actor="b2", demand=_session_petition(seated).id)
    assert d.outcome is not None
    refused(
        seated,
        Forbidden,
        "convened by petition .* cannot close it earlier",
        lambda: actions.close_session(seated, actor="a1", session=str(d.outcome)),
    )
    actions.close_session(seated, actor="a1", session=d.outcome, at="2026-02-01T00:00:00Z")
    assert seated.state.sessions[d.outcome].status is SessionStatus.CLOSED


def test_a_motion_by_petition_lands_on_the_agenda_of_the_open_session(seated: Database) -> None:
    in_session(seated)
    d = actions.open_demand(
        seated, actor="c1", body="soviet", kind="motion", title="Land to the peasants", text="All"
    )
    assert d.status is DemandStatus.OPEN and d.outcome is None
    d = actions.sign_demand(seated, actor="b1", demand=d.id)
    motion = seated.state.motions[str(d.outcome)]
    session = rules.open_session_of(seated.state, "soviet")
    assert session is not None and motion.session == session.id
    assert session.agenda[-1] == "Land to the peasants"
    assert (motion.body, motion.text, motion.proposed_by) == ("soviet", "All", "c1")
    # no convenor stands between it and the vote: any delegate opens and closes it
    actions.open_voting(seated, actor="c1", motion=motion.id)
    refused(
        seated,
        Forbidden,
        "put on the agenda by petition and is not decided",
        lambda: actions.close_session(
            seated, actor="a1", session=session.id, at="2026-03-01T00:00:00Z"
        ),
    )
    for member in ("a1", "a2", "b1", "b2", "c1"):
        actions.vote(seated, actor=member, motion=motion.id, choice="yes")
    assert actions.close_motion(seated, actor="c1", motion=motion.id).status.value == "passed"


def test_a_motion_by_petition_waits_for_the_next_session(seated: Database) -> None:
    d = actions.open_demand(seated, actor="c1", body="soviet", kind="motion", title="Peace")
    d = actions.sign_demand(seated, actor="b2", demand=d.id)
    assert seated.state.motions[str(d.outcome)].session is None
    session = actions.open_session(seated, actor="a1", council="soviet", agenda=["Reports"])
    assert session.agenda == ("Reports", "Peace")
    assert seated.state.motions[str(d.outcome)].session == session.id


def test_a_unit_assembly_is_convened_by_its_members(small: Database) -> None:
    d = actions.open_demand(small, actor="a3", body="u1", kind="session", title="Wages")
    assert d.status is DemandStatus.MET  # a tenth of five members: one signature
    session = small.state.sessions[str(d.outcome)]
    assert session.council == "u1" and session.convened_by == d.id
    actions.attend(small, actor="a4", session=session.id)
    assert "a4" in small.state.sessions[session.id].present


def test_only_the_bodys_own_voters_petition_it(seated: Database) -> None:
    open_one = actions.open_demand(seated, actor="b3", body="u2", kind="session", title="Hours")
    assert open_one.status is DemandStatus.MET
    refused(
        seated,
        BaseProtected,
        "acts for a higher council",
        lambda: actions.open_demand(seated, actor="a1", body="u2", kind="motion", title="Ours"),
    )
    refused(
        seated,
        Forbidden,
        "only Obukhov Works's own members",
        lambda: actions.open_demand(seated, actor="c2", body="u2", kind="motion", title="X"),
    )
    refused(
        seated,
        Forbidden,
        "the operator hosts",
        lambda: actions.open_demand(seated, actor=OP, body="u2", kind="motion", title="X"),
    )
    d = _session_petition(seated)
    refused(
        seated,
        Forbidden,
        "only District Soviet's own seated delegates",
        lambda: actions.sign_demand(seated, actor="a3", demand=d.id),
    )
    refused(
        seated,
        AlreadyVoted,
        "already signed",
        lambda: actions.sign_demand(seated, actor="c1", demand=d.id),
    )


def test_a_petition_past_its_period_lapses(seated: Database) -> None:
    d = _session_petition(seated)
    late = add_days(d.opened_at, seated.state.rules().petitions.period_days)
    refused(
        seated,
        NotOpen,
        "lapsed",
        lambda: actions.sign_demand(seated, actor="b2", demand=d.id, at=late),
    )
    assert actions.close_due_demands(seated, at=d.opened_at) == 0
    assert actions.close_due_demands(seated, at=late) == 1
    assert seated.state.demands[d.id].status is DemandStatus.LAPSED
    refused(
        seated,
        NotOpen,
        "lapsed, not open",
        lambda: actions.sign_demand(seated, actor="b2", demand=d.id),
    )


def test_an_election_petition_owes_an_election(seated: Database) -> None:
    d = actions.open_demand(seated, actor="b3", body="u2", kind="election", office="committee")
    assert d.status is DemandStatus.MET
    owed = owed_elections(seated.state)
    assert [(o.demand, o.body, o.purpose, o.office) for o in owed] == [
        (d.id, "u2", "committee", None)
    ]
    refused(
        seated,
        InputError,
        "not an office of the constitution",
        lambda: actions.open_demand(seated, actor="b3", body="u2", kind="election", office="tsar"),
    )
    refused(
        seated,
        InputError,
        "a council elects no committee",
        lambda: actions.open_demand(seated, actor="c1", body="soviet", kind="election"),
    )


# ---- factions, founded by members -------------------------------------------------------


def test_the_operator_cannot_register_or_found_a_faction(small: Database) -> None:
    assert not hasattr(actions, "register_faction")
    refused(
        small,
        Forbidden,
        "the operator plays no part in factions",
        lambda: actions.found_faction(
            small, actor=OP, faction_id="bol", name="Bolsheviks", short="B"
        ),
    )
    actions.found_faction(small, actor="a1", faction_id="bol", name="Bolsheviks", short="B")
    refused(
        small,
        Forbidden,
        "the operator plays no part in factions",
        lambda: actions.cosign_faction(small, actor=OP, faction="bol"),
    )


def test_members_found_a_faction_join_and_leave_it(small: Database) -> None:
    f = actions.found_faction(small, actor="a1", faction_id="bol", name="Bolsheviks", short="B")
    assert f.founders == ("a1",) and "bol" not in small.state.factions
    refused(
        small,
        NotFound,
        "no faction 'bol'",
        lambda: actions.set_faction(small, actor="a4", faction="bol"),
    )
    actions.cosign_faction(small, actor="b2", faction="bol")
    refused(
        small,
        AlreadyVoted,
        "already signed",
        lambda: actions.cosign_faction(small, actor="b2", faction="bol"),
    )
    actions.cosign_faction(small, actor="c3", faction="bol")  # founders: 3, by the constitution
    faction = small.state.factions["bol"]
    assert faction.founders == ("a1", "b2", "c3")
    assert {m for m, x in small.state.members.items() if x.faction == "bol"} == {"a1", "b2", "c3"}
    refused(
        small,
        NotOpen,
        "already founded",
        lambda: actions.cosign_faction(small, actor="a4", faction="bol"),
    )
    actions.set_faction(small, actor="a4", faction="bol")
    actions.set_faction(small, actor="a1", faction=None)
    assert small.state.members["a4"].faction == "bol" and small.state.members["a1"].faction is None


def test_an_old_registered_faction_still_folds() -> None:
    state = fold(
        [
            Event(
                "federation.founded",
                "2026-01-01T00:00:00Z",
                OP,
                {"name": "F", "constitution": DEFAULT_CONSTITUTION},
            ),
            Event(
                "faction.registered",
                "2026-01-01T00:01:00Z",
                OP,
                {"id": "sr", "name": "SRs", "short": "SR", "colour": "#27ae60"},
            ),
        ]
    )
    assert state.factions["sr"] == Faction("sr", "SRs", "SR", "#27ae60")


# ---- the command line --------------------------------------------------------------------


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def test_delegates_petition_the_soviet_from_the_command_line(
    seated: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    url = seated.url
    code, out, _ = run(
        ["petition", "open", "--db", url, "--actor", "c1", "--body", "soviet", "--kind",
         "motion", "--title", "Land to the peasants", "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0
    opened = json.loads(out)
    assert (opened["signatures"], opened["needed"], opened["status"]) == (1, 2, "open")
    code, _, err = run(["petition", "sign", "--db", url, "--actor", "a3", opened["id"]], capsys)
    assert code != 0 and "own seated delegates" in err
    code, out, _ = run(
        ["petition", "sign", "--db", url, "--actor", "b1", opened["id"], "--json"], capsys
    )
    signed = json.loads(out)
    assert code == 0 and signed["status"] == "met" and signed["outcome"] == f"{opened['id']}:motion"
    code, out, _ = run(["petition", "list", "--db", url, "--body", "soviet"], capsys)
    assert code == 0 and opened["id"] in out and "2/2" in out
    seated.forget()
    assert seated.state.motions[signed["outcome"]].title == "Land to the peasants"
    code, out, _ = run(
        ["petition", "open", "--db", url, "--actor", "c1", "--body", "soviet", "--kind",
         "session"],
        capsys,
    )  # fmt: skip
    code, out, _ = run(["petition", "lapse", "--db", url, "--at", "2099-01-01T00:00:00Z"], capsys)
    assert code == 0 and out.startswith("1 petition")


def test_ledger_verify_strict_recomputes_every_lot(
    small: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _tied_election(small)
    key = small.state.public_key
    code, out, _ = run(
        ["ledger", "verify", "--db", small.url, "--key", key, "--strict", "--json"], capsys
    )
    # the fixture's three convenor elections, and the tied one
    assert code == 0 and json.loads(out)["lots"] == 4
