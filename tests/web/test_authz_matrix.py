"""The authorization matrix: every role × every action of the API.

Rights come only from membership and mandates. For each action the set of roles
that may take it is written here by hand, from the rules as the constitution states
them (not computed by the code under test). An allowed call succeeds and appends
exactly one entry to the log (or, for invitations, one row of private data); every
other call gets 401 or 403 in the error shape and changes nothing: not the log, not
the projection, not the sealed ballot box, not the accounts.

Roles (see conftest.py): anonymous; ``member`` a3 of u1; ``other-unit`` b3 of u2;
``delegate`` a2 (u1's delegate in the soviet); ``convenor`` a1 (convenes u1 and the
soviet, and sits in it); ``operator``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from sovet import actions
from sovet.storage import Database, schema
from sovet.storage import accounts as store_accounts

from ..elections import open_vote
from .conftest import PLAN_PERIOD, ROLES, sign_in

API = "/api/v1"
Ctx = dict[str, str]
Setup = Callable[[Database], Ctx]
Call = Callable[[Ctx], tuple[str, str, dict[str, Any] | None]]

MEMBERS_OF_U1 = frozenset({"member", "delegate", "convenor"})
SEATED = frozenset({"delegate", "convenor"})
CONVENOR = frozenset({"convenor"})
ANY_MEMBER = frozenset({"member", "other-unit", "delegate", "convenor"})
CONVENOR_OR_OPERATOR = frozenset({"convenor", "operator"})


@dataclass(frozen=True)
class Action:
    name: str
    setup: Setup
    call: Call
    allowed: frozenset[str]
    writes_log: bool = True


def nothing(db: Database) -> Ctx:
    return {}


PAST = "2025-12-01T00:00:00Z"  # the fixture's clock runs in January 2026


def u1_nominating(db: Database) -> Ctx:
    """u1's committee election, taking nominations."""
    e = actions.open_election(db, actor="a1", constituency="u1", target="u1", purpose="committee")
    return {"election": e.id}


def u1_candidates_standing(db: Database) -> Ctx:
    ctx = u1_nominating(db)
    for member in ("a1", "a2", "a3"):
        actions.stand(db, actor=member, election=ctx["election"])
    return ctx


def sr_proposed(db: Database) -> Ctx:
    actions.found_faction(db, actor="a4", faction_id="sr", name="Left SRs", short="LSR")
    return {"faction": "sr"}


def soviet_petition(db: Database) -> Ctx:
    """c1 petitions the soviet for a motion: one of the two signatures it needs."""
    d = actions.open_demand(db, actor="c1", body="soviet", kind="motion", title="Peace")
    return {"demand": d.id}


U1_CONVENOR: dict[str, Any] = {"purpose": "office", "office": "convenor"}


def u1_nominations_over(db: Database) -> Ctx:
    """An election of u1's convenor whose nomination period ended in December (u1's
    delegates sit, so its delegation is not open to election again)."""
    e = actions.open_election(
        db, actor="a1", constituency="u1", target="u1", purpose="office", office="convenor", at=PAST
    )
    for member in ("a3", "a4", "a5"):
        actions.stand(db, actor=member, election=e.id, at=PAST)
    return {"election": e.id}


def u1_election(db: Database) -> Ctx:
    """An election of u1's convenor (one seat, ranked), open for voting."""
    e = open_vote(db, "u1", "u1", ["a3", "a4", "a5"], convenor="a1", **U1_CONVENOR)
    return {"election": e.id}


def u1_election_past_its_deadline(db: Database) -> Ctx:
    e = open_vote(db, "u1", "u1", ["a3", "a4", "a5"], convenor="a1", opened_at=PAST, **U1_CONVENOR)
    assert e.voting_opened_at is not None
    for voter, ranking in (("a4", ["a4", "a3"]), ("a5", ["a5"]), ("a3", ["a3", "a5"])):
        actions.cast_ballot(db, actor=voter, election=e.id, ranking=ranking, at=e.voting_opened_at)
    return {"election": e.id}


