"""The budgets API: open, vote by secret approval ballot, close and count, the published
pabulib instance and the recount; bad input answered 4xx naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sovet.counting.budgets import budget as count_budget
from sovet.counting.pabulib import parse_pabulib
from sovet.storage import Database

from .conftest import VILLAGE_BALLOTS, VILLAGE_PROJECTS

Clients = Callable[[str | None], TestClient]
API = "/api/v1"
PROJECTS = [
    {"id": "stove", "name": "New stove", "cost": 60},
    {"id": "books", "name": "Library", "cost": 30},
    {"id": "bikes", "name": "Bicycles", "cost": 50},
]
BALLOTS = {
    "a1": ["stove"],
    "a2": ["stove", "books"],
    "a3": ["books", "bikes"],
    "a4": ["bikes"],
    "a5": ["stove"],
}


def ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def refused(r: Any, status: int, code: str) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["ok"] is False and body["error"]["code"] == code, body
    message: str = body["error"]["message"]
    return message


def open_u1(client_for: Clients, **changes: Any) -> dict[str, Any]:
    body = {"body": "u1", "title": "Canteen fund", "total": 100, "projects": PROJECTS, **changes}
    return ok(client_for("a1").post(f"{API}/budgets", json=body), 201)  # type: ignore[no-any-return]


def past_deadline(web_db: Database, budget: dict[str, Any]) -> None:
    """Let the budget's voting days pass (the app's actions take the database's clock)."""
    deadline = web_db.state.budgets[budget["id"]].deadline
    assert deadline is not None and budget["deadline"] == deadline
    web_db.clock = lambda: deadline


def test_the_fixture_budget_is_listed_and_described(client: TestClient) -> None:
    listed = ok(client.get(f"{API}/budgets"))
    assert [b["id"] for b in listed] == ["vb"]
    b = ok(client.get(f"{API}/budgets/vb"))
    assert (b["status"], b["voted"], b["electorate"], b["total"]) == ("counted", 3, 3, 800)
    approvals = {p["id"]: p["approvals"] for p in b["projects"]}
    expected = {
        pid: sum(pid in k for k in VILLAGE_BALLOTS.values()) for pid, _, _ in VILLAGE_PROJECTS
    }
    assert approvals == expected == {"well": 2, "school": 1, "road": 2}
    assert sorted(b["selected"]) == ["road", "well"] and b["cost"] == 800
    assert {p["id"] for p in b["projects"] if p["selected"]} == set(b["selected"])
    assert ok(client.get(f"{API}/budgets", params={"body": "u1"})) == []
    assert [x["id"] for x in ok(client.get(f"{API}/budgets", params={"status": "counted"}))] == [
        "vb"
    ]


def test_open_vote_close_count_and_recount(client_for: Clients, web_db: Database) -> None:
    b = open_u1(client_for)
    assert b["status"] == "open" and b["electorate"] == 5 and b["voted"] == 0
    assert [p["approvals"] for p in b["projects"]] == [None, None, None]  # sealed while open
    receipts = {}
    for voter, approved in BALLOTS.items():
        size = web_db.size()
        r = ok(
            client_for(voter).post(f"{API}/budgets/{b['id']}/ballots", json={"approved": approved}),
            201,
        )
        receipts[voter] = r["receipt"]
        assert web_db.size() == size + 1
    assert ok(client_for(None).get(f"{API}/budgets/{b['id']}"))["voted"] == 5
    # the instance is sealed until the count
    refused(client_for(None).get(f"{API}/budgets/{b['id']}/instance.pb"), 409, "not_open")
    refused(client_for(None).get(f"{API}/budgets/{b['id']}/recount"), 409, "not_open")
    counted = ok(client_for("a1").post(f"{API}/budgets/{b['id']}/close"))
    # Equal Shares with add1 funds the stove alone (see tests/core/test_flow.py)
    assert counted["status"] == "counted" and counted["selected"] == ["stove"]
    assert counted["cost"] == 60
    assert {p["id"]: p["approvals"] for p in counted["projects"]} == {
        "stove": 3,
        "books": 2,
        "bikes": 2,
    }
    text = client_for(None).get(f"{API}/budgets/{b['id']}/instance.pb")
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    instance = parse_pabulib(text.text)
    assert sorted(instance.voter_ids) == sorted(receipts.values())
    mine = {
        v: sorted(instance.project_ids[j] for j in instance.ballot_projects[s:e])
        for v, s, e in zip(
            instance.voter_ids, instance.ballot_start[:-1], instance.ballot_start[1:], strict=True
        )
    }
    assert {m: mine[r] for m, r in receipts.items()} == {m: sorted(k) for m, k in BALLOTS.items()}
    assert list(count_budget(instance, "equal-shares-add1").selected_ids) == ["stove"]
    recount = ok(client_for(None).get(f"{API}/budgets/{b['id']}/recount"))
    assert recount["matches"] is True and recount["selected"] == recount["recorded"] == ["stove"]
    assert recount["ballots"] == 5


