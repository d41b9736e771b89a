"""The planning API on the small federation of conftest.py (period 1918-Q1: the village
grows grain, Obukhov makes steel, Putilov makes tools by forge or by hand)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sovet.storage import Database
from tests.core.test_flow import unit_decides

from .conftest import PLAN_PERIOD

Clients = Callable[[str | None], TestClient]
API = "/api/v1"
PLANS = f"{API}/plans/{PLAN_PERIOD}"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def refused(response: Any, status: int, *words: str) -> str:
    """The error message of a refusal with ``status`` that names every one of ``words``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False
    message: str = body["error"]["message"]
    for word in words:
        assert word in message, (word, message)
    return message


def test_periods_and_declarations_are_public(client: TestClient) -> None:
    [period] = ok(client.get(f"{API}/plans"))
    assert period == {
        "period": PLAN_PERIOD,
        "workplaces": 3,
        "councils": 1,
        "products": ["tools", "steel", "grain"],
        "adopted_by": None,
        "motions": [],
    }
    detail = ok(client.get(PLANS))
    by_unit = {w["workplace"]: w for w in detail["production"]}
    assert by_unit["u1"]["name"] == "Putilov Works"
    assert by_unit["u1"]["techniques"] == [
        {"name": "forge", "product": "tools", "labour": "3", "capacity": "50",
         "inputs": {"steel": "0.8"}},
        {"name": "hand", "product": "tools", "labour": "8", "capacity": None,
         "inputs": {"steel": "1"}},
    ]  # fmt: skip
    assert detail["needs"] == [
        {
            "council": "soviet",
            "name": "District Soviet",
            "needs": {"grain": "500", "steel": "10", "tools": "60"},
        }
    ]
    assert detail["plan_motions"] == [] and detail["ratifications"] == []
    refused(client.get(f"{API}/plans/1999"), 404, "1999")
    refused(client.get(f"{API}/plans/bad%7Cperiod"), 422, "period")


def test_the_plan_is_computed_live_and_balances(client: TestClient) -> None:
    plan = ok(client.get(f"{PLANS}/plan"))
    assert plan["status"] == "optimal" and plan["unmet"] == []
    made: dict[str, float] = {}
    used: dict[str, float] = {}
    for t in plan["targets"]:
        made[t["product"]] = made.get(t["product"], 0.0) + float(t["quantity"])
        for p, a in t["inputs"].items():
            used[p] = used.get(p, 0.0) + float(a)
    for product, need in plan["needs"].items():  # net output meets every need
        assert made[product] - used.get(product, 0.0) >= float(need) - 1e-5
    total = sum(float(t["labour"]) for t in plan["targets"])
    assert float(plan["labour"]) == pytest.approx(total, rel=1e-6)
    # the forge (3 h and 0.8 steel per tool) runs at its capacity of 50; the rest by hand
    forge = next(t for t in plan["targets"] if t["technique"] == "forge")
    hand = next(t for t in plan["targets"] if t["technique"] == "hand")
    assert float(forge["quantity"]) == pytest.approx(50)
    assert float(hand["quantity"]) > 0
    [binding] = plan["binding"]
    assert (binding["workplace"], binding["technique"], binding["capacity"]) == (
        "u1",
        "forge",
        "50",
    )
    values = {p: float(v) for p, v in plan["labour_values"].items()}
    # values of the cheapest techniques: v = l + A v
    assert values["grain"] == pytest.approx(2 + 0.01 * values["tools"], rel=1e-6)
    assert values["steel"] == pytest.approx(5 + 0.5 * values["grain"], rel=1e-6)
    assert values["tools"] == pytest.approx(3 + 0.8 * values["steel"], rel=1e-6)
    # one more unit of forge capacity saves a tool by hand (8 h + 1 steel against 3 h + 0.8
    # steel), priced at the margin, where tools are made by hand: t = 8 + s, s = 5 + g/2,
    # g = 2 + t/100, so s = 6.04 / 0.995
    steel = 6.04 / 0.995
    saving = (8 + steel) - (3 + 0.8 * steel)
    assert float(binding["shadow_price"]) == pytest.approx(saving, rel=1e-6)