def u1_motion(db: Database) -> Ctx:
    m = actions.propose_motion(db, actor="a4", body="u1", title="Bread", text="More bread")
    return {"motion": m.id}


def u1_motion_amended(db: Database) -> Ctx:
    ctx = u1_motion(db)
    ctx["amendment"] = actions.amend_motion(db, actor="a5", motion=ctx["motion"], text="Rye")
    return ctx


def u1_motion_voting(db: Database) -> Ctx:
    ctx = u1_motion(db)
    actions.open_voting(db, actor="a1", motion=ctx["motion"])
    return ctx


def u1_motion_voted(db: Database) -> Ctx:
    """Everyone in u1 has voted, so the vote may be closed before its deadline."""
    ctx = u1_motion_voting(db)
    for voter in ("a1", "a2", "a3", "a4", "a5"):
        actions.vote(db, actor=voter, motion=ctx["motion"], choice="yes")
    return ctx


def sitting(db: Database) -> Ctx:
    session = actions.open_session(db, actor="a1", council="soviet", agenda=["Bread"])
    return {"session": session.id}


def sitting_all_present(db: Database) -> Ctx:
    ctx = sitting(db)
    for member in ("a1", "a2", "b1", "b2", "c1"):
        actions.attend(db, actor=member, session=ctx["session"])
    return ctx


def sitting_with_speaker(db: Database) -> Ctx:
    ctx = sitting_all_present(db)
    actions.request_floor(db, actor="b1", session=ctx["session"])
    return ctx


def soviet_motion_voting(db: Database) -> Ctx:
    ctx = sitting_all_present(db)
    m = actions.propose_motion(db, actor="b1", body="soviet", title="Peace", text="")
    actions.open_voting(db, actor="a1", motion=m.id)
    ctx["motion"] = m.id
    return ctx


def a2_mandate(db: Database) -> Ctx:
    mandate = db.state.seated("soviet")["a2"]
    return {"mandate": mandate.id}


def open_petition_below_threshold(db: Database) -> Ctx:
    for member in ("b4", "c2", "c3", "b1", "b2"):  # u1 grows to ten: two signatures needed
        actions.join_unit(db, actor="a1", unit="u1", member=member)
    ctx = a2_mandate(db)
    petition = actions.open_petition(db, actor="a4", mandate=ctx["mandate"], reason="Absent")
    ctx["petition"] = petition.id
    return ctx


def city_inviting_u1(db: Database) -> Ctx:
    actions.found_council(
        db,
        actor="b1",
        council_id="city",
        name="City",
        level="territorial",
        constituents=["u2", "u1"],
    )
    return {}


def bakery_founded_by_a3(db: Database) -> Ctx:
    actions.found_unit(
        db, actor="a3", unit_id="bakery", name="Bakery", kind="coop", founders=["a3", "b4"]
    )
    return {}


def office_election(body: str) -> dict[str, Any]:
    """An election of ``body``'s convenor; it opens taking nominations (candidates stand
    later, each for themselves)."""
    return {"constituency": body, "target": body, "purpose": "office", "office": "convenor"}


def u1_budget(db: Database) -> Ctx:
    b = actions.open_budget(
        db,
        actor="a1",
        body="u1",
        title="Canteen fund",
        total=100,
        projects=[("stove", "New stove", 60), ("books", "Library", 30)],
    )
    return {"budget": b.id}


def u1_budget_with_ballots(db: Database) -> Ctx:
    ctx = u1_budget(db)
    ballots = (("a4", ["stove"]), ("a5", ["stove", "books"]), ("a3", ["books"]))
    for voter, approved in (*ballots, ("a1", ["books"]), ("a2", ["stove"])):  # everyone
        actions.cast_budget_ballot(db, actor=voter, budget_id=ctx["budget"], approved=approved)
    return ctx


