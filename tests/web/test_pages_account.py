"""The account page (faction, password, API tokens), the operator's page and the
founding page: each form does what the API does, a refused one says which field and
changes nothing, only the operator has the operator's page, and the operator founds no
body and names no convenor: members found units, convenors found councils."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet import actions
from sovet.storage import Database
from sovet.storage import accounts as store_accounts
from tests.web.test_pages import browser_for, csrf_of, post_form


def test_member_chooses_a_faction_and_it_is_logged(app: FastAPI, web_db: Database) -> None:
    member = browser_for(app, "a3")
    page = member.get("/account")
    assert page.status_code == 200 and "Save my faction" in page.text
    size = web_db.size()
    r = post_form(member, "/account", "/account/faction", {"faction": "men"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert web_db.state.members["a3"].faction == "men"
    assert web_db.size() == size + 1
    r = post_form(member, "/account", "/account/faction", {"faction": "nobody"})
    assert r.status_code == 404  # type: ignore[attr-defined]
    assert web_db.state.members["a3"].faction == "men" and web_db.size() == size + 1
    r = post_form(member, "/account", "/account/faction", {"faction": ""})
    assert web_db.state.members["a3"].faction is None


def test_password_change_ends_other_sessions_and_checks_the_repeat(
    app: FastAPI, web_db: Database
) -> None:
    first = browser_for(app, "a3")
    other = browser_for(app, "a3")
    r = post_form(
        first, "/account", "/account/password", {"password": "long-enough-1", "repeat": "x"}
    )
    assert r.status_code == 422 and "repeat: the two passwords differ" in r.text  # type: ignore[attr-defined]
    r = post_form(first, "/account", "/account/password", {"password": "short", "repeat": "short"})
    assert r.status_code == 422 and "password:" in r.text  # type: ignore[attr-defined]
    assert other.get("/account").status_code == 200  # nothing changed yet
    new = "a-new-password-3"
    r = post_form(first, "/account", "/account/password", {"password": new, "repeat": new})
    assert r.status_code == 200 and "Your password is changed" in r.text  # type: ignore[attr-defined]
    assert first.get("/account").status_code == 200  # this session goes on
    assert other.get("/account", follow_redirects=False).status_code == 303  # the other ended
    fresh = TestClient(app)
    login = fresh.post("/api/v1/auth/login", json={"login": "a3", "password": new})
    assert login.status_code == 200


def test_a_token_is_shown_once_works_and_can_be_revoked(app: FastAPI, web_db: Database) -> None:
    member = browser_for(app, "a3")
    r = post_form(member, "/account", "/account/tokens", {"name": "my script"})
    text = r.text  # type: ignore[attr-defined]
    token = text.split('class="mono receipt">')[1].split("<")[0]
    assert token.startswith("sovet_")
    script = TestClient(app)
    me = script.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["account"]["member"] == "a3"
    page = member.get("/account")
    assert token not in page.text and "my script" in page.text  # shown only once
    (stored,) = store_accounts.list_tokens(web_db, store_accounts.account_by_login(web_db, "a3").id)  # type: ignore[union-attr]
    r = member.post(
        f"/account/tokens/{stored.token_hash[:16]}/revoke",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    again = script.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401


def test_only_the_operator_has_the_operator_page(app: FastAPI) -> None:
    assert browser_for(app, "a1").get("/operator").status_code == 403
    assert TestClient(app).get("/operator", follow_redirects=False).status_code == 303
    page = browser_for(app, "operator").get("/operator")
    assert page.status_code == 200 and "Give a member an account" in page.text
    assert "Instance operator" in page.text
    assert "Found a base unit" not in page.text and "first convenors" not in page.text
    assert "Register a faction" not in page.text  # members found factions


def test_the_operator_founds_no_body_and_names_no_convenor(app: FastAPI, web_db: Database) -> None:
    op = browser_for(app, "operator")
    size = web_db.size()
    for form, data in (
        ("/operator/units", {"id": "tram-depot", "name": "Tram Depot", "kind": "workplace"}),
        ("/operator/councils", {"id": "t", "name": "T", "level": "x", "constituents": "u1"}),
        ("/operator/convenors", {"body": "u1", "convenors": "a3"}),
    ):
        r = post_form(op, "/operator", form, data)
        assert r.status_code == 404  # type: ignore[attr-defined]
    r = post_form(
        op, "/operator", "/found/unit", {"id": "tram-depot", "name": "Tram", "kind": "workplace"}
    )
    assert r.status_code == 403 and "founds no body" in r.text  # type: ignore[attr-defined]
    assert web_db.size() == size and "tram-depot" not in web_db.state.units


def test_members_found_a_unit_elect_its_convenor_and_found_a_council(
    app: FastAPI, web_db: Database
) -> None:
    a3 = browser_for(app, "a3")
    page = a3.get("/found")
    assert page.status_code == 200 and "Found a base unit" in page.text
    assert "you convene no body" in page.text  # a3 convenes nothing: no council form
    r = post_form(
        a3,
        "/found",
        "/found/unit",
        {"id": "tram-depot", "name": "Tram Depot", "kind": "workplace", "place": "Vyborg side",
         "founders": ["a4", "b3"]},
    )  # fmt: skip
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    unit = web_db.state.units["tram-depot"]
    assert unit.members == frozenset({"a3", "a4", "b3"}) and unit.convenors == frozenset()
    page = a3.get("/units/tram-depot")
    assert "No officers yet" in page.text
    assert "/bodies/tram-depot/elections/new?office=convenor" in page.text  # any founder opens
    r = post_form(
        browser_for(app, "b3"),
        "/bodies/tram-depot/elections/new?office=convenor",
        "/bodies/tram-depot/elections/new",
        {"target": "office:convenor"},
    )
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    eid = r.headers["location"].removeprefix("/elections/")  # type: ignore[attr-defined]
    # a3 stands on the election's page, a4 too; voting opens when nominations close
    r = post_form(a3, f"/elections/{eid}", f"/elections/{eid}/stand", {"statement": ""})
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    actions.stand(web_db, actor="a4", election=eid)
    close = web_db.state.elections[eid].nominations_close
    actions.begin_voting(web_db, actor="b3", election=eid, at=close)
    for voter in ("a3", "a4", "b3"):
        actions.cast_ballot(web_db, actor=voter, election=eid, ranking=["a3"])
    actions.close_election(web_db, actor="b3", election=eid)  # every founder has voted
    assert web_db.state.elections[eid].elected == ("a3",)
    officers = a3.get("/units/tram-depot").text.split('id="officers"')[1]
    assert "Member A3" in officers and f'href="/elections/{eid}"' in officers
    # a3 now convenes the depot and founds a council with it; u2 is invited
    r = post_form(
        a3,
        "/found",
        "/found/council",
        {"id": "transport", "name": "Transport Council", "level": "industrial",
         "constituents": ["tram-depot", "u2"]},
    )  # fmt: skip
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    council = web_db.state.councils["transport"]
    assert council.constituents == ("tram-depot",) and council.invited == ("u2",)
    assert "Join this council as" not in a3.get("/councils/transport").text
    b1 = browser_for(app, "b1")  # u2's convenor takes it in
    assert "Join this council as Obukhov Works" in b1.get("/councils/transport").text
    r = post_form(b1, "/councils/transport", "/councils/transport/join", {"constituent": "u2"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert web_db.state.councils["transport"].constituents == ("tram-depot", "u2")


def test_operator_forms_refuse_bad_input_by_field(app: FastAPI, web_db: Database) -> None:
    op = browser_for(app, "operator")
    size = web_db.size()
    r = post_form(
        browser_for(app, "a3"),
        "/found",
        "/found/unit",
        {"id": "Bad Id", "name": "x", "kind": "workplace"},
    )
    assert r.status_code == 422 and "id:" in r.text  # type: ignore[attr-defined]
    r = op.post("/operator/factions", data={"id": "f", "name": "F", "short": "F"})
    assert r.status_code in (403, 404)  # the operator has no faction form: members found them
    assert web_db.size() == size


def test_operator_gives_a_member_an_account_and_resets_a_password(
    app: FastAPI, web_db: Database
) -> None:
    actions.register_members(web_db, actor="operator", rows=[("d1", "Newcomer D1", ["u2"])])
    op = browser_for(app, "operator")
    before = len(store_accounts.list_accounts(web_db))
    size = web_db.size()
    r = post_form(
        op,
        "/operator",
        "/operator/accounts",
        {"member": "d1", "login": "a3", "password": "long-password"},
    )
    assert r.status_code == 422 and "is taken" in r.text  # type: ignore[attr-defined]
    assert len(store_accounts.list_accounts(web_db)) == before
    r = post_form(
        op,
        "/operator",
        "/operator/accounts",
        {"member": "d1", "login": "newcomer", "password": "long-password"},
    )
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    signed = TestClient(app).post(
        "/api/v1/auth/login", json={"login": "newcomer", "password": "long-password"}
    )
    assert signed.status_code == 200 and signed.json()["account"]["member"] == "d1"
    r = post_form(
        op, "/operator", "/operator/password", {"login": "a3", "password": "reset-by-op-1"}
    )
    assert r.status_code == 200  # type: ignore[attr-defined]
    assert (
        TestClient(app)
        .post("/api/v1/auth/login", json={"login": "a3", "password": "reset-by-op-1"})
        .status_code
        == 200
    )
    # the sign-ins are the instance's, but what the operator did to them is public
    assert web_db.size() == size + 2
    events = [h.kind for r in web_db.state.accounts.values() for h in r.history]
    assert events == ["created", "password_reset"]


def test_a_member_cannot_use_the_operator_forms(app: FastAPI, web_db: Database) -> None:
    member = browser_for(app, "a1")
    size = web_db.size()
    page = member.get("/account")
    r = member.post(  # a member making itself an operator account
        "/operator/accounts",
        data={
            "csrf_token": csrf_of(page.text),
            "operator": "yes",
            "login": "x",
            "password": "taken-over-1",
        },
    )
    assert r.status_code == 403
    r = member.post("/operator/suspend", data={"csrf_token": csrf_of(page.text), "login": "a3"})
    assert r.status_code == 403
    r = member.post(
        "/operator/password",
        data={"csrf_token": csrf_of(page.text), "login": "a3", "password": "taken-over-1"},
    )
    assert r.status_code == 403
    assert web_db.size() == size
    assert store_accounts.account_by_login(web_db, "x") is None
    assert not store_accounts.account_by_login(web_db, "a3").disabled  # type: ignore[union-attr]
    assert (
        TestClient(app)
        .post("/api/v1/auth/login", json={"login": "a3", "password": "taken-over-1"})
        .status_code
        == 401
    )


def test_every_control_on_the_account_and_operator_pages_is_labelled(app: FastAPI) -> None:
    from tests.web.test_pages import unlabelled_controls

    for login, url in (
        ("a3", "/account"),
        ("operator", "/operator"),
        ("a1", "/account"),
        ("a1", "/found"),
    ):
        html = browser_for(app, login).get(url).text
        assert "<select" in html
        assert unlabelled_controls(html) == [], url