def test_a_second_ballot_is_409_and_changes_nothing(client_for: Clients, web_db: Database) -> None:
    b = open_u1(client_for)
    url = f"{API}/budgets/{b['id']}/ballots"
    ok(client_for("a3").post(url, json={"approved": ["stove"]}), 201)
    size = web_db.size()
    refused(client_for("a3").post(url, json={"approved": ["books"]}), 409, "already_voted")
    assert web_db.size() == size


def test_after_the_count_no_ballot_and_no_second_close(
    client_for: Clients, web_db: Database
) -> None:
    b = open_u1(client_for)
    early = client_for("a1").post(f"{API}/budgets/{b['id']}/close")
    assert "runs until" in refused(early, 409, "not_open")  # nobody has voted yet
    past_deadline(web_db, b)
    empty = ok(client_for("a1").post(f"{API}/budgets/{b['id']}/close"))
    assert (empty["status"], empty["selected"], empty["cost"]) == ("counted", [], 0)  # nobody voted
    assert ok(client_for(None).get(f"{API}/budgets/{b['id']}/recount"))["matches"] is True
    refused(
        client_for("a3").post(f"{API}/budgets/{b['id']}/ballots", json={"approved": ["stove"]}),
        409,
        "not_open",
    )
    refused(client_for("a1").post(f"{API}/budgets/{b['id']}/close"), 409, "not_open")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"total": 0}, "total"),
        ({"total": "lots"}, "total"),
        ({"projects": []}, "projects"),
        ({"projects": [{"id": "a b", "name": "Gap", "cost": 5}]}, "projects.0.id"),
        ({"projects": [{"id": "x", "name": "Free", "cost": -3}]}, "projects.0.cost"),
        ({"projects": [{"id": "x", "name": "", "cost": 3}]}, "projects.0.name"),
        ({"rule": "biggest-first"}, "rule"),
        ({"title": ""}, "title"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_budgets_are_422_naming_the_field(
    client_for: Clients, web_db: Database, change: dict[str, Any], field: str
) -> None:
    size = web_db.size()
    body = {"body": "u1", "title": "Fund", "total": 100, "projects": PROJECTS, **change}
    message = refused(client_for("a1").post(f"{API}/budgets", json=body), 422, "invalid_input")
    assert field in message
    assert web_db.size() == size


def test_projects_with_one_id_twice_are_refused(client_for: Clients, web_db: Database) -> None:
    size = web_db.size()
    twice = [PROJECTS[0], {**PROJECTS[1], "id": "stove"}]
    body = {"body": "u1", "title": "Fund", "total": 100, "projects": twice}
    message = refused(client_for("a1").post(f"{API}/budgets", json=body), 422, "invalid_input")
    assert "distinct ids" in message
    assert web_db.size() == size


@pytest.mark.parametrize(
    ("approved", "words"),
    [
        ([], "approved"),
        (["stove", "stove"], "at most once"),
        (["boat"], "from the budget's list"),
    ],
)
def test_bad_ballots_are_422(
    client_for: Clients, web_db: Database, approved: list[str], words: str
) -> None:
    b = open_u1(client_for)
    size = web_db.size()
    r = client_for("a3").post(f"{API}/budgets/{b['id']}/ballots", json={"approved": approved})
    assert words in refused(r, 422, "invalid_input")
    assert web_db.size() == size


def test_unknown_budget_and_body_are_404(client_for: Clients) -> None:
    refused(client_for(None).get(f"{API}/budgets/nope"), 404, "not_found")
    refused(client_for(None).get(f"{API}/budgets/nope/instance.pb"), 404, "not_found")
    body = {"body": "atlantis", "title": "Fund", "total": 100, "projects": PROJECTS}
    refused(client_for("a1").post(f"{API}/budgets", json=body), 404, "not_found")


def test_a_script_opens_and_votes_with_an_api_token(
    client: TestClient, token_for: Callable[[str], str]
) -> None:
    headers = {"Authorization": f"Bearer {token_for('a1')}"}
    body = {"body": "u1", "title": "Fund", "total": 100, "projects": PROJECTS, "rule": "greedy"}
    b = ok(client.post(f"{API}/budgets", json=body, headers=headers), 201)
    assert b["rule"] == "greedy"
    r = client.post(
        f"{API}/budgets/{b['id']}/ballots", json={"approved": ["books"]}, headers=headers
    )
    assert len(ok(r, 201)["receipt"]) == 32


# ---- scoring ballots: points from 0 to a most, per project -------------------------------

POINTS = {
    "a1": {"stove": 5, "books": 1},
    "a2": {"books": 5, "bikes": 4},
    "a3": {"bikes": 5},
    "a4": {"stove": 2, "books": 0},
}


def test_a_scoring_budget_counts_points_and_publishes_them(
    client_for: Clients, web_db: Database
) -> None:
    b = open_u1(client_for, vote_type="scoring", max_points=5, rule="greedy")
    assert (b["vote_type"], b["max_points"]) == ("scoring", 5)
    receipts = {}
    for voter, points in POINTS.items():
        r = client_for(voter).post(f"{API}/budgets/{b['id']}/ballots", json={"points": points})
        receipts[voter] = ok(r, 201)["receipt"]
    past_deadline(web_db, b)  # a5 did not vote: the vote runs to its deadline
    counted = ok(client_for("a1").post(f"{API}/budgets/{b['id']}/close"))
    totals = {
        pid: sum(p.get(pid, 0) for p in POINTS.values()) for pid in ("stove", "books", "bikes")
    }
    assert (
        {p["id"]: p["points"] for p in counted["projects"]}
        == totals
        == {
            "stove": 7,
            "books": 6,
            "bikes": 9,
        }
    )
    # supporters: ballots giving a project at least one point (a4's 0 is not published)
    assert {p["id"]: p["approvals"] for p in counted["projects"]} == {
        "stove": 2,
        "books": 2,
        "bikes": 2,
    }
    # greedy by points: bikes (9, 50), then stove (7, 60) no longer fits, books (6, 30) does
    assert counted["selected"] == ["bikes", "books"] and counted["cost"] == 80
    instance = parse_pabulib(client_for(None).get(f"{API}/budgets/{b['id']}/instance.pb").text)
    assert instance.vote_type == "scoring" and instance.meta["max_points"] == "5"
    assert instance.ballot_points is not None
    start = instance.ballot_start
    published = {
        v: dict(
            zip(
                [
                    instance.project_ids[j]
                    for j in instance.ballot_projects[start[i] : start[i + 1]]
                ],
                instance.ballot_points[start[i] : start[i + 1]].tolist(),
                strict=True,
            )
        )
        for i, v in enumerate(instance.voter_ids)
    }
    assert {m: published[r] for m, r in receipts.items()} == {
        m: {k: n for k, n in p.items() if n} for m, p in POINTS.items()
    }
    assert ok(client_for(None).get(f"{API}/budgets/{b['id']}/recount"))["matches"] is True


@pytest.mark.parametrize(
    ("ballot", "status", "words"),
    [
        ({"points": {"stove": 6}}, 422, "from 0 to 5"),
        ({"points": {"stove": -1}}, 422, "points.stove"),
        ({"points": {"boat": 1}}, 422, "boat is not a project"),
        ({"points": {"stove": 0}}, 422, "at least one project a point"),
        ({"approved": ["stove"]}, 422, "takes points"),
    ],
)
def test_bad_scoring_ballots_are_422(
    client_for: Clients, web_db: Database, ballot: dict[str, Any], status: int, words: str
) -> None:
    b = open_u1(client_for, vote_type="scoring", max_points=5)
    size = web_db.size()
    r = client_for("a3").post(f"{API}/budgets/{b['id']}/ballots", json=ballot)
    assert words in refused(r, status, "invalid_input")
    assert web_db.size() == size


def test_points_on_an_approval_budget_and_bad_scoring_budgets_are_refused(
    client_for: Clients, web_db: Database
) -> None:
    b = open_u1(client_for)
    r = client_for("a3").post(f"{API}/budgets/{b['id']}/ballots", json={"points": {"stove": 1}})
    assert "takes approvals" in refused(r, 422, "invalid_input")
    size = web_db.size()
    base = {"body": "u1", "title": "Fund", "total": 100, "projects": PROJECTS}
    for change, field in (
        ({"vote_type": "scoring"}, "max_points"),
        ({"vote_type": "scoring", "max_points": 0}, "max_points"),
        ({"max_points": 3}, "max_points"),
        ({"vote_type": "cumulative", "max_points": 3}, "vote_type"),
        ({"rule": "greedy-threshold"}, "rule"),
    ):
        r = client_for("a1").post(f"{API}/budgets", json={**base, **change})
        assert field in refused(r, 422, "invalid_input"), change
    assert web_db.size() == size