BUDGET_ACTIONS = [
    Action(
        "open budget",
        nothing,
        lambda c: (
            "POST",
            "/budgets",
            {
                "body": "u1",
                "title": "Canteen fund",
                "total": 100,
                "projects": [{"id": "stove", "name": "New stove", "cost": 60}],
            },
        ),
        CONVENOR,
    ),
    Action(
        "cast budget ballot",
        u1_budget,
        lambda c: ("POST", f"/budgets/{c['budget']}/ballots", {"approved": ["stove"]}),
        MEMBERS_OF_U1,
    ),
    Action(
        "close and count budget",
        u1_budget_with_ballots,
        lambda c: ("POST", f"/budgets/{c['budget']}/close", None),
        CONVENOR,
    ),
]
"""Participatory budgets: the convenor opens and closes, the unit's members vote."""


def land_body(unit: str) -> dict[str, Any]:
    return {
        "unit": unit,
        "title": "Allotments",
        "parcels": [{"id": "field", "area": "10", "quality": "1"}],
        "households": [
            {"name": "A", "eaters": 3, "workers": 1},
            {"name": "B", "eaters": 2, "workers": 2},
        ],
    }


ACTIONS = [
    Action(
        "open election",
        nothing,
        lambda c: (
            "POST",
            "/elections",
            {"constituency": "u1", "target": "u1", "purpose": "committee", "seats": 7},
        ),
        CONVENOR,
    ),
    Action(  # any voter of the constituency stands; never the operator
        "stand as a candidate",
        u1_nominating,
        lambda c: ("POST", f"/elections/{c['election']}/candidates", {"statement": "Bread"}),
        MEMBERS_OF_U1,
    ),
    Action(
        "nominate a fellow member",
        u1_nominating,
        lambda c: ("POST", f"/elections/{c['election']}/nominations", {"member": "a5"}),
        MEMBERS_OF_U1,
    ),
    Action(  # a candidate withdraws themselves: b3 and the operator are not candidates
        "withdraw a candidacy",
        u1_candidates_standing,
        lambda c: ("POST", f"/elections/{c['election']}/withdraw", None),
        MEMBERS_OF_U1,
    ),
    Action(  # once the nomination period is over, any voter of u1 opens the vote
        "open the vote",
        u1_nominations_over,
        lambda c: ("POST", f"/elections/{c['election']}/begin-voting", None),
        MEMBERS_OF_U1,
    ),
    Action(
        "cast ballot",
        u1_election,
        lambda c: ("POST", f"/elections/{c['election']}/ballots", {"ranking": ["a4"]}),
        MEMBERS_OF_U1,
    ),
    Action(
        "close and count election",
        u1_election_past_its_deadline,
        lambda c: ("POST", f"/elections/{c['election']}/close", None),
        MEMBERS_OF_U1,
    ),
    Action(
        "propose motion in a unit",
        nothing,
        lambda c: ("POST", "/motions", {"body": "u1", "title": "Strike"}),
        MEMBERS_OF_U1,
    ),
    Action(
        "propose motion in a council",
        nothing,
        lambda c: ("POST", "/motions", {"body": "soviet", "title": "Bread"}),
        SEATED,
    ),
    Action(
        "amend motion",
        u1_motion,
        lambda c: ("POST", f"/motions/{c['motion']}/amendments", {"text": "Wheat"}),
        MEMBERS_OF_U1,
    ),
    Action(
        "decide amendment",
        u1_motion_amended,
        lambda c: (
            "POST",
            f"/motions/{c['motion']}/amendments/{c['amendment']}/decision",
            {"accepted": True},
        ),
        CONVENOR,
    ),
    Action(
        "open voting",
        u1_motion,
        lambda c: ("POST", f"/motions/{c['motion']}/voting", None),
        CONVENOR,
    ),
    Action(
        "vote in an assembly",
        u1_motion_voting,
        lambda c: ("POST", f"/motions/{c['motion']}/votes", {"choice": "no"}),
        MEMBERS_OF_U1,
    ),
    Action(
        "vote by roll call",
        soviet_motion_voting,
        lambda c: ("POST", f"/motions/{c['motion']}/votes", {"choice": "yes"}),
        SEATED,
    ),
    Action(
        "close motion",
        u1_motion_voted,
        lambda c: ("POST", f"/motions/{c['motion']}/close", None),
        CONVENOR,
    ),
    Action(
        "forward motion",
        u1_motion,
        lambda c: ("POST", f"/motions/{c['motion']}/forward", {"to": "soviet"}),
        CONVENOR,
    ),
    Action(
        "open recall petition",
        a2_mandate,
        lambda c: ("POST", "/petitions", {"mandate": c["mandate"], "reason": "Absent"}),
        MEMBERS_OF_U1,
    ),
    Action(
        "sign recall petition",
        open_petition_below_threshold,
        lambda c: ("POST", f"/petitions/{c['petition']}/signatures", None),
        MEMBERS_OF_U1,
    ),
    Action(
        "open session",
        nothing,
        lambda c: ("POST", "/sessions", {"council": "soviet", "agenda": ["Land"]}),
        CONVENOR,
    ),
    Action(
        "attend session",
        sitting,
        lambda c: ("POST", f"/sessions/{c['session']}/attendance", None),
        SEATED,
    ),
    Action(
        "request the floor",
        sitting_all_present,
        lambda c: ("POST", f"/sessions/{c['session']}/speakers", None),
        SEATED,
    ),
    Action(
        "give the floor",
        sitting_with_speaker,
        lambda c: ("POST", f"/sessions/{c['session']}/floor", {"member": "b1"}),
        CONVENOR,
    ),
    Action(
        "add minutes",
        sitting,
        lambda c: ("POST", f"/sessions/{c['session']}/minutes", {"text": "Opened"}),
        CONVENOR,
    ),
    Action(
        "close session",
        sitting,
        lambda c: ("POST", f"/sessions/{c['session']}/close", None),
        CONVENOR,
    ),
    Action(
        "declare own faction",
        nothing,
        lambda c: ("POST", "/me/faction", {"faction": "men"}),
        ANY_MEMBER,
    ),
    Action(
        "leave a unit",
        nothing,
        lambda c: ("POST", "/units/u1/leave", None),
        MEMBERS_OF_U1,
    ),
    Action(
        "admit a member to a unit",
        nothing,
        lambda c: ("POST", "/units/u1/members", {"member": "c2"}),
        CONVENOR,  # the unit admits; the operator admits nobody
    ),
    Action(
        "challenge an admission",
        nothing,
        lambda c: ("POST", "/units/u1/challenges", {"member": "a5"}),
        frozenset({"member", "delegate", "convenor"}),  # the unit's own members
    ),
    Action(
        "apportion a council",
        nothing,
        lambda c: ("POST", "/councils/soviet/apportion", None),
        CONVENOR,  # by the constitution's rule, never at the operator's wish
    ),
    Action(  # any member founds a unit (and is among its founders); never the operator
        "found a unit",
        nothing,
        lambda c: ("POST", "/units", {"id": "bakery", "name": "Bakery", "kind": "coop"}),
        ANY_MEMBER,
    ),
    Action(  # a convenor of a constituent founds a council; never the operator
        "found a council",
        nothing,
        lambda c: (
            "POST",
            "/councils",
            {"id": "city", "name": "City", "level": "territorial", "constituents": ["u1"]},
        ),
        CONVENOR,
    ),
    Action(  # a body named at a council's founding joins by its own convenor only
        "join a council",
        city_inviting_u1,
        lambda c: ("POST", "/councils/city/constituents", {"constituent": "u1"}),
        CONVENOR,
    ),
    Action(
        "found a faction",
        nothing,
        lambda c: ("POST", "/factions", {"id": "sr", "name": "Left SRs", "short": "LSR"}),
        ANY_MEMBER,
    ),
    Action(
        "co-sign a faction's founding",
        sr_proposed,
        lambda c: ("POST", f"/foundings/{c['faction']}/signatures", None),
        ANY_MEMBER,
    ),
    Action(
        "petition u1 to sit",
        nothing,
        lambda c: ("POST", "/bodies/u1/petitions", {"kind": "session", "title": "Wages"}),
        MEMBERS_OF_U1,
    ),
    Action(
        "sign a petition to the soviet",
        soviet_petition,
        lambda c: ("POST", f"/bodies/soviet/petitions/{c['demand']}/signatures", None),
        SEATED,
    ),
    Action(  # the convenor role is never handed on: the office is elected by u1's members
        "open an election of u1's convenor",
        nothing,
        lambda c: ("POST", "/elections", office_election("u1")),
        CONVENOR,
    ),
    Action(  # a new unit with no convenor yet: any of its founders opens the election
        "open the first convenor election of a new unit",
        bakery_founded_by_a3,
        lambda c: ("POST", "/elections", office_election("bakery")),
        frozenset({"member"}),
    ),
    Action(
        "make an invitation link",
        nothing,
        lambda c: ("POST", "/units/u1/invitations", {"days": 7}),
        CONVENOR,
        writes_log=False,
    ),
    Action(
        "list accounts",
        nothing,
        lambda c: ("GET", "/accounts", None),
        frozenset({"operator"}),
        writes_log=False,
    ),
    Action(
        "create an account",
        nothing,
        lambda c: (
            "POST",
            "/accounts",
            {"login": "new-operator", "password": "long-enough", "operator": True},
        ),
        frozenset({"operator"}),  # in the public log
    ),
    Action(
        "suspend an account",
        nothing,
        lambda c: ("POST", f"/accounts/{c.get('login', 'b4')}/suspend", None),
        frozenset({"operator"}),  # in the public log
    ),
    *BUDGET_ACTIONS,
]


