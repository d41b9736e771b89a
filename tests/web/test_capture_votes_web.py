"""No capture of a vote through the web: a forwarded ratification answered with a
500 for good, and the operator re-apportioned any council. Both now get the error in
its shape and change nothing."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from sovet import actions
from sovet.model import MotionKind
from sovet.storage import Database

from .test_pages import csrf_of

Clients = Callable[[str | None], TestClient]
API = "/api/v1"
DELEGATES = ("a1", "a2", "b1", "b2", "c1")


def _ratifying(db: Database) -> str:
    """A reserved motion the soviet passed, and u1's motion to ratify it (still open)."""
    session = actions.open_session(db, actor="a1", council="soviet", agenda=[])
    for member in DELEGATES:
        actions.attend(db, actor=member, session=session.id)
    reserved = actions.propose_motion(
        db, actor="a1", body="soviet", title="Plan", text="", kind="reserved", matter="plan"
    )
    actions.open_voting(db, actor="a1", motion=reserved.id)
    for member in DELEGATES:
        actions.vote(db, actor=member, motion=reserved.id, choice="yes")
    actions.close_motion(db, actor="a1", motion=reserved.id)
    decide = actions.propose_motion(
        db,
        actor="a2",
        body="u1",
        title="Ratify the plan",
        text="",
        kind=MotionKind.RATIFICATION,
        payload={"motion": reserved.id},
    )
    return decide.id


def test_forwarding_a_ratification_motion_is_refused_not_a_500(
    client_for: Clients, web_db: Database
) -> None:
    motion = _ratifying(web_db)
    size = web_db.size()
    r = client_for("a1").post(f"{API}/motions/{motion}/forward", json={"to": "u2"})
    assert r.status_code == 403, r.text
    error = r.json()["error"]
    assert error["code"] == "base_protected" and "ratification is not forwarded" in error["message"]
    assert web_db.size() == size
    # and the unit's own ratification vote still works and can be closed
    page = client_for(None).get(f"/motions/{motion}")
    assert page.status_code == 200


def test_the_operator_cannot_apportion_a_council(client_for: Clients, web_db: Database) -> None:
    size = web_db.size()
    operator = client_for("operator")
    r = operator.post(f"{API}/councils/soviet/apportion")
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "forbidden"
    page = operator.get("/councils/soviet")
    r = operator.post(
        "/councils/soviet/apportion",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert web_db.size() == size and "soviet" not in web_db.state.seats
    # the council's own convenor applies the constitution's rule
    r = client_for("a1").post(f"{API}/councils/soviet/apportion")
    assert r.status_code == 200 and r.json() == {"u1": 2, "u2": 2, "v": 1}
