"""The page forms that carry a motion on: amendments and the convenor's decision,
forwarding, binding instructions, a unit's ratification motion, constitution
amendments, and closing a ratification whose period is over. Each form calls the same
action as the API (one ledger entry), and a refused one changes nothing."""

from __future__ import annotations

from urllib.parse import unquote

from fastapi import FastAPI

from sovet import actions
from sovet.model import MotionKind, MotionStatus, RatificationStatus
from sovet.storage import Database
from tests.web.test_pages import _reserved_motion_passed, browser_for, post_form


def _unit_motion(db: Database) -> str:
    m = actions.propose_motion(
        db, actor="a3", body="u1", title="Canteen open at night", text="Open the canteen."
    )
    return m.id


def test_member_amends_and_the_convenor_accepts_with_the_new_text(
    app: FastAPI, web_db: Database
) -> None:
    mid = _unit_motion(web_db)
    member = browser_for(app, "a4")
    page = member.get(f"/motions/{mid}")
    assert "Propose an amendment" in page.text
    assert "The body accepts this amendment" not in page.text  # not a convenor
    size = web_db.size()
    r = post_form(member, f"/motions/{mid}", f"/motions/{mid}/amend", {"text": "Also on Sundays"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert web_db.size() == size + 1
    (amendment,) = web_db.state.motions[mid].amendments
    assert amendment.text == "Also on Sundays" and amendment.proposed_by == "a4"

    convenor = browser_for(app, "a1")
    assert "The body accepts this amendment" in convenor.get(f"/motions/{mid}").text
    r = post_form(
        convenor,
        f"/motions/{mid}",
        f"/motions/{mid}/amendments/{amendment.id}/decide",
        {"decision": "accept", "new_text": "Open the canteen, on Sundays too."},
    )
    assert r.status_code == 303  # type: ignore[attr-defined]
    m = web_db.state.motions[mid]
    assert m.amendments[0].status == "accepted"
    assert m.text == "Open the canteen, on Sundays too."
    assert web_db.size() == size + 2


def test_a_plain_member_cannot_decide_an_amendment(app: FastAPI, web_db: Database) -> None:
    mid = _unit_motion(web_db)
    aid = actions.amend_motion(web_db, actor="a4", motion=mid, text="Never")
    size = web_db.size()
    member = browser_for(app, "a3")
    r = post_form(
        member, f"/motions/{mid}", f"/motions/{mid}/amendments/{aid}/decide", {"decision": "accept"}
    )
    assert r.status_code == 403  # type: ignore[attr-defined]
    assert web_db.size() == size
    assert web_db.state.motions[mid].amendments[0].status == "proposed"


def test_an_empty_amendment_or_decision_is_refused_by_field(app: FastAPI, web_db: Database) -> None:
    mid = _unit_motion(web_db)
    size = web_db.size()
    member = browser_for(app, "a4")
    r = post_form(member, f"/motions/{mid}", f"/motions/{mid}/amend", {"text": "  "})
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "text: write the amendment" in r.text  # type: ignore[attr-defined]
    aid = actions.amend_motion(web_db, actor="a4", motion=mid, text="x")
    convenor = browser_for(app, "a1")
    r = post_form(
        convenor, f"/motions/{mid}", f"/motions/{mid}/amendments/{aid}/decide", {"decision": "?"}
    )
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "decision: accept or reject" in r.text  # type: ignore[attr-defined]
    assert web_db.size() == size + 1


def test_the_convenor_forwards_a_motion_to_the_council(app: FastAPI, web_db: Database) -> None:
    mid = _unit_motion(web_db)
    convenor = browser_for(app, "a1")
    page = convenor.get(f"/motions/{mid}")
    assert "Send this motion on to another body" in page.text
    assert "Send this motion on" not in browser_for(app, "a3").get(f"/motions/{mid}").text
    size = web_db.size()
    r = post_form(convenor, f"/motions/{mid}", f"/motions/{mid}/forward", {"to": "soviet"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    new = unquote(r.headers["location"].removeprefix("/motions/"))  # type: ignore[attr-defined]
    forwarded = web_db.state.motions[new]
    assert forwarded.body == "soviet" and forwarded.forwarded_from == mid
    assert web_db.size() == size + 1
    assert browser_for(app, "a2").get(f"/motions/{new}").status_code == 200
    # forwarding to the body itself is refused and changes nothing
    other = _unit_motion(web_db)
    size = web_db.size()
    r = post_form(convenor, f"/motions/{other}", f"/motions/{other}/forward", {"to": "u1"})
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "a motion is forwarded to another body" in r.text  # type: ignore[attr-defined]
    assert web_db.size() == size


def test_a_member_binds_their_delegates_from_the_council_motion(
    app: FastAPI, web_db: Database
) -> None:
    council_motion = actions.propose_motion(
        web_db, actor="a2", body="soviet", title="Eight-hour day", text=""
    ).id
    member = browser_for(app, "a3")
    page = member.get(f"/motions/{council_motion}")
    link = f"/bodies/u1/motions/new?kind=instruction&amp;motion={council_motion}"
    assert link in page.text
    # another unit's member is offered their own unit, not u1
    assert (
        "/bodies/u2/motions/new?kind=instruction"
        in browser_for(app, "b3").get(f"/motions/{council_motion}").text
    )
    form = member.get(link.replace("&amp;", "&"))
    assert 'value="instruction" selected' in form.text and "Eight-hour day" in form.text
    size = web_db.size()
    data = {"title": "Our delegates vote yes", "kind": "instruction", "motion": council_motion}
    r = post_form(member, "/bodies/u1/motions/new", "/bodies/u1/motions/new", data)
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "position: an instruction is yes, no or abstain" in r.text  # type: ignore[attr-defined]
    assert web_db.size() == size
    r = post_form(
        member, "/bodies/u1/motions/new", "/bodies/u1/motions/new", {**data, "position": "yes"}
    )
    assert r.status_code == 303  # type: ignore[attr-defined]
    m = web_db.state.motions[r.headers["location"].removeprefix("/motions/")]  # type: ignore[attr-defined]
    assert m.kind is MotionKind.INSTRUCTION and m.body == "u1"
    assert m.payload == {"motion": council_motion, "position": "yes"}
    assert web_db.size() == size + 1


def test_a_unit_puts_its_ratification_motion_from_the_ratification_page(
    app: FastAPI, web_db: Database
) -> None:
    mid = _reserved_motion_passed(web_db)
    member = browser_for(app, "a3")
    page = member.get(f"/ratifications/{mid}")
    assert f"/bodies/u1/motions/new?kind=ratification&amp;motion={mid}" in page.text
    assert "/bodies/u2/motions/new?kind=ratification" not in page.text
    assert "Close the ratification as failed" not in page.text  # the period is not over
    r = post_form(
        member,
        f"/bodies/u1/motions/new?kind=ratification&motion={mid}",
        "/bodies/u1/motions/new",
        {"title": "Ratify: Peace now", "kind": "ratification", "motion": mid},
    )
    assert r.status_code == 303  # type: ignore[attr-defined]
    m = web_db.state.motions[r.headers["location"].removeprefix("/motions/")]  # type: ignore[attr-defined]
    assert m.kind is MotionKind.RATIFICATION and m.payload == {"motion": mid}
    # the unit's assembly votes it through; the ratification records u1's yes
    actions.open_voting(web_db, actor="a1", motion=m.id)
    for voter in ("a1", "a2", "a3", "a4", "a5"):
        actions.vote(web_db, actor=voter, motion=m.id, choice="yes")
    actions.close_motion(web_db, actor="a1", motion=m.id)
    assert web_db.state.motions[m.id].status is MotionStatus.PASSED
    assert dict(web_db.state.ratifications[mid].decisions) == {"u1": True}
    assert (
        "/bodies/u1/motions/new?kind=ratification" not in member.get(f"/ratifications/{mid}").text
    )


def test_an_overdue_ratification_is_closed_from_its_page(app: FastAPI, web_db: Database) -> None:
    mid = _reserved_motion_passed(web_db)
    member = browser_for(app, "b3")
    size = web_db.size()
    r = post_form(member, f"/ratifications/{mid}", f"/ratifications/{mid}/expire", {})
    assert r.status_code == 409  # type: ignore[attr-defined]
    assert web_db.size() == size
    assert web_db.state.ratifications[mid].status is RatificationStatus.PENDING
    web_db.clock = lambda: "2027-12-31T00:00:00Z"
    assert "Close the ratification as failed" in member.get(f"/ratifications/{mid}").text
    r = post_form(member, f"/ratifications/{mid}", f"/ratifications/{mid}/expire", {})
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert web_db.state.ratifications[mid].status is not RatificationStatus.PENDING
    assert web_db.size() == size + 1


def test_a_constitution_amendment_is_checked_before_it_is_put(
    app: FastAPI, web_db: Database
) -> None:
    delegate = browser_for(app, "a2")
    text = web_db.state.rules().text
    size = web_db.size()
    data = {"title": "Longer terms", "kind": "constitution-amendment"}
    r = post_form(
        delegate,
        "/bodies/soviet/motions/new",
        "/bodies/soviet/motions/new",
        {**data, "constitution": "[defaults\nbroken"},
    )
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert web_db.size() == size
    r = post_form(
        delegate,
        "/bodies/soviet/motions/new",
        "/bodies/soviet/motions/new",
        {**data, "constitution": text.replace("version = 1", "version = 2", 1)},
    )
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    m = web_db.state.motions[r.headers["location"].removeprefix("/motions/")]  # type: ignore[attr-defined]
    assert m.kind is MotionKind.AMENDMENT and m.payload["effect"] == "amend-constitution"
    assert web_db.size() == size + 1