def plan_period(db: Database) -> Ctx:
    return {"period": PLAN_PERIOD}


ACTIONS += [  # production planning (the fixture declares the period 1918-Q1)
    Action(
        "declare production",
        plan_period,
        lambda c: (
            "POST",
            f"/plans/{c['period']}/production",
            {
                "unit": "u1",
                "techniques": [
                    {"name": "forge", "product": "tools", "labour": 2, "inputs": {"steel": 1}}
                ],
            },
        ),
        CONVENOR,
    ),
    Action(
        "declare needs",
        plan_period,
        lambda c: (
            "POST",
            f"/plans/{c['period']}/needs",
            {"council": "soviet", "needs": {"grain": 400}},
        ),
        CONVENOR,
    ),
    Action(  # the plan is a motion: any delegate seated in the council may put it
        "propose the plan",
        plan_period,
        lambda c: ("POST", f"/plans/{c['period']}/proposal", {"council": "soviet"}),
        SEATED,
    ),
    # ---- land and housing: only the unit's own convenor divides its land ----
    Action(
        "divide a unit's land",
        nothing,
        lambda c: ("POST", "/land", land_body("u1")),
        CONVENOR,
    ),
    Action(  # v's convenor c1 has no role here: the soviet's convenor and delegates are refused
        "divide a village's land from a council above it",
        nothing,
        lambda c: ("POST", "/land", land_body("v")),
        frozenset(),
    ),
]

