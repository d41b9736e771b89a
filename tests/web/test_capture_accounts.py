"""The operator hosts, the members govern (issue 11, item 7).

Each test is a capture that worked before: the operator set a member's password (or
made an account for them) unseen, joined members to units, and could be made a voter
or a candidate. Now every account event is a public log entry shown on the member's
page and on the unit's page, the member is told of a reset at their next sign-in, the
unit admits its members (by its convenors or its assembly, as the constitution says),
any member may challenge an admission before the assembly, and the operator is refused
every member's right with a specific error, changing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.errors import Forbidden, InputError
from sovet.model import ElectionPurpose, ElectionStatus, MotionStatus
from sovet.storage import Database, open_database
from tests.conftest import elect_convenor
from tests.core.test_base_principle import refused
from tests.elections import open_vote
from tests.web.conftest import sign_in
from tests.web.test_pages import browser_for, csrf_of, post_form

API = "/api/v1"
OP = "operator"
Clients = Callable[[str | None], TestClient]


# ---- account events are public ---------------------------------------------------------------


def test_a_reset_by_the_operator_is_public_and_the_member_is_told(
    app: FastAPI, client_for: Clients, web_db: Database
) -> None:
    size = web_db.size()
    r = client_for(OP).post(f"{API}/accounts/a3/password", json={"password": "chosen-by-op"})
    assert r.status_code == 200
    assert web_db.size() == size + 1
    entry = web_db.raw_entries(size).__next__().decode()
    assert '"type":"account.password_reset"' in entry and '"member":"a3"' in entry
    assert "chosen-by-op" not in entry and "argon2" not in entry  # never the secret
    # on the member's page and on the unit's page, for everyone
    anyone = TestClient(app)
    assert "password reset by someone else" in anyone.get("/members/a3").text
    assert "password reset by someone else" in anyone.get("/units/u1").text
    history = anyone.get(f"{API}/members/a3/account").json()
    assert [(h["kind"], h["by"]) for h in history] == [("password_reset", OP)]
    # the member is told at their next sign-in, until they acknowledge it
    member = TestClient(app)
    page = member.get("/login")
    signed = member.post(
        "/login",
        data={"csrf_token": csrf_of(page.text), "login": "a3", "password": "chosen-by-op"},
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/account#notice"
    account = member.get("/account")
    assert "Your password was reset by" in account.text
    api = member.get(f"{API}/auth/me").json()["account"]
    assert api["password_reset"]["by"] == OP
    seen = member.post("/account/notice", data={"csrf_token": csrf_of(account.text)})
    assert seen.status_code == 200 and "Your password was reset by" not in seen.text


def test_the_members_own_new_password_is_not_an_event(app: FastAPI, web_db: Database) -> None:
    size = web_db.size()
    own = sign_in(app, "a4")
    assert own.post(f"{API}/auth/password", json={"password": "my-own-choice"}).status_code == 200
    assert web_db.size() == size
    assert own.get(f"{API}/auth/me").json()["account"]["password_reset"] is None


def test_an_account_made_by_the_operator_is_public(
    app: FastAPI, client_for: Clients, web_db: Database
) -> None:
    actions.register_members(web_db, actor=OP, rows=[("d1", "Newcomer D1", ["u2"])])
    size = web_db.size()
    made = client_for(OP).post(
        f"{API}/accounts", json={"login": "d-one", "password": "long-password", "member": "d1"}
    )
    assert made.status_code == 201
    assert web_db.size() == size + 1
    record = next(r for r in web_db.state.accounts.values() if r.member == "d1")
    assert record.created_by == OP and record.history[0].kind == "created"
    entry = next(web_db.raw_entries(size)).decode()
    assert "d-one" not in entry and "long-password" not in entry  # no sign-in name, no secret
    assert "account created" in TestClient(app).get("/members/d1").text


def test_tokens_issued_and_revoked_are_public_by_name_only(
    app: FastAPI, token_for: Callable[[str], str], web_db: Database
) -> None:
    size = web_db.size()
    token = token_for("a2")
    assert web_db.size() == size + 1
    assert token not in next(web_db.raw_entries(size)).decode()
    script = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    token_id = script.get(f"{API}/auth/tokens").json()[0]["id"]
    assert script.delete(f"{API}/auth/tokens/{token_id}").status_code == 200
    kinds = [h.kind for r in web_db.state.accounts.values() for h in r.history]
    assert kinds == ["token_issued", "token_revoked"]
    assert token_id not in "".join(e.decode() for e in web_db.raw_entries(size))


def test_a_bulk_import_is_visible_as_such(app: FastAPI, web_db: Database) -> None:
    size = web_db.size()
    actions.register_members(
        web_db, actor=OP, rows=[("d1", "D One", ["u2"]), ("d2", "D Two", ["u2"])], source="csv"
    )
    entries = [e.decode() for e in web_db.raw_entries(size)]
    assert '"type":"members.imported"' in entries[0] and '"count":2' in entries[0]
    batch = entries[0].split('"id":"', 1)[1].split('"', 1)[0]
    imported = web_db.state.imports[batch]
    assert imported.units == ("u2",) and imported.count == 2 and imported.source == "csv"
    assert all(f'"import":"{batch}"' in e for e in entries[1:])
    assert (
        "2 members imported in bulk by the instance operator"
        in TestClient(app).get("/units/u2").text
    )


# ---- the operator is no member -----------------------------------------------------------------


def test_the_operator_cannot_join_a_member_to_a_unit(client_for: Clients, web_db: Database) -> None:
    actions.register_members(web_db, actor=OP, rows=[("d1", "Newcomer D1", [])])
    refused(
        web_db,
        Forbidden,
        "instance operator hosts the federation and is no member: it cannot admit",
        lambda: actions.join_unit(web_db, actor=OP, unit="u1", member="d1"),
    )
    size = web_db.size()
    r = client_for(OP).post(f"{API}/units/u1/members", json={"member": "d1"})
    assert r.status_code == 403 and web_db.size() == size
    r = client_for(OP).post(f"{API}/units/u1/invitations", json={})
    assert r.status_code == 403


def test_a_member_cannot_join_by_themselves(web_db: Database) -> None:
    actions.register_members(web_db, actor=OP, rows=[("d1", "Newcomer D1", [])])
    refused(
        web_db,
        Forbidden,
        "asks to join",
        lambda: actions.join_unit(web_db, actor="d1", unit="u1", member="d1"),
    )
    actions.join_unit(web_db, actor="a1", unit="u1", member="d1")  # the convenor admits
    assert "d1" in web_db.state.units["u1"].members


def test_the_operator_cannot_vote_on_a_motion(web_db: Database) -> None:
    motion = actions.propose_motion(web_db, actor="a3", body="u1", title="Tea", text="")
    actions.open_voting(web_db, actor="a1", motion=motion.id)
    refused(
        web_db,
        Forbidden,
        "no member: it cannot act in Putilov Works",
        lambda: actions.vote(web_db, actor=OP, motion=motion.id, choice="yes"),
    )


def test_the_operator_cannot_propose_a_motion(web_db: Database) -> None:
    refused(
        web_db,
        Forbidden,
        "no member: it cannot act",
        lambda: actions.propose_motion(web_db, actor=OP, body="u1", title="x", text=""),
    )


def test_the_operator_cannot_stand_as_a_candidate(web_db: Database) -> None:
    election = actions.open_election(
        web_db, actor="a1", constituency="u1", target="u1", purpose=ElectionPurpose.COMMITTEE
    )
    actions.stand(web_db, actor="a2", election=election.id)
    refused(
        web_db,
        Forbidden,
        "the operator hosts the federation: it cannot stand",
        lambda: actions.stand(web_db, actor=OP, election=election.id),
    )
    # nor can a member put the operator forward
    refused(
        web_db,
        Forbidden,
        "the operator hosts the federation: it cannot stand",
        lambda: actions.nominate(web_db, actor="a1", election=election.id, member=OP),
    )
    assert [n.member for n in web_db.state.elections[election.id].nominations] == ["a2"]


def test_the_operator_cannot_cast_a_ballot(web_db: Database) -> None:
    # u1's convenor: more candidates than its one seat, so a vote is held
    election = open_vote(
        web_db, "u1", "u1", ["a2", "a3", "a4"], convenor="a1", purpose="office", office="convenor"
    )
    assert election.status is ElectionStatus.OPEN
    refused(
        web_db,
        Forbidden,
        "no member: it cannot vote",
        lambda: actions.cast_ballot(web_db, actor=OP, election=election.id, ranking=["a2"]),
    )


def test_the_operator_cannot_vote_on_a_budget(web_db: Database) -> None:
    budget = actions.open_budget(
        web_db, actor="a1", body="u1", title="Fund", total=100, projects=[("p", "P", 50)]
    )
    refused(
        web_db,
        Forbidden,
        "no member: it cannot vote",
        lambda: actions.cast_budget_ballot(web_db, actor=OP, budget_id=budget.id, approved=["p"]),
    )


def test_the_operator_cannot_petition_or_sign(web_db: Database) -> None:
    mandate = next(iter(web_db.state.mandates.values()))
    refused(
        web_db,
        Forbidden,
        "no member: it cannot petition",
        lambda: actions.open_petition(web_db, actor=OP, mandate=mandate.id, reason="x"),
    )


def test_the_operator_has_no_member_forms(app: FastAPI, web_db: Database) -> None:
    op = browser_for(app, OP)
    size = web_db.size()
    r = post_form(op, "/units/u1", "/units/u1/challenge", {"member": "a3"})
    assert r.status_code == 403  # type: ignore[attr-defined]
    r = post_form(op, "/units/u1", "/units/u1/admit", {"member": "b3"})
    assert r.status_code == 403  # type: ignore[attr-defined]
    assert web_db.size() == size


# ---- admission challenged before the assembly ------------------------------------------------


def test_a_challenged_admission_goes_to_the_assemblys_vote(web_db: Database) -> None:
    actions.register_members(web_db, actor=OP, rows=[("d1", "Newcomer D1", [])])
    actions.join_unit(web_db, actor="a1", unit="u1", member="d1")
    refused(
        web_db,
        Forbidden,
        "only members of Putilov Works",
        lambda: actions.challenge_admission(web_db, actor="b3", unit="u1", member="d1"),
    )
    motion = actions.challenge_admission(web_db, actor="a3", unit="u1", member="d1")
    assert motion.status is MotionStatus.VOTING  # straight to the vote: no convenor holds it
    assert motion.payload == {"effect": "remove-member", "member": "d1", "challenge": "admission"}
    refused(
        web_db,
        InputError,
        "already before the assembly",
        lambda: actions.challenge_admission(web_db, actor="a4", unit="u1", member="d1"),
    )
    for member in ("a2", "a3", "a4", "a5"):
        actions.vote(web_db, actor=member, motion=motion.id, choice="yes")
    # a1 and d1 have not voted: the vote runs until its deadline, and then anyone closes it
    assert motion.deadline is not None and {"a1", "d1"} <= motion.electorate
    closed = actions.close_motion(web_db, actor="a3", motion=motion.id, at=motion.deadline)
    assert closed.status is MotionStatus.PASSED
    assert "d1" not in web_db.state.units["u1"].members


def test_a_challenge_through_the_unit_page(app: FastAPI, web_db: Database) -> None:
    member = browser_for(app, "a3")
    r = post_form(member, "/units/u1", "/units/u1/challenge", {"member": "a5"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    motion = web_db.state.motions[r.headers["location"].rsplit("/", 1)[1]]  # type: ignore[attr-defined]
    assert motion.status is MotionStatus.VOTING and motion.payload["member"] == "a5"


@pytest.fixture
def assembly_db(tmp_path: Path) -> Database:
    """A federation whose units admit by their assembly's vote."""
    db = open_database(f"sqlite:///{tmp_path / 'assembly.db'}")
    text = DEFAULT_CONSTITUTION.replace('admission = "convenors"', 'admission = "assembly"')
    actions.found_federation(db, name="Assembly federation", constitution=text)
    rows: list[tuple[str, str, list[str]]] = [(f"x{i}", f"X{i}", []) for i in range(1, 5)]
    rows.append(("y", "Y", []))
    actions.register_members(db, actor=OP, rows=rows)
    founders = [f"x{i}" for i in range(1, 5)]
    actions.found_unit(
        db, actor="x1", unit_id="u", name="Works", kind="workplace", founders=founders
    )
    elect_convenor(db, "u", "x1")
    return db


def test_where_the_assembly_admits_the_convenor_cannot(assembly_db: Database) -> None:
    db = assembly_db
    refused(
        db,
        Forbidden,
        "admits members by its assembly's vote",
        lambda: actions.join_unit(db, actor="x1", unit="u", member="y"),
    )
    motion = actions.request_admission(db, actor="y", unit="u")
    assert motion.payload == {"effect": "admit-member", "member": "y"}
    actions.open_voting(db, actor="x1", motion=motion.id)
    for member in ("x1", "x2", "x3"):
        actions.vote(db, actor=member, motion=motion.id, choice="yes")
    voting = db.state.motions[motion.id]
    assert voting.deadline is not None  # x4 has not voted: the vote runs to its deadline
    actions.close_motion(db, actor="x1", motion=motion.id, at=voting.deadline)
    assert "y" in db.state.units["u"].members
    db.forget()  # the admission replays from the log
    assert "y" in db.state.units["u"].members
    db.close()