def test_an_unmeetable_need_is_reported_with_what_binds(
    client_for: Clients, web_db: Database
) -> None:
    ok(client_for("a1").post(f"{PLANS}/needs", json={"council": "soviet", "needs": {
        "grain": 2000, "steel": "10", "tools": "60"}}), 201)  # fmt: skip
    plan = ok(client_for(None).get(f"{PLANS}/plan"))
    assert plan["status"] == "infeasible"
    [short] = plan["unmet"]
    assert short["product"] == "grain" and short["needed"] == "2000"
    assert float(short["available"]) + float(short["short"]) == pytest.approx(2000)
    # the field can make 1000, of which the steel for the works eats a part
    assert 900 < float(short["available"]) < 1000
    # the field binds first; the forge too (a tool by hand costs more steel, so more grain)
    causes = [(c["workplace"], c["technique"]) for c in short["causes"]]
    assert causes == [("v", "field"), ("u1", "forge")]
    field_price, forge_price = (float(c["shadow_price"]) for c in short["causes"])
    assert field_price > forge_price > 0
    assert ("v", "field") in {(b["workplace"], b["technique"]) for b in plan["binding"]}
    field = next(t for t in plan["targets"] if t["technique"] == "field")
    assert float(field["quantity"]) == pytest.approx(1000)


def test_declaring_production_replaces_the_units_declaration(
    client_for: Clients, web_db: Database
) -> None:
    size = web_db.size()
    detail = ok(
        client_for("a1").post(
            f"{PLANS}/production",
            json={
                "unit": "u1",
                "techniques": [
                    {"name": "press", "product": "tools", "labour": 2.5, "capacity": "70",
                     "inputs": {"steel": 0.9}},
                ],
            },
        ),
        201,
    )  # fmt: skip
    assert web_db.size() == size + 1
    u1 = next(w for w in detail["production"] if w["workplace"] == "u1")
    assert u1["techniques"] == [
        {"name": "press", "product": "tools", "labour": "2.5", "capacity": "70",
         "inputs": {"steel": "0.9"}}
    ]  # fmt: skip
    plan = ok(client_for(None).get(f"{PLANS}/plan"))
    assert {t["technique"] for t in plan["targets"]} == {"press", "furnace", "field"}


def _technique(**change: Any) -> dict[str, Any]:
    t: dict[str, Any] = {"name": "forge", "product": "tools", "labour": "3", "inputs": {}}
    t.update(change)
    return t


@pytest.mark.parametrize(
    ("techniques", "words"),
    [
        ([_technique(labour="-1")], ["technique 1 (forge)", "labour", "-1"]),
        ([_technique(capacity="lots")], ["technique 1 (forge)", "capacity", "lots"]),
        ([_technique(labour="1e20")], ["technique 1 (forge)", "labour", "too large"]),
        ([_technique(inputs={"steel": "x"})], ["technique 1 (forge)", "input steel"]),
        ([_technique(inputs={"tools": "1.5"})], ["technique 1 (forge)", "input tools"]),
        ([_technique(), _technique()], ["technique 2 (forge)", "forge"]),
        ([_technique(product=" ")], ["technique 1 (forge)", "product"]),
        ([_technique(labour=True)], ["techniques.0.labour"]),
        ([{"name": "forge", "labour": 3}], ["techniques.0.product"]),
        ([], ["techniques"]),
    ],
)
def test_bad_production_is_refused_naming_technique_and_field(
    client_for: Clients, web_db: Database, techniques: list[dict[str, Any]], words: list[str]
) -> None:
    before = (web_db.size(), dict(web_db.state.declarations))
    response = client_for("a1").post(
        f"{PLANS}/production", json={"unit": "u1", "techniques": techniques}
    )
    refused(response, 422, *words)
    assert (web_db.size(), dict(web_db.state.declarations)) == before