PRIVATE = (store_accounts.accounts, store_accounts.invitations, store_accounts.api_tokens)


def snapshot(db: Database) -> dict[str, Any]:
    """Everything an action could change: the log, the projection, the sealed box, accounts."""
    with db.engine.connect() as conn:
        tables = [schema.ledger, schema.heads, schema.ballot_box, *schema.PROJECTION.values()]
        rows = {
            t.name: sorted(tuple(r) for r in conn.execute(sa.select(t)))
            for t in (*tables, *PRIVATE)
        }
    return {"size": db.size(), "rows": rows}


def test_the_matrix_covers_every_role_and_every_unsafe_operation(app: FastAPI) -> None:
    spec = app.openapi()
    unsafe = {
        (method.upper(), path.removeprefix(API))
        for path, ops in spec["paths"].items()
        for method in ops
        if method != "get"
    }
    covered = {(a.call(_placeholders())[0], _template(a.call(_placeholders())[1])) for a in ACTIONS}
    # signing in and out, tokens, passwords and invitations are tested in test_auth.py;
    # expiring a ratification in test_api.py (it needs a deadline to pass)
    elsewhere = {
        ("POST", "/auth/login"),
        ("POST", "/auth/logout"),
        ("POST", "/auth/tokens"),
        ("DELETE", "/auth/tokens/{token_id}"),
        ("POST", "/auth/password"),
        ("POST", "/accounts/{login}/password"),
        ("POST", "/auth/notice"),
        ("POST", "/invitations/lookup"),
        ("POST", "/invitations/accept"),
        # tests/security/test_sessions.py and tests/web/test_capture_accounts.py
        ("POST", "/accounts/{login}/restore"),
        ("POST", "/units/{unit_id}/admission-requests"),
        ("POST", "/ratifications/{motion_id}/expire"),
    }
    assert unsafe - elsewhere <= covered, sorted(unsafe - elsewhere - covered)
    assert set(ROLES) == {"anonymous", "member", "other-unit", "delegate", "convenor", "operator"}


