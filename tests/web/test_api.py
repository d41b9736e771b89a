"""The JSON API, endpoint by endpoint, on the small federation of conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from sovet import actions
from sovet.counting import count
from sovet.counting.formats import read_blt
from sovet.ledger import verify_consistency, verify_head, verify_inclusion
from sovet.ledger.heads import TreeHead
from sovet.storage import Database

Clients = Callable[[str | None], TestClient]
API = "/api/v1"


def ok(response: Any, status: int = 200) -> Any:
    """The JSON body of a response that has ``status``."""
    assert response.status_code == status, response.text
    return response.json()


OPERATIONS = [
    "GET /federation",
    "GET /federation/head",
    "GET /units",
    "POST /units",
    "GET /units/{unit_id}",
    "POST /units/{unit_id}/members",
    "POST /units/{unit_id}/leave",
    "GET /councils",
    "POST /councils",
    "GET /councils/{council_id}",
    "POST /councils/{council_id}/apportion",
    "GET /members",
    "GET /members/{member_id}",
    "POST /me/faction",
    "GET /factions",
    "POST /factions",
    "GET /factions/{faction_id}",
    "GET /foundings",
    "POST /foundings/{faction_id}/signatures",
    "GET /bodies/{body_id}/petitions",
    "POST /bodies/{body_id}/petitions",
    "GET /bodies/{body_id}/petitions/{demand_id}",
    "POST /bodies/{body_id}/petitions/{demand_id}/signatures",
    "POST /councils/{council_id}/constituents",
    "GET /mandates",
    "GET /elections",
    "POST /elections",
    "GET /elections/{election_id}",
    "POST /elections/{election_id}/candidates",
    "POST /elections/{election_id}/nominations",
    "POST /elections/{election_id}/withdraw",
    "POST /elections/{election_id}/begin-voting",
    "POST /elections/{election_id}/ballots",
    "GET /elections/{election_id}/ballots",
    "POST /elections/{election_id}/close",
    "GET /elections/{election_id}/ballots.blt",
    "GET /elections/{election_id}/recount",
    "GET /motions",
    "POST /motions",
    "GET /motions/{motion_id}",
    "GET /motions/{motion_id}/roll-call",
    "POST /motions/{motion_id}/amendments",
    "POST /motions/{motion_id}/amendments/{amendment_id}/decision",
    "POST /motions/{motion_id}/voting",
    "POST /motions/{motion_id}/votes",
    "POST /motions/{motion_id}/close",
    "POST /motions/{motion_id}/forward",
    "GET /petitions",
    "POST /petitions",
    "GET /petitions/{petition_id}",
    "POST /petitions/{petition_id}/signatures",
    "GET /ratifications",
    "GET /ratifications/{motion_id}",
    "POST /ratifications/{motion_id}/expire",
    "GET /sessions",
    "POST /sessions",
    "GET /sessions/{session_id}",
    "POST /sessions/{session_id}/attendance",
    "POST /sessions/{session_id}/speakers",
    "POST /sessions/{session_id}/floor",
    "POST /sessions/{session_id}/minutes",
    "POST /sessions/{session_id}/close",
    "GET /ledger/head",
    "GET /ledger/heads",
    "GET /ledger/entries",
    "GET /ledger/entries/{index}",
    "GET /ledger/proof/inclusion",
    "GET /ledger/proof/consistency",
    "GET /events/stream",
    "POST /auth/login",
    "POST /auth/logout",
    "GET /auth/me",
    "GET /auth/tokens",
    "POST /auth/tokens",
    "DELETE /auth/tokens/{token_id}",
    "POST /auth/password",
    "POST /units/{unit_id}/invitations",
    "POST /invitations/lookup",
    "POST /invitations/accept",
    "POST /auth/notice",
    "GET /accounts",
    "POST /accounts",
    "POST /accounts/{login}/password",
    "POST /accounts/{login}/suspend",
    "POST /accounts/{login}/restore",
    "POST /units/{unit_id}/admission-requests",
    "POST /units/{unit_id}/challenges",
    "GET /members/{member_id}/account",
    # participatory budgets
    "GET /budgets",
    "POST /budgets",
    "GET /budgets/{budget_id}",
    "POST /budgets/{budget_id}/ballots",
    "POST /budgets/{budget_id}/close",
    "GET /budgets/{budget_id}/instance.pb",
    "GET /budgets/{budget_id}/recount",
    # land and housing divided by base units
    "GET /land",
    "GET /land/{division_id}",
    "POST /land",
]
"""Every operation of the API, as the issue lists them (method and path under /api/v1)."""
OPERATIONS += [  # production planning: tests/web/test_api_planning.py
    "GET /plans",
    "GET /plans/{period}",
    "POST /plans/{period}/production",
    "POST /plans/{period}/needs",
    "GET /plans/{period}/plan",
    "POST /plans/{period}/proposal",
]


def test_openapi_describes_every_operation(client: TestClient) -> None:
    spec = ok(client.get(f"{API}/openapi.json"))
    described = [f"{m.upper()} {p.removeprefix(API)}" for p, o in spec["paths"].items() for m in o]
    assert sorted(described) == sorted(OPERATIONS)
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method != "get" or "{" not in path:
                continue
            assert "404" in op["responses"], (method, path)  # errors are described too


def test_federation_summary_and_signed_head(client: TestClient, web_db: Database) -> None:
    body = ok(client.get(f"{API}/federation"))
    assert (body["members"], body["units"], body["councils"]) == (12, 3, 1)
    head = body["head"]
    assert isinstance(head, dict) and head["size"] == web_db.size()
    verify_head(
        bytes.fromhex(head["public_key"]),
        TreeHead(
            size=head["size"],
            root=bytes.fromhex(head["root"]),
            timestamp=head["timestamp"],
            signature=bytes.fromhex(head["signature"]),
            key_id=head["key_id"],
        ),
    )
    assert ok(client.get(f"{API}/ledger/head")) == head == ok(client.get(f"{API}/federation/head"))


def test_units_and_unit_detail(client: TestClient) -> None:
    units = ok(client.get(f"{API}/units"))
    assert [u["id"] for u in units] == ["u1", "u2", "v"]
    u1 = ok(client.get(f"{API}/units/u1"))
    assert u1["members"] == 5 and u1["convenors"] == ["a1"] and u1["councils"] == ["soviet"]
    assert [m["id"] for m in u1["member_list"]] == ["a1", "a2", "a3", "a4", "a5"]
    assert sorted(d["member"] for d in u1["delegates"]) == ["a1", "a2"]
    missing = client.get(f"{API}/units/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_council_composition_by_faction_and_delegates(client: TestClient) -> None:
    soviet = ok(client.get(f"{API}/councils/soviet"))
    assert [(r["faction"], r["seats"]) for r in soviet["composition"]] == [
        ("bol", 3),
        ("men", 1),
        (None, 1),
    ]
    assert sorted(d["member"] for d in soviet["delegates"]) == ["a1", "a2", "b1", "b2", "c1"]
    assert ok(client.get(f"{API}/councils"))[0]["seated"] == 5


def test_members_are_public_name_units_faction_only(client: TestClient) -> None:
    members = ok(client.get(f"{API}/members"))
    assert len(members) == 12
    assert set(members[0]) == {"id", "name", "units", "faction"}
    of_v = ok(client.get(f"{API}/members", params={"unit": "v"}))
    assert [m["id"] for m in of_v] == ["c1", "c2", "c3"]
    assert ok(client.get(f"{API}/members/b1")) == {
        "id": "b1",
        "name": "Member B1",
        "units": ["u2"],
        "faction": "men",
    }
    assert client.get(f"{API}/members/zz").status_code == 404


def test_factions_and_mandates(client: TestClient) -> None:
    factions = {f["id"]: f["members"] for f in ok(client.get(f"{API}/factions"))}
    assert factions == {"bol": 3, "men": 1}
    mandates = ok(client.get(f"{API}/mandates", params={"body": "soviet", "active": True}))
    assert len([m for m in mandates if m["office"] is None]) == 5  # the seats
    assert [(m["member"], m["office"]) for m in mandates if m["office"]] == [("a1", "convenor")]
    by_member = ok(client.get(f"{API}/mandates", params={"member": "c1"}))
    # c1 sits in the soviet for v, and holds v's convenor office by v's election
    assert sorted((m["body"], m["office"] or "") for m in by_member) == [
        ("soviet", ""),
        ("v", "convenor"),
    ]


def test_member_sets_own_faction(client_for: Clients) -> None:
    a3 = client_for("a3")
    ok(a3.post(f"{API}/me/faction", json={"faction": "men"}))
    assert ok(a3.get(f"{API}/members/a3"))["faction"] == "men"
    r = a3.post(f"{API}/me/faction", json={"faction": "nobody"})
    assert r.status_code == 404


def test_convenor_admits_a_member_and_a_member_leaves(client_for: Clients) -> None:
    a1 = client_for("a1")
    ok(a1.post(f"{API}/units/u1/members", json={"member": "b3"}))
    assert ok(a1.get(f"{API}/members/b3"))["units"] == ["u1", "u2"]
    selfjoin = client_for("c2").post(f"{API}/units/u1/members", json={"member": "c2"})
    assert selfjoin.status_code == 403
    ok(client_for("a4").post(f"{API}/units/u1/leave"))
    assert "a4" not in [m["id"] for m in ok(a1.get(f"{API}/units/u1"))["member_list"]]


def test_apportion_council(client_for: Clients) -> None:
    assert ok(client_for(None).get(f"{API}/councils/soviet"))["apportioned"] == {}
    # the council's convenor applies the constitution's rule (the operator may not)
    seats = ok(client_for("a1").post(f"{API}/councils/soviet/apportion"))
    assert seats == {"u1": 2, "u2": 2, "v": 1}  # one per two members, at least one
    after = ok(client_for(None).get(f"{API}/councils/soviet"))
    assert after["apportioned"] == seats and after["seats"] == 5


def test_members_found_units_and_councils_and_elect_their_convenors(
    client_for: Clients, web_db: Database
) -> None:
    op, a3, a4, a1 = (client_for(x) for x in ("operator", "a3", "a4", "a1"))
    bakery = {"id": "bakery", "name": "Bakery", "kind": "coop"}
    assert op.post(f"{API}/units", json=bakery).status_code == 403  # the operator founds none
    unit = ok(a3.post(f"{API}/units", json={**bakery, "founders": ["a3", "a4"]}), 201)
    assert (unit["members"], unit["convenors"], unit["officers"]) == (2, [], [])
    assert a3.post(f"{API}/units", json={**bakery, "name": "B"}).status_code == 422
    # the founding assembly elects its convenor; the operator cannot open that election
    office = {
        "constituency": "bakery",
        "target": "bakery",
        "purpose": "office",
        "office": "convenor",
    }
    assert op.post(f"{API}/elections", json=office).status_code == 403
    e = ok(a4.post(f"{API}/elections", json=office), 201)
    assert (e["office"], e["seats"], e["method"]) == ("convenor", 1, "scottish-stv")
    # both founders stand (the operator cannot); the vote opens when nominations close
    for candidate in (a3, a4):
        ok(candidate.post(f"{API}/elections/{e['id']}/candidates", json={"statement": ""}))
    assert op.post(f"{API}/elections/{e['id']}/candidates", json={}).status_code == 403
    web_db.clock = lambda: e["nominations_close"]  # the nomination period passes
    opened = ok(a3.post(f"{API}/elections/{e['id']}/begin-voting"))
    assert opened["status"] == "open" and opened["electorate"] == 2
    for voter in (a3, a4):
        ok(voter.post(f"{API}/elections/{e['id']}/ballots", json={"ranking": ["a4"]}), 201)
    ok(a4.post(f"{API}/elections/{e['id']}/close"))
    after = ok(op.get(f"{API}/units/bakery"))
    assert after["convenors"] == ["a4"]
    (officer,) = after["officers"]
    assert (officer["office"], officer["member"], officer["election"]) == (
        "convenor",
        "a4",
        e["id"],
    )
    # the operator admits nobody: a unit admits its own members
    assert op.post(f"{API}/units/bakery/members", json={"member": "a3"}).status_code == 403
    # a4 founds a council with the bakery; u1 is invited and joins by its own convenor
    city = {"id": "city", "name": "City", "level": "territorial", "constituents": ["bakery", "u1"]}
    assert op.post(f"{API}/councils", json=city).status_code == 403
    council = ok(a4.post(f"{API}/councils", json=city), 201)
    assert council["constituents"] == ["bakery"] and council["invited"] == ["u1"]
    assert council["seated"] == 0 and council["officers"] == []
    join = {"constituent": "u1"}
    assert a4.post(f"{API}/councils/city/constituents", json=join).status_code == 403
    joined = ok(a1.post(f"{API}/councils/city/constituents", json=join))
    assert joined["constituents"] == ["bakery", "u1"] and joined["invited"] == []
    missing = a1.post(
        f"{API}/councils",
        json={"id": "x", "name": "X", "level": "territorial", "constituents": ["nowhere"]},
    )
    assert missing.status_code == 404
    # factions are founded by members: the operator is refused, members found one
    refused = op.post(f"{API}/factions", json={"id": "sr", "name": "Left SRs", "short": "LSR"})
    assert refused.status_code == 403
    founding = ok(
        client_for("a3").post(
            f"{API}/factions", json={"id": "sr", "name": "Left SRs", "short": "LSR"}
        ),
        201,
    )
    assert (founding["founders"], founding["needed"], founding["founded"]) == (["a3"], 3, False)
    for member in ("a4", "c2"):
        ok(client_for(member).post(f"{API}/foundings/sr/signatures"))
    assert "sr" in [f["id"] for f in ok(op.get(f"{API}/factions"))]
    assert ok(op.get(f"{API}/factions/sr"))["founders"] == ["a3", "a4", "c2"]
    again = client_for("a5").post(f"{API}/factions", json={"id": "sr", "name": "X", "short": "X"})
    assert again.status_code == 422
    bad = a3.post(f"{API}/units", json={"id": "Bad Id!", "name": "X", "kind": "coop"})
    assert bad.status_code == 422 and bad.json()["error"]["message"].startswith("id:")


def test_election_open_vote_close_publish_blt_recount(
    client_for: Clients, web_db: Database
) -> None:
    a1 = client_for("a1")
    committee = {"constituency": "u1", "target": "u1", "purpose": "committee"}
    refused = a1.post(f"{API}/elections", json={**committee, "seats": 2})
    assert refused.status_code == 422
    assert "kinds.unit.committee_seats is 7" in refused.json()["error"]["message"]
    opened = ok(a1.post(f"{API}/elections", json=committee), 201)
    assert (opened["status"], opened["seats"]) == ("nominating", 7)
    early = a1.post(f"{API}/elections/{opened['id']}/begin-voting")
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_open"
    # an election of u1's convenor (one seat, ranked; u1's delegates sit, so its
    # delegation is not open to election again), opened in December: its nomination
    # period is over by now
    eid = actions.open_election(
        web_db,
        actor="a1",
        constituency="u1",
        target="u1",
        purpose="office",
        office="convenor",
        at="2025-12-01T00:00:00Z",
    ).id
    for member in ("a1", "a2", "a3", "a4"):
        stood = ok(
            client_for(member).post(
                f"{API}/elections/{eid}/candidates", json={"statement": f"I am {member}"}
            )
        )
    assert [n["statement"] for n in stood["nominations"]] == [
        f"I am {m}" for m in ("a1", "a2", "a3", "a4")
    ]
    e = ok(client_for("a5").post(f"{API}/elections/{eid}/begin-voting"))
    assert e["status"] == "open" and e["electorate"] == 5 and e["method"] == "scottish-stv"
    assert e["deadline"] > e["voting_opened_at"] and e["candidates"][0]["statement"] == "I am a1"
    sealed = client_for(None).get(f"{API}/elections/{eid}/ballots")
    assert sealed.status_code == 409 and sealed.json()["error"]["code"] == "not_open"
    ballots = {
        "a1": ["a1", "a2"],
        "a2": ["a2", "a1"],
        "a3": ["a3", "a4"],
        "a4": ["a3", "a1"],
        "a5": ["a1", "a3"],
    }
    receipts = {}
    for voter, ranking in ballots.items():
        receipts[voter] = ok(
            client_for(voter).post(f"{API}/elections/{eid}/ballots", json={"ranking": ranking}), 201
        )["receipt"]
    again = client_for("a5").post(f"{API}/elections/{eid}/ballots", json={"ranking": ["a2"]})
    assert again.status_code == 409
    assert again.json() == {
        "ok": False,
        "error": {"code": "already_voted", "message": f"a5 has already voted in election {eid}"},
    }
    listed = ok(client_for(None).get(f"{API}/elections", params={"status": "open"}))
    assert [x["voted"] for x in listed if x["id"] == eid] == [5]
    detail = ok(client_for(None).get(f"{API}/elections/{eid}"))
    assert (detail["voted"], detail["result"], detail["ballots"]) == (5, None, 0)
    assert [c["member"] for c in detail["candidates"]] == ["a1", "a2", "a3", "a4"]
    closed = ok(a1.post(f"{API}/elections/{eid}/close"))
    assert closed["status"] == "counted" and len(closed["elected"]) == 1
    published = ok(client_for(None).get(f"{API}/elections/{eid}/ballots"))
    mine = {b["receipt"]: b["ranking"] for b in published["ballots"]}
    assert all(mine[receipts[v]] == ballots[v] for v in ballots)  # each finds their ballot
    blt = client_for(None).get(f"{API}/elections/{eid}/ballots.blt")
    assert blt.status_code == 200 and blt.headers["content-type"].startswith("text/plain")
    parsed = read_blt(blt.text)
    assert parsed.seats == 1 and parsed.profile.candidates == ("a1", "a2", "a3", "a4")
    again_count = count("scottish-stv", parsed.profile, 1, seed=closed["seed"])
    assert list(again_count.elected_names) == closed["elected"]
    recount = ok(client_for(None).get(f"{API}/elections/{eid}/recount"))
    assert recount["matches"] is True and recount["elected"] == closed["elected"]
    assert recount["ballots"] == 5


def open_sitting(client_for: Clients, present: list[str]) -> str:
    session = ok(
        client_for("a1").post(f"{API}/sessions", json={"council": "soviet", "agenda": ["Bread"]}),
        201,
    )
    for member in present:
        ok(client_for(member).post(f"{API}/sessions/{session['id']}/attendance"))
    return str(session["id"])


def test_motion_in_council_amend_roll_call_close_forward(client_for: Clients) -> None:
    open_sitting(client_for, ["a1", "a2", "b1", "b2", "c1"])
    motion = ok(
        client_for("b1").post(
            f"{API}/motions", json={"body": "soviet", "title": "Eight-hour day", "text": "8h"}
        ),
        201,
    )
    mid = motion["id"]
    assert motion["secret"] is False and motion["session"] is not None
    amended = ok(client_for("b2").post(f"{API}/motions/{mid}/amendments", json={"text": "7h"}))
    aid = amended["amendments"][0]["id"]
    decided = ok(
        client_for("a1").post(
            f"{API}/motions/{mid}/amendments/{aid}/decision",
            json={"accepted": True, "new_text": "Seven hours"},
        )
    )
    assert decided["text"] == "Seven hours"
    assert decided["amendments"][0]["status"] == "accepted"
    ok(client_for("a1").post(f"{API}/motions/{mid}/voting"))
    for member, choice in (("a1", "yes"), ("a2", "yes"), ("b1", "no"), ("c1", "abstain")):
        vote = ok(
            client_for(member).post(f"{API}/motions/{mid}/votes", json={"choice": choice}), 201
        )
        assert vote["receipt"] is None  # a roll call is open
    roll = ok(client_for(None).get(f"{API}/motions/{mid}/roll-call"))
    assert [(r["member"], r["choice"]) for r in roll] == [
        ("a1", "yes"),
        ("a2", "yes"),
        ("b1", "no"),
        ("c1", "abstain"),
    ]
    assert roll[0]["name"] == "Member A1" and roll[0]["faction"] == "bol"
    early = client_for("a1").post(f"{API}/motions/{mid}/close")  # b2 has not voted yet
    assert early.status_code == 409 and "runs until" in early.json()["error"]["message"]
    ok(client_for("b2").post(f"{API}/motions/{mid}/votes", json={"choice": "abstain"}), 201)
    closed = ok(client_for("a1").post(f"{API}/motions/{mid}/close"))
    assert (closed["status"], closed["yes"], closed["no"], closed["abstain"]) == ("passed", 2, 1, 2)
    forwarded = ok(client_for("a1").post(f"{API}/motions/{mid}/forward", json={"to": "u1"}))
    assert forwarded["body"] == "u1" and forwarded["forwarded_from"] == mid
    assert ok(client_for(None).get(f"{API}/motions/{mid}"))["status"] == "forwarded"
    listed = ok(client_for(None).get(f"{API}/motions", params={"body": "u1"}))
    assert [m["id"] for m in listed] == [forwarded["id"]]


def test_assembly_vote_is_secret_with_a_receipt(client_for: Clients) -> None:
    motion = ok(
        client_for("a2").post(f"{API}/motions", json={"body": "u1", "title": "Strike"}), 201
    )
    mid = motion["id"]
    assert motion["secret"] is True
    ok(client_for("a1").post(f"{API}/motions/{mid}/voting"))
    for member, choice in (("a1", "yes"), ("a2", "yes"), ("a3", "no"), ("a4", "abstain")):
        receipt = ok(
            client_for(member).post(f"{API}/motions/{mid}/votes", json={"choice": choice}), 201
        )
        assert isinstance(receipt["receipt"], str) and len(receipt["receipt"]) == 32
    during = ok(client_for(None).get(f"{API}/motions/{mid}"))
    assert (during["yes"], during["no"], during["voted"], during["roll_call"]) == (0, 0, 4, [])
    assert during["electorate"] == 5 and during["deadline"] is not None
    ok(client_for("a5").post(f"{API}/motions/{mid}/votes", json={"choice": "abstain"}), 201)
    closed = ok(client_for("a1").post(f"{API}/motions/{mid}/close"))  # everyone voted
    assert (closed["yes"], closed["no"], closed["status"]) == (2, 1, "passed")


def test_recall_petition_signatures_and_vote(client_for: Clients) -> None:
    a1 = client_for("a1")
    for member in ("b3", "b4", "c2", "c3", "b2"):  # u1 grows to ten: threshold two signatures
        ok(a1.post(f"{API}/units/u1/members", json={"member": member}))
    mandate = next(
        m["id"] for m in ok(client_for(None).get(f"{API}/mandates", params={"member": "a2"}))
    )
    petition = ok(
        client_for("a4").post(f"{API}/petitions", json={"mandate": mandate, "reason": "Absent"}),
        201,
    )
    assert (petition["status"], petition["signatures"], petition["threshold"]) == ("open", 1, "1/5")
    signed = ok(client_for("a5").post(f"{API}/petitions/{petition['id']}/signatures"))
    assert signed["status"] == "voting" and signed["signers"] == ["a4", "a5"]
    assert signed["vote_motion"] is not None
    shown = ok(client_for(None).get(f"{API}/petitions/{petition['id']}"))
    assert (shown["signatures"], shown["delegate"], shown["constituency"]) == (2, "a2", "u1")
    twice = client_for("a5").post(f"{API}/petitions/{petition['id']}/signatures")
    assert twice.status_code == 409
    assert [p["id"] for p in ok(client_for(None).get(f"{API}/petitions"))] == [petition["id"]]


def test_reserved_motion_waits_for_ratification(client_for: Clients, web_db: Database) -> None:
    open_sitting(client_for, ["a1", "a2", "b1", "b2", "c1"])
    motion = ok(
        client_for("a2").post(
            f"{API}/motions",
            json={
                "body": "soviet",
                "title": "Peace",
                "kind": "reserved",
                "matter": "war-and-peace",
            },
        ),
        201,
    )
    mid = motion["id"]
    ok(client_for("a1").post(f"{API}/motions/{mid}/voting"))
    for member in ("a1", "a2", "b1", "b2", "c1"):
        ok(client_for(member).post(f"{API}/motions/{mid}/votes", json={"choice": "yes"}), 201)
    assert ok(client_for("a1").post(f"{API}/motions/{mid}/close"))["status"] == "ratifying"
    r = ok(client_for(None).get(f"{API}/ratifications/{mid}"))
    assert (r["status"], r["units"], r["ratified_by"], r["members_total"]) == (
        "pending",
        ["u1", "u2", "v"],
        0,
        12,
    )
    assert [x["motion"] for x in ok(client_for(None).get(f"{API}/ratifications"))] == [mid]
    early = client_for("a3").post(f"{API}/ratifications/{mid}/expire")
    assert early.status_code == 409 and "runs until" in early.json()["error"]["message"]
    web_db.clock = lambda: "2999-01-01T00:00:00Z"  # the ratification period passes
    ok(client_for("a3").post(f"{API}/ratifications/{mid}/expire"))
    assert ok(client_for(None).get(f"{API}/ratifications/{mid}"))["status"] == "failed"
    assert ok(client_for(None).get(f"{API}/motions/{mid}"))["status"] == "not-ratified"


def test_session_speakers_floor_minutes_close(client_for: Clients) -> None:
    sid = open_sitting(client_for, ["a1", "a2", "b1"])
    assert ok(client_for(None).get(f"{API}/sessions/{sid}"))["quorum_present"] is True
    ok(client_for("a2").post(f"{API}/sessions/{sid}/speakers"))
    ok(client_for("b1").post(f"{API}/sessions/{sid}/speakers"))
    after = ok(client_for("a1").post(f"{API}/sessions/{sid}/floor", json={"member": "b1"}))
    assert (after["speakers"], after["spoken"]) == (["a2"], ["b1"])
    ok(client_for("a1").post(f"{API}/sessions/{sid}/minutes", json={"text": "Bread discussed"}))
    closed = ok(client_for("a1").post(f"{API}/sessions/{sid}/close"))
    assert closed["status"] == "closed" and closed["minutes"] == ["Bread discussed"]
    listed = ok(client_for(None).get(f"{API}/sessions", params={"council": "soviet"}))
    assert [s["id"] for s in listed] == [sid]


def test_ledger_entries_and_proofs_verify(client: TestClient, web_db: Database) -> None:
    size = web_db.size()
    page = ok(client.get(f"{API}/ledger/entries", params={"start": 0, "limit": 10}))
    assert page["size"] == size and page["next"] == 10
    entries = page["entries"]
    assert [e["index"] for e in entries] == list(range(10))
    assert entries[0]["type"] == "federation.founded"
    assert entries[1]["prev"] == entries[0]["leaf_hash"]
    last = ok(client.get(f"{API}/ledger/entries", params={"start": size - 3}))
    assert last["next"] is None and len(last["entries"]) == 3
    assert ok(client.get(f"{API}/ledger/entries/5"))["index"] == 5
    assert client.get(f"{API}/ledger/entries/{size}").status_code == 404
    head = ok(client.get(f"{API}/ledger/head"))
    proof = ok(client.get(f"{API}/ledger/proof/inclusion", params={"index": 7}))
    assert proof["root"] == head["root"] and proof["size"] == size
    verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        7,
        size,
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(head["root"]),
    )
    heads = ok(client.get(f"{API}/ledger/heads", params={"limit": 1000}))
    old_head = heads[len(heads) // 2]  # a head signed earlier: the log only grew since
    old = old_head["size"]
    cons = ok(client.get(f"{API}/ledger/proof/consistency", params={"old": old}))
    assert cons["old_root"] == old_head["root"]
    verify_consistency(
        old,
        size,
        bytes.fromhex(old_head["root"]),
        bytes.fromhex(head["root"]),
        [bytes.fromhex(p) for p in cons["proof"]],
    )
    # the log grows: a proof for the new tree verifies against its new head
    actions.set_faction(web_db, actor="a5", faction="men")
    grown = ok(client.get(f"{API}/ledger/proof/inclusion", params={"index": size}))
    new_head = ok(client.get(f"{API}/ledger/head"))
    assert grown["size"] == new_head["size"] == size + 1
    verify_inclusion(
        bytes.fromhex(grown["leaf_hash"]),
        size,
        size + 1,
        [bytes.fromhex(p) for p in grown["proof"]],
        bytes.fromhex(new_head["root"]),
    )
    bad = client.get(f"{API}/ledger/proof/inclusion", params={"index": size + 1})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    assert (
        client.get(f"{API}/ledger/proof/consistency", params={"old": size + 2}).status_code == 422
    )


def test_event_stream_pushes_new_entries(client_for: Clients, web_db: Database) -> None:
    size = web_db.size()
    ok(client_for("a3").post(f"{API}/me/faction", json={"faction": "men"}))
    ok(client_for("a1").post(f"{API}/sessions", json={"council": "soviet"}), 201)
    stream = client_for(None).get(f"{API}/events/stream", params={"since": size, "limit": 2})
    assert stream.status_code == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    events = [block for block in stream.text.split("\n\n") if block.startswith("id:")]
    assert [e.splitlines()[0] for e in events] == [f"id: {size}", f"id: {size + 1}"]
    assert '"type":"member.faction"' in events[0] and '"member":"a3"' in events[0]
    assert '"type":"session.opened"' in events[1] and '"council":"soviet"' in events[1]
    resumed = client_for(None).get(
        f"{API}/events/stream",
        params={"limit": 1},
        headers={"Last-Event-ID": str(size)},
    )
    assert f"id: {size + 1}\n" in resumed.text


def test_event_stream_ends_at_its_timeout_without_new_entries(client: TestClient) -> None:
    stream = client.get(f"{API}/events/stream", params={"timeout": 1})
    assert stream.status_code == 200 and "id:" not in stream.text


def test_bad_input_gets_the_error_shape_never_a_traceback(client_for: Clients) -> None:
    a1 = client_for("a1")
    cases = [
        a1.post(
            f"{API}/motions", content=b"{not json", headers={"content-type": "application/json"}
        ),
        a1.post(f"{API}/motions", json={"body": "u1"}),
        a1.post(f"{API}/motions", json={"body": "u1", "title": "x", "kind": "coup"}),
        a1.post(f"{API}/motions", json={"body": "u1", "title": "x", "extra": 1}),
        a1.post(f"{API}/elections/nope/ballots", json={"ranking": []}),
        a1.get(f"{API}/ledger/entries", params={"start": -1}),
        a1.post(f"{API}/motions", json={"body": "nowhere", "title": "x"}),
    ]
    for r in cases:
        assert 400 <= r.status_code < 500, r.text
        body = r.json()
        assert body["ok"] is False and set(body["error"]) == {"code", "message"}
        assert "Traceback" not in r.text
    assert cases[2].json()["error"]["message"].startswith("kind:")
    assert cases[6].status_code == 404


def test_rules_gaps_are_refused_as_bad_input_not_server_errors(client_for: Clients) -> None:
    """Values the rules would only meet deep inside (an unknown counting method, an
    instruction without a position) are refused at the door with 422."""
    a1 = client_for("a1")
    body = {"constituency": "u1", "target": "u1", "purpose": "committee"}
    r = a1.post(f"{API}/elections", json={**body, "seats": 1, "method": "nonsense"})
    assert r.status_code == 422 and "unknown method 'nonsense'" in r.json()["error"]["message"]
    target = ok(client_for("a2").post(f"{API}/motions", json={"body": "soviet", "title": "x"}), 201)
    r = client_for("a3").post(
        f"{API}/motions",
        json={
            "body": "u1",
            "title": "Vote maybe",
            "kind": "instruction",
            "payload": {"motion": target["id"], "position": "maybe"},
        },
    )
    assert r.status_code == 422 and "yes, no or abstain" in r.json()["error"]["message"]


def test_unknown_route_and_method_answer_in_the_error_shape(client: TestClient) -> None:
    r = client.get(f"{API}/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.delete(f"{API}/units")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
