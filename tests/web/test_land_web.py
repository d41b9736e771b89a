"""Land and housing on the web: the JSON API (list, get, divide by the unit's convenor
only), the pages (public reading, the division with its figures and chart, the
convenor's form with per-line errors and nothing stored on error)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet import actions
from sovet.storage import Database

from .test_pages import browser_for, csrf_of

API = "/api/v1"
# Illustrative fields and households of the village v (convenor c1): not historical.
BODY = {
    "unit": "v",
    "title": "Spring fields",
    "parcels": [
        {"id": "north", "area": "12", "quality": "1"},
        {"id": "river", "area": "6", "quality": "3/2"},
        {"id": "hill", "area": "10.5", "quality": "2/3"},
    ],
    "households": [
        {"name": "Ivanovs", "eaters": 6, "workers": 2},
        {"name": "Petrovs", "eaters": 4, "workers": 3},
        {"name": "Sidorovs", "eaters": 2, "workers": 1},
    ],
}


def divided(db: Database, cut: str = "whole") -> str:
    d = actions.divide_land(
        db,
        actor="c1",
        unit="v",
        title="Spring fields",
        parcels=[(p["id"], p["area"], p["quality"]) for p in BODY["parcels"]],  # type: ignore[index,union-attr]
        households=[(h["name"], h["eaters"], h["workers"]) for h in BODY["households"]],  # type: ignore[index,union-attr]
        cut=cut,
        division_id="land-1",
    )
    return d.id


def test_the_units_convenor_divides_through_the_api(
    client_for: Callable[[str | None], TestClient], web_db: Database
) -> None:
    c1 = client_for("c1")
    size = web_db.size()
    r = c1.post(f"{API}/land", json=BODY)
    assert r.status_code == 201, r.text
    data = r.json()
    assert web_db.size() == size + 1
    assert (data["norm"], data["cut"], data["envy"], data["proportionality"]) == (
        "per_eater",
        "blocks",
        "0",
        "1",
    )
    assert [h["per_head"] for h in data["households"]] == ["7/3", "7/3", "7/3"]
    assert data["recompute"] == {"matches": True, "differences": []}
    anyone = client_for(None)
    listed = anyone.get(f"{API}/land", params={"unit": "v"}).json()
    assert [d["id"] for d in listed] == [data["id"]]
    assert anyone.get(f"{API}/land/{data['id']}").json()["shares"] == data["shares"]
    assert anyone.get(f"{API}/land/nothing").status_code == 404


def test_the_api_refuses_floats_bad_numbers_and_a_council(
    client_for: Callable[[str | None], TestClient], web_db: Database
) -> None:
    c1, a1 = client_for("c1"), client_for("a1")
    size = web_db.size()
    floats = {**BODY, "parcels": [{"id": "north", "area": 12.5, "quality": "1"}]}
    assert c1.post(f"{API}/land", json=floats).status_code == 422
    bad = {**BODY, "parcels": [{"id": "north", "area": "12,5", "quality": "1"}]}
    r = c1.post(f"{API}/land", json=bad)
    assert r.status_code == 422
    assert r.json()["error"]["message"] == (
        "parcel 'north': area: '12,5' is not a number (write 12, 12.5 or 25/2)"
    )
    r = a1.post(f"{API}/land", json={**BODY, "unit": "v"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "base_protected"
    r = a1.post(f"{API}/land", json={**BODY, "unit": "soviet"})
    assert r.status_code == 403 and "is a council" in r.json()["error"]["message"]
    assert web_db.size() == size


def test_the_division_page_is_public_and_explains_the_figures(
    app: FastAPI, web_db: Database
) -> None:
    division = divided(web_db)
    page = TestClient(app).get(f"/land/{division}")
    assert page.status_code == 200
    text = page.text
    # whole parcels: envy 3/2, proportionality 6/7 (Ivanovs get 12 of their 14)
    assert "3/2 ≈ 1.5" in text and "6/7 ≈ 0.86" in text
    assert "largest gap in effective land" in text
    assert "The household that fared worst received this share" in text
    assert "the same shares and figures" in text
    assert text.count('class="bar"') == 3 and text.count('class="entitlement"') == 3
    assert "Ivanovs" in text and "north" in text and "Member C1" in text
    listing = TestClient(app).get("/land").text
    assert f'href="/land/{division}"' in listing
    unit = TestClient(app).get("/units/v").text
    assert f'href="/land/{division}"' in unit
    assert "/units/v/land/new" not in unit  # the form is offered to the convenor only
    ru = TestClient(app).get(f"/land/{division}", headers={"Accept-Language": "ru"}).text
    assert "Зависть" in ru


def test_the_convenors_form_divides_and_names_every_bad_line(
    app: FastAPI, web_db: Database
) -> None:
    c1 = browser_for(app, "c1")
    assert "/units/v/land/new" in c1.get("/units/v").text
    page = c1.get("/units/v/land/new")
    assert page.status_code == 200
    size = web_db.size()
    bad = {
        "csrf_token": csrf_of(page.text),
        "title": "Spring fields",
        "parcels": "north, 12, 1\nriver, six, 1\nhill\n",
        "households": "Ivanovs, 6, 2\nPetrovs, 4, 5x\n",
        "cut": "blocks",
    }
    r = c1.post("/units/v/land/new", data=bad, follow_redirects=False)
    assert r.status_code == 422
    assert "parcels: line 2: area: &#39;six&#39; is not a number" in r.text
    assert "parcels: line 3: expected parcel,area,quality, got 1 fields" in r.text
    assert "households: line 2: workers: &#39;5x&#39; is not a whole number" in r.text
    assert "river, six, 1" in r.text  # what was typed is kept
    assert web_db.size() == size
    good = {
        **bad,
        "csrf_token": csrf_of(r.text),
        "parcels": "north, 12\nriver, 6, 3/2\n",
        "households": "Ivanovs, 6, 2\nPetrovs, 3, 3\n",
    }
    r = c1.post("/units/v/land/new", data=good, follow_redirects=False)
    assert r.status_code == 303
    assert web_db.size() == size + 1
    d = web_db.state.land[r.headers["location"].removeprefix("/land/")]
    assert sum(Fraction(a) for _, a in d.received) == 21  # 12 + 6 × 3/2


def test_another_units_convenor_is_refused_on_the_form(app: FastAPI, web_db: Database) -> None:
    b1 = browser_for(app, "b1")
    page = b1.get("/units/v/land/new")
    size = web_db.size()
    r = b1.post(
        "/units/v/land/new",
        data={
            "csrf_token": csrf_of(page.text),
            "title": "Taking the village's land",
            "parcels": "north, 12, 1",
            "households": "Ivanovs, 6, 2",
        },
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert web_db.size() == size and web_db.state.land == {}
