"""Forms on a body's page: a convenor admits a member, the convenors are elected (never
handed on), a member leaves by their own decision only, a council's convenor apportions
its seats."""

from __future__ import annotations

from fastapi import FastAPI

from sovet import actions
from sovet.storage import Database
from tests.web.test_pages import browser_for, csrf_of, post_form


def test_convenor_admits_an_existing_member(app: FastAPI, web_db: Database) -> None:
    convenor = browser_for(app, "a1")
    assert "Admit to the unit" in convenor.get("/units/u1").text
    assert "Admit to the unit" not in browser_for(app, "a3").get("/units/u1").text
    size = web_db.size()
    r = post_form(convenor, "/units/u1", "/units/u1/admit", {"member": "b3"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert "b3" in web_db.state.units["u1"].members and web_db.size() == size + 1
    r = post_form(convenor, "/units/u1", "/units/u1/admit", {"member": "nobody"})
    assert r.status_code == 404 and web_db.size() == size + 1  # type: ignore[attr-defined]


def test_a_member_of_another_unit_cannot_admit(app: FastAPI, web_db: Database) -> None:
    other = browser_for(app, "b1")  # convenor of u2, not of u1
    page = other.get("/units/u2")
    size = web_db.size()
    r = other.post("/units/u1/admit", data={"csrf_token": csrf_of(page.text), "member": "b3"})
    assert r.status_code == 403
    assert "b3" not in web_db.state.units["u1"].members and web_db.size() == size


def test_a_member_leaves_and_nobody_else_can_make_them(app: FastAPI, web_db: Database) -> None:
    member = browser_for(app, "a4")
    assert "Leave this unit" in member.get("/units/u1").text
    assert "Leave this unit" not in browser_for(app, "b3").get("/units/u1").text
    size = web_db.size()
    outsider = browser_for(app, "b3")
    r = outsider.post(
        "/units/u1/leave", data={"csrf_token": csrf_of(outsider.get("/units/u2").text)}
    )
    assert r.status_code == 403 and web_db.size() == size
    r = post_form(member, "/units/u1", "/units/u1/leave", {})
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert "a4" not in web_db.state.units["u1"].members and web_db.size() == size + 1


def test_the_convenor_role_is_not_handed_on_but_elected(app: FastAPI, web_db: Database) -> None:
    convenor = browser_for(app, "a1")
    page = convenor.get("/units/u1")
    assert "/bodies/u1/convenors" not in page.text  # the hand-on form is gone
    size = web_db.size()
    r = convenor.post(
        "/bodies/u1/convenors", data={"csrf_token": csrf_of(page.text), "convenors": "a3"}
    )
    assert r.status_code in (404, 405) and web_db.size() == size
    # instead: an election of the office, by the unit's members
    assert "/bodies/u1/elections/new?office=convenor" in page.text
    assert (
        "/bodies/u1/elections/new?office=convenor"
        not in browser_for(app, "a3").get("/units/u1").text
    )
    form = convenor.get("/bodies/u1/elections/new?office=convenor")
    # the office asked for comes first among the seats to fill
    assert form.text.index('value="office:convenor"') < form.text.index('value="committee"')
    r = post_form(
        convenor,
        "/bodies/u1/elections/new?office=convenor",
        "/bodies/u1/elections/new",
        {"target": "office:convenor"},
    )
    assert r.status_code == 303  # type: ignore[attr-defined]
    eid = r.headers["location"].removeprefix("/elections/")  # type: ignore[attr-defined]
    e = web_db.state.elections[eid]
    assert (e.purpose.value, e.office, e.seats) == ("office", "convenor", 1)
    # a3 and a4 stand; voting opens when nominations close, three of five vote
    for candidate in ("a3", "a4"):
        actions.stand(web_db, actor=candidate, election=eid)
    actions.begin_voting(web_db, actor="a1", election=eid, at=e.nominations_close)
    for voter in ("a1", "a3", "a4"):
        actions.cast_ballot(web_db, actor=voter, election=eid, ranking=["a3"])
    deadline = web_db.state.elections[eid].deadline
    actions.close_election(web_db, actor="a1", election=eid, at=deadline)
    assert web_db.state.units["u1"].convenors == frozenset({"a3"})
    page = convenor.get("/units/u1")
    assert "Admit to the unit" not in page.text  # a1 no longer convenes
    officers = page.text.split('id="officers"')[1].split("</section>")[0]
    assert "Member A3" in officers and f'href="/elections/{eid}"' in officers


def test_council_convenor_apportions_the_seats(app: FastAPI, web_db: Database) -> None:
    actions.register_members(
        web_db, actor="operator", rows=[(f"n{i}", f"Newcomer {i}", ["u2"]) for i in range(4)]
    )
    convenor = browser_for(app, "a1")
    assert "Apportion the seats" in convenor.get("/councils/soviet").text
    assert "Apportion the seats" not in browser_for(app, "a2").get("/councils/soviet").text
    size = web_db.size()
    r = post_form(convenor, "/councils/soviet", "/councils/soviet/apportion", {})
    assert r.status_code == 200 and "Seats apportioned" in r.text  # type: ignore[attr-defined]
    assert web_db.size() == size + 1
    # eight members in u2 at one delegate per two members: four seats
    name = web_db.state.body_name("u2")
    assert f"{name}: 4" in r.text  # type: ignore[attr-defined]
    assert f"{web_db.state.body_name('u1')}: 2" in r.text  # type: ignore[attr-defined]
    delegate = browser_for(app, "a2")
    r = post_form(delegate, "/councils/soviet", "/councils/soviet/apportion", {})
    assert r.status_code == 403 and web_db.size() == size + 1  # type: ignore[attr-defined]