def _placeholders() -> Ctx:
    return {
        k: f"{{{k}}}"
        for k in (
            "election",
            "motion",
            "amendment",
            "session",
            "petition",
            "mandate",
            "period",
            "budget",
            "faction",
            "demand",
            "login",
        )
    }


_NAMES = {
    "{election}": "{election_id}",
    "{motion}": "{motion_id}",
    "{amendment}": "{amendment_id}",
    "{session}": "{session_id}",
    "{petition}": "{petition_id}",
    "{budget}": "{budget_id}",
    "{faction}": "{faction_id}",
    "{demand}": "{demand_id}",
}


def _template(path: str) -> str:
    for ours, theirs in _NAMES.items():
        path = path.replace(ours, theirs)
    return (
        path.replace("/units/u1/", "/units/{unit_id}/")
        .replace("/councils/soviet/", "/councils/{council_id}/")
        .replace("/councils/city/", "/councils/{council_id}/")
        .replace("/bodies/u1/", "/bodies/{body_id}/")
        .replace("/bodies/soviet/", "/bodies/{body_id}/")
    )


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_authorization(action: Action, role: str, app: FastAPI, web_db: Database) -> None:
    login = ROLES[role]
    from fastapi.testclient import TestClient

    client = TestClient(app) if login is None else sign_in(app, login)
    ctx = action.setup(web_db)
    before = snapshot(web_db)
    method, path, body = action.call(ctx)
    response = client.request(method, f"{API}{path}", json=body)
    after = snapshot(web_db)
    if role in action.allowed:
        assert 200 <= response.status_code < 300, response.text
        if action.writes_log:
            assert after["size"] == before["size"] + 1
            assert after["rows"]["ballot_box"] == before["rows"]["ballot_box"] or (
                action.name in ("cast ballot", "vote in an assembly", "cast budget ballot")
            )
        else:
            assert after["size"] == before["size"]
    else:
        expected = 401 if login is None else 403
        assert response.status_code == expected, response.text
        error = response.json()
        assert error["ok"] is False and set(error["error"]) == {"code", "message"}
        assert after == before  # nothing changed: not the log, not the projection, not accounts
