"""The budget pages, rendered in process: the list, the ballot with its running total and
receipt, the convenor's forms (with errors per line), the results chart and the recount,
all public once counted; every form calls the same action as the API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet import actions
from sovet.model import ElectionStatus
from sovet.storage import Database

from .test_pages import browser_for, csrf_of, post_form, unlabelled_controls

PROJECTS_BOX = "stove; New stove; 60\nbooks; Library; 30\nBicycles; 50\n"


def open_by_form(app: FastAPI, web_db: Database) -> str:
    convenor = browser_for(app, "a1")
    size = web_db.size()
    r = post_form(
        convenor,
        "/bodies/u1/budgets/new",
        "/bodies/u1/budgets/new",
        {
            "title": "Canteen fund",
            "total": "100",
            "projects": PROJECTS_BOX,
            "rule": "equal-shares-add1",
        },
    )
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    assert web_db.size() == size + 1
    return r.headers["location"].rsplit("/", 1)[1]  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize("login", [None, "a3"])
@pytest.mark.parametrize(
    "url", ["/budgets", "/budgets?body=v", "/budgets/vb", "/budgets/vb/recount"]
)
def test_budget_pages_are_public(app: FastAPI, url: str, login: str | None) -> None:
    r = browser_for(app, login).get(url)
    assert r.status_code == 200, r.text
    assert "Village fund" in r.text


def test_budgets_are_linked_from_nav_home_and_the_body(client: TestClient, app: FastAPI) -> None:
    assert '<a href="/budgets">Budgets</a>' in client.get("/").text
    village = client.get("/units/v").text
    assert 'href="/budgets/vb"' in village and 'href="/budgets?body=v"' in village
    assert "Open a budget" not in village  # only a convenor sees the form's link
    assert 'href="/bodies/v/budgets/new"' in browser_for(app, "c1").get("/units/v").text
    bid = actions.open_budget(
        app.state.store.db,
        actor="a1",
        body="u1",
        title="Canteen fund",
        total=100,
        projects=[("stove", "New stove", 60)],
    ).id
    home = client.get("/").text
    assert f'href="/budgets/{bid}"' in home and "Canteen fund" in home
    assert f'href="/budgets/{bid}"' in browser_for(app, "a3").get("/me").text  # open to a3
    assert f'href="/budgets/{bid}"' not in browser_for(app, "b3").get("/me").text
    assert 'href="/budgets?body=soviet"' in client.get("/councils/soviet").text
    listed = client.get("/budgets").text
    assert listed.index("Canteen fund") < listed.index("Village fund")  # open, then counted


def test_convenor_opens_member_votes_and_finds_receipt(app: FastAPI, web_db: Database) -> None:
    bid = open_by_form(app, web_db)
    b = web_db.state.budgets[bid]
    assert [(p.id, p.name, p.cost) for p in b.projects] == [
        ("stove", "New stove", 60),
        ("books", "Library", 30),
        ("p3", "Bicycles", 50),
    ]
    voter = browser_for(app, "a3")
    page = voter.get(f"/budgets/{bid}")
    # each project is named in words with its cost; the running total starts at nothing
    for name, cost in (("New stove", 60), ("Library", 30), ("Bicycles", 50)):
        assert f"I approve of {name}, costing {cost}" in page.text
    assert "Ticked: 0 of the budget's 100" in page.text
    token = csrf_of(page.text)
    # without scripts, the reader adds up what they ticked: nothing is cast
    size = web_db.size()
    check = voter.post(
        f"/budgets/{bid}/ballot",
        data={"csrf_token": token, "approve": ["stove", "p3"], "check": "1"},
    )
    assert check.status_code == 200 and web_db.size() == size
    assert "Ticked: 110 of the budget's 100" in check.text
    assert "more than the budget" in check.text
    assert 'value="stove" data-cost="60" checked' in check.text  # the ticks are kept
    r = voter.post(f"/budgets/{bid}/ballot", data={"csrf_token": token, "approve": ["stove"]})
    assert r.status_code == 200 and web_db.size() == size + 1
    receipt = re.search(r'id="receipt" dir="ltr">([0-9a-f]{32})<', r.text)
    assert receipt, r.text
    again = voter.post(f"/budgets/{bid}/ballot", data={"csrf_token": token, "approve": ["books"]})
    assert again.status_code == 409 and "You have already voted here." in again.text
    assert "You have voted on this budget." in voter.get(f"/budgets/{bid}").text
    for member, approved in (("a4", ["books"]), ("a5", ["stove", "books"])):
        c = browser_for(app, member)
        p = c.get(f"/budgets/{bid}")
        c.post(f"/budgets/{bid}/ballot", data={"csrf_token": csrf_of(p.text), "approve": approved})
    deadline = web_db.state.budgets[bid].deadline  # a1 and a2 did not vote: wait for it
    assert deadline is not None
    web_db.clock = lambda: deadline
    r = post_form(browser_for(app, "a1"), f"/budgets/{bid}", f"/budgets/{bid}/close", {})
    assert r.status_code == 303  # type: ignore[attr-defined]
    counted = web_db.state.budgets[bid]
    assert counted.status is ElectionStatus.COUNTED and counted.cost <= 100
    # the receipt goes in a form's body, never in the address (issue 13)
    anyone = TestClient(app)
    page, look = f"/budgets/{bid}", f"/budgets/{bid}/receipt"
    found = post_form(anyone, page, look, {"receipt": receipt.group(1)})
    assert "Found: your ballot approved New stove" in found.text  # type: ignore[attr-defined]
    missing = post_form(anyone, page, look, {"receipt": "0" * 32})
    assert "No published ballot has this receipt." in missing.text  # type: ignore[attr-defined]


def test_results_name_the_funded_in_words_and_recount_matches(client: TestClient) -> None:
    r = client.get("/budgets/vb")
    assert "Money used: 800 of 800 (100%); 0 left over." in r.text
    assert r.text.count('class="approvals funded"') == 2 and r.text.count('class="approvals"') == 1
    # the chart says "funded" in words beside each funded project, not by colour alone
    assert "✓ New well</text>" in r.text and "✓ Road</text>" in r.text
    svg = r.text[r.text.index('class="chart budget"') :]
    assert svg.count(">funded</text>") == 2 and svg.count(">not funded</text>") == 1
    assert re.search(r"<th scope=\"row\">School roof</th><td class=\"num\">1</td>", r.text)
    assert 'href="/api/v1/budgets/vb/instance.pb"' in r.text
    # Equal Shares met a tie between the well and the road and took the cheaper
    assert "the cheaper project went first" in r.text
    recount = client.get("/budgets/vb/recount")
    assert "The recount matches the published result." in recount.text
    assert "New well" in recount.text and "sovet budget vb.pb --rule equal-shares-add1" in (
        recount.text
    )


def test_a_tampered_instance_does_not_match(client: TestClient, app: FastAPI) -> None:
    state = app.state.store.db.state
    b = state.budgets["vb"]
    forged = b.instance.replace(";well,road", ";school,road")  # one ballot changed
    assert forged != b.instance
    from dataclasses import replace

    state.budgets["vb"] = replace(b, instance=forged)
    recount = client.get("/budgets/vb/recount")
    assert "The recount does not match the published result." in recount.text


def test_the_open_form_names_each_bad_line(app: FastAPI, web_db: Database) -> None:
    convenor = browser_for(app, "a1")
    size = web_db.size()
    box = "stove; New stove; 60\nLibrary; 3O\nstove; Second stove; 10\nbad id; X; 5\njust words\n"
    r = post_form(
        convenor,
        "/bodies/u1/budgets/new",
        "/bodies/u1/budgets/new",
        {"title": "Fund", "total": "100", "projects": box, "rule": "greedy"},
    )
    assert r.status_code == 422 and web_db.size() == size  # type: ignore[attr-defined]
    text = r.text  # type: ignore[attr-defined]
    assert "Line 2: the cost “3O” is not a positive whole number." in text
    assert "Line 3: the id “stove” is already used on another line." in text
    assert "Line 4: the id “bad id” may not contain spaces, “;” or “,”." in text
    assert "Line 5: write “id; name; cost” or “name; cost”." in text
    assert "Line 1" not in text
    assert "stove; Second stove; 10" in text  # what was entered is kept
    assert '<option value="greedy" selected>' in text


def test_only_the_convenor_opens_and_closes(app: FastAPI, web_db: Database) -> None:
    member = browser_for(app, "a3")
    size = web_db.size()
    r = post_form(
        member,
        "/bodies/u1/budgets/new",
        "/bodies/u1/budgets/new",
        {"title": "Fund", "total": "100", "projects": PROJECTS_BOX},
    )
    assert r.status_code == 403 and web_db.size() == size  # type: ignore[attr-defined]
    bid = open_by_form(app, web_db)
    assert "Close the vote and count it" not in member.get(f"/budgets/{bid}").text
    size = web_db.size()
    r = post_form(member, f"/budgets/{bid}", f"/budgets/{bid}/close", {})
    assert r.status_code == 403 and web_db.size() == size  # type: ignore[attr-defined]
    page = browser_for(app, "a1").get(f"/budgets/{bid}").text
    assert "Close the vote and count it" not in page and "closes by itself on" in page
    deadline = web_db.state.budgets[bid].deadline  # nobody voted: past its deadline ...
    assert deadline is not None
    web_db.clock = lambda: deadline
    assert "Close the vote and count it" in member.get(f"/budgets/{bid}").text  # ... anyone may


def test_forms_without_csrf_and_anonymous_ballots_change_nothing(
    app: FastAPI, web_db: Database
) -> None:
    bid = open_by_form(app, web_db)
    size = web_db.size()
    voter = browser_for(app, "a3")
    r = voter.post(f"/budgets/{bid}/ballot", data={"approve": ["stove"]})
    assert r.status_code == 403 and "The form has expired" in r.text
    r = browser_for(app, "a1").post(f"/budgets/{bid}/close", data={})
    assert r.status_code == 403
    r = browser_for(app, "a1").post("/bodies/u1/budgets/new", data={"title": "X"})
    assert r.status_code == 403
    anon = TestClient(app)
    page = anon.get(f"/budgets/{bid}")
    assert "Sign in to vote" in page.text and "Cast my ballot" not in page.text
    other = browser_for(app, "b3").get(f"/budgets/{bid}")
    assert "Only the members of Putilov Works vote on this budget." in other.text
    assert web_db.size() == size


def test_an_empty_ballot_is_refused_on_the_page(app: FastAPI, web_db: Database) -> None:
    bid = open_by_form(app, web_db)
    voter = browser_for(app, "a3")
    page = voter.get(f"/budgets/{bid}")
    size = web_db.size()
    r = voter.post(f"/budgets/{bid}/ballot", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 422 and "approve at least one project" in r.text
    assert web_db.size() == size


def test_sealed_until_counted(app: FastAPI, web_db: Database) -> None:
    bid = open_by_form(app, web_db)
    assert TestClient(app).get(f"/budgets/{bid}/recount").status_code == 409


def test_every_budget_control_is_labelled(app: FastAPI, web_db: Database) -> None:
    bid = open_by_form(app, web_db)
    scoring = actions.open_budget(
        web_db,
        actor="a1",
        body="u1",
        title="Points fund",
        total=100,
        projects=[("stove", "New stove", 60)],
        vote_type="scoring",
        max_points=3,
    ).id
    pages = {
        "a3": [f"/budgets/{bid}", f"/budgets/{scoring}"],
        "a1": ["/bodies/u1/budgets/new", f"/budgets/{bid}"],
        None: ["/budgets/vb", "/budgets"],
    }
    for login, urls in pages.items():
        c = browser_for(app, login)
        for url in urls:
            assert unlabelled_controls(c.get(url).text) == [], url


def test_a_points_ballot_on_the_page(app: FastAPI, web_db: Database) -> None:
    convenor = browser_for(app, "a1")
    r = post_form(
        convenor,
        "/bodies/u1/budgets/new",
        "/bodies/u1/budgets/new",
        {
            "title": "Canteen fund",
            "total": "100",
            "projects": PROJECTS_BOX,
            "rule": "greedy",
            "vote_type": "scoring",
            "max_points": "3",
        },
    )
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    bid = r.headers["location"].rsplit("/", 1)[1]  # type: ignore[attr-defined]
    assert (web_db.state.budgets[bid].vote_type, web_db.state.budgets[bid].max_points) == (
        "scoring",
        3,
    )
    voter = browser_for(app, "a3")
    page = voter.get(f"/budgets/{bid}")
    assert "Points for New stove, costing 60" in page.text
    assert 'name="points-stove" min="0" max="3"' in page.text
    token = csrf_of(page.text)
    check = voter.post(
        f"/budgets/{bid}/ballot",
        data={"csrf_token": token, "points-stove": "3", "points-books": "1", "check": "1"},
    )
    assert "Projects given points cost 90 of the budget's 100" in check.text
    size = web_db.size()
    bad = voter.post(f"/budgets/{bid}/ballot", data={"csrf_token": token, "points-stove": "4"})
    assert bad.status_code == 422 and "from 0 to 3" in bad.text and web_db.size() == size
    done = voter.post(
        f"/budgets/{bid}/ballot",
        data={"csrf_token": token, "points-stove": "3", "points-p3": "2"},
    )
    receipt = re.search(r'id="receipt" dir="ltr">([0-9a-f]{32})<', done.text)
    assert receipt and web_db.size() == size + 1
    actions.cast_budget_ballot(web_db, actor="a4", budget_id=bid, points={"books": 3})
    deadline = web_db.state.budgets[bid].deadline
    actions.close_budget(web_db, actor="a1", budget_id=bid, at=deadline)
    look = f"/budgets/{bid}/receipt"
    result: Any = post_form(TestClient(app), f"/budgets/{bid}", look, {"receipt": receipt.group(1)})
    assert "Found: your ballot gave points to New stove (3), Bicycles (2)" in result.text
    assert "points: 3</title>" in result.text and '<th scope="col" class="num">Points</th>' in (
        result.text
    )
    # greedy by points: stove (3, 60) then books (3, 30): a tie in points, both fit
    assert web_db.state.budgets[bid].selected == ("stove", "books")


def test_huge_numbers_on_the_forms_are_refused_not_a_crash(app: FastAPI, web_db: Database) -> None:
    size = web_db.size()
    convenor = browser_for(app, "a1")
    r = post_form(
        convenor,
        "/bodies/u1/budgets/new",
        "/bodies/u1/budgets/new",
        {"title": "Fund", "total": "9" * 5000, "projects": "stove; Stove; " + "9" * 5000},
    )
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "Line 1: the cost" in r.text  # type: ignore[attr-defined]
    r = post_form(
        convenor,
        "/bodies/u1/budgets/new",
        "/bodies/u1/budgets/new",
        {"title": "Fund", "total": "9" * 5000, "projects": PROJECTS_BOX},
    )
    assert r.status_code == 422 and "total" in r.text  # type: ignore[attr-defined]
    assert web_db.size() == size