def test_production_only_for_a_producing_unit_and_a_sound_period(client_for: Clients) -> None:
    a1 = client_for("a1")
    body = {"unit": "soviet", "techniques": [_technique()]}
    refused(a1.post(f"{PLANS}/production", json=body), 422, "soviet", "producing unit")
    body = {"unit": "u1", "techniques": [_technique()]}
    refused(a1.post(f"{API}/plans/{'x' * 51}/production", json=body), 422, "period")
    refused(a1.post(f"{API}/plans/nope/production", json={**body, "unit": "ghost"}), 404)


def test_declaring_needs(client_for: Clients, web_db: Database) -> None:
    a1 = client_for("a1")
    size = web_db.size()
    for needs, words in (
        ({"grain": "abc"}, ["need for grain", "abc"]),
        ({"grain": -3}, ["need for grain", "-3"]),
        ({"": 3}, ["needs", "at least 1 character"]),
        ({}, ["needs"]),
    ):
        refused(a1.post(f"{PLANS}/needs", json={"council": "soviet", "needs": needs}), 422, *words)
    refused(
        client_for("c1").post(f"{PLANS}/needs", json={"council": "soviet", "needs": {"a": 1}}),
        403,
        "convenor",
    )
    assert web_db.size() == size
    detail = ok(
        a1.post(f"{API}/plans/1918-Q2/needs", json={"council": "soviet", "needs": {"bread": 7}}),
        201,
    )
    assert detail["needs"][0]["needs"] == {"bread": "7"} and detail["production"] == []
    # needs of a product nobody makes: the plan names it rather than guessing
    refused(client_for(None).get(f"{API}/plans/1918-Q2/plan"), 422, "1918-Q2")


def test_a_plan_naming_an_input_nobody_makes_is_refused(client_for: Clients) -> None:
    body = {"unit": "u1", "techniques": [_technique(inputs={"coal": "2"})]}
    ok(client_for("a1").post(f"{PLANS}/production", json=body), 201)
    refused(client_for(None).get(f"{PLANS}/plan"), 422, "'coal'", "made by no workplace")


def _assembly_ratifies(db: Database, motion: str, unit: str, convenor: str) -> None:
    """The unit's assembly votes, every member yes, to ratify ``motion``."""
    unit_decides(db, motion, unit, convenor, sorted(db.state.units[unit].members), "yes")


def test_the_proposed_plan_is_a_motion_the_base_ratifies(
    client_for: Clients, web_db: Database
) -> None:
    refused(client_for("a1").post(f"{API}/plans/1999/proposal", json={"council": "soviet"}), 422)
    session = ok(client_for("a1").post(f"{API}/sessions", json={"council": "soviet"}), 201)
    for member in ("a1", "a2", "b1", "b2", "c1"):
        ok(client_for(member).post(f"{API}/sessions/{session['id']}/attendance"))
    motion = ok(client_for("a1").post(f"{PLANS}/proposal", json={"council": "soviet"}), 201)
    assert (motion["kind"], motion["matter"], motion["body"]) == ("reserved", "plan", "soviet")
    assert motion["payload"]["period"] == PLAN_PERIOD
    assert motion["payload"]["effect"] == "adopt-plan"
    mid = motion["id"]
    assert ok(client_for(None).get(f"{API}/plans"))[0]["motions"] == [mid]
    ok(client_for("a1").post(f"{API}/motions/{mid}/voting"))
    for member in ("a1", "a2", "b1", "b2", "c1"):
        ok(client_for(member).post(f"{API}/motions/{mid}/votes", json={"choice": "yes"}), 201)
    assert ok(client_for("a1").post(f"{API}/motions/{mid}/close"))["status"] == "ratifying"
    detail = ok(client_for(None).get(PLANS))
    assert detail["adopted_by"] is None
    assert [r["motion"] for r in detail["ratifications"]] == [mid]
    for unit, convenor in (("u1", "a1"), ("u2", "b1")):
        _assembly_ratifies(web_db, mid, unit, convenor)
    detail = ok(client_for(None).get(PLANS))
    assert detail["adopted_by"] == mid
    assert detail["ratifications"][0]["status"] == "ratified"
    assert detail["plan_motions"][0]["status"] == "ratified"
