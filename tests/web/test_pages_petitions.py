"""Pages of members' petitions and of factions founded by members, as a person uses them."""

from __future__ import annotations

from fastapi import FastAPI

from sovet import actions
from sovet.model import DemandStatus
from sovet.storage import Database

from .test_pages import browser_for, post_form


def test_delegates_force_a_session_of_the_soviet_from_the_petition_pages(
    app: FastAPI, web_db: Database
) -> None:
    c1 = browser_for(app, "c1")
    r = post_form(
        c1,
        "/bodies/soviet/petitions",
        "/bodies/soviet/petitions",
        {"kind": "session", "title": "Bread", "text": "Grain\nThe mill", "office": ""},
    )
    assert r.status_code == 303  # type: ignore[attr-defined]
    href = r.headers["location"].split("?")[0]  # type: ignore[attr-defined]
    page = c1.get(href)
    assert page.status_code == 200 and "1 of 2 needed" in page.text and "Grain" in page.text
    assert "Sign the petition" not in page.text  # c1 signed it by opening it
    b2 = browser_for(app, "b2")
    r = post_form(b2, href, f"{href}/sign", {})
    assert r.status_code == 303  # type: ignore[attr-defined]
    demand = web_db.state.demands[href.rsplit("/", 1)[1]]
    assert demand.status is DemandStatus.MET
    page = b2.get(href)
    assert f'href="/sessions/{demand.outcome}"' in page.text
    assert "Bread" in b2.get(f"/sessions/{demand.outcome}").text
    listing = b2.get("/bodies/soviet/petitions")
    assert listing.status_code == 200 and href in listing.text


def test_a_member_of_another_unit_is_refused_on_the_page(app: FastAPI, web_db: Database) -> None:
    size = web_db.size()
    b3 = browser_for(app, "b3")
    page = b3.get("/bodies/u1/petitions")
    assert page.status_code == 200 and 'action="/bodies/u1/petitions"' not in page.text
    r = post_form(
        b3, "/bodies/u2/petitions", "/bodies/u1/petitions", {"kind": "motion", "title": "X"}
    )
    assert r.status_code == 403  # type: ignore[attr-defined]
    assert web_db.size() == size


def test_members_found_a_faction_on_its_pages(app: FastAPI, web_db: Database) -> None:
    a3 = browser_for(app, "a3")
    r = post_form(a3, "/factions", "/factions", {"id": "sr", "name": "Left SRs", "short": "LSR"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    page = a3.get("/factions/sr")
    assert "1 of 3 founders" in page.text and "Sign the founding" not in page.text
    for login in ("a4", "c2"):
        member = browser_for(app, login)
        r = post_form(member, "/factions/sr", "/factions/sr/cosign", {})
        assert r.status_code == 303  # type: ignore[attr-defined]
    assert web_db.state.factions["sr"].founders == ("a3", "a4", "c2")
    page = a3.get("/factions/sr")
    assert "Founded by its members" in page.text and "Member C2" in page.text
    assert 'href="/factions/sr"' in a3.get("/factions").text
    op = browser_for(app, "operator")
    size = web_db.size()
    r = post_form(op, "/factions", "/factions", {"id": "x", "name": "X", "short": "X"})
    assert r.status_code in (403, 404)  # type: ignore[attr-defined]
    assert web_db.size() == size
    actions.set_faction(web_db, actor="a5", faction="sr")
    assert "Member A5" in a3.get("/factions/sr").text


def test_an_assembly_convened_by_petition_has_its_page(app: FastAPI, web_db: Database) -> None:
    d = actions.open_demand(web_db, actor="a3", body="u1", kind="session", title="Wages")
    assert d.status is DemandStatus.MET and d.outcome is not None
    actions.attend(web_db, actor="a4", session=d.outcome)
    page = browser_for(app, "a3").get(f"/sessions/{d.outcome}")
    assert page.status_code == 200 and "Wages" in page.text and "Member A4" in page.text
