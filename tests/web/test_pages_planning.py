"""The planning pages, rendered in process: the period page (declarations, labour values,
the plan, shortages in words, binding capacities, the plan flows picture), the forms
(per-row errors, nothing stored on error, CSRF) and the plan motion's links."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet import actions
from sovet.storage import Database
from sovet.web.charts_planning import FlowEdge, FlowNode, plan_flows

from .conftest import PLAN_PERIOD
from .test_pages import browser_for, csrf_of

PAGE = f"/plans/{PLAN_PERIOD}"


def text_of(html: str) -> str:
    """The words of a page, without tags and pictures."""
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_period_page_is_public(app: FastAPI) -> None:
    c = TestClient(app)
    listing = c.get("/plans")
    assert listing.status_code == 200 and f'href="/plans/{PLAN_PERIOD}"' in listing.text
    assert '<a href="/plans">Plans</a>' in listing.text  # in the navigation
    r = c.get(PAGE)
    assert r.status_code == 200
    words = text_of(r.text)
    for shown in (
        "Putilov Works forge tools 3 50 0.8 steel",
        "hand tools 8 no limit 1 steel",
        "District Soviet grain 500 steel 10 tools 60",
        "Every need can be met",
    ):
        assert shown in words, shown
    # the forge binds at 50 tools; the rest is made by hand
    assert "Putilov Works forge 50 tools" in words
    assert re.search(r"Capacities that bind .* Putilov Works forge 50 tools \d", words)
    values = dict(re.findall(r"<tr><td>(\w+)</td><td class=\"num\">([\d.,]+)</td></tr>", r.text))
    assert set(values) >= {"grain", "steel", "tools"}
    assert float(values["tools"]) > float(values["steel"]) > float(values["grain"]) > 2
    assert 'action="/plans/1918-Q1/propose"' not in r.text  # only for delegates
    assert f"/login?next=%2Fplans%2F{PLAN_PERIOD}" in r.text


def test_the_plan_flows_picture_matches_the_flows_in_words(app: FastAPI) -> None:
    r = TestClient(app).get(PAGE)
    svg = re.search(r'<svg[^>]*class="chart flows".*?</svg>', r.text, flags=re.S)
    assert svg is not None
    rows = re.findall(r"<details>.*?</details>", r.text, flags=re.S)[0].count("<tr><td>")
    assert svg.group(0).count('class="flow"') == rows == 9
    assert 'class="node council"' in svg.group(0) and 'class="node product"' in svg.group(0)
    assert "<title>District Soviet needs 500 grain</title>" in svg.group(0)
    assert "<title>Village makes 532.66 grain</title>" in svg.group(0)


def test_plan_flows_widths_are_proportional_and_labelled() -> None:
    nodes = (
        [FlowNode("m", "Mill <1>", "workplace")],
        [FlowNode("p", "flour", "product")],
        [FlowNode("a", "Bakery", "workplace"), FlowNode("s", "Soviet", "council")],
    )
    edges = [
        FlowEdge("m", "p", 40, "40 flour", "Mill makes 40 flour"),
        FlowEdge("p", "a", 30, "30 flour", "Bakery uses 30 flour"),
        FlowEdge("p", "s", 10, "10 flour", "Soviet needs 10 flour"),
    ]
    svg = plan_flows(*nodes, edges, label="flows", headings=("made by", "product", "used by"))
    widths = [float(w) for w in re.findall(r'<path [^>]*stroke-width="([\d.]+)"', svg)]
    assert widths == [14.0, 10.5, 3.5]  # 40 : 30 : 10
    for label in ("40 flour", "30 flour", "10 flour", "made by", "used by"):
        assert f">{label}</text>" in svg
    assert "Mill &lt;1&gt;" in svg and "<1>" not in svg
    assert svg.count('stroke-dasharray="6 3"') == 1  # the council, told apart without colour


@pytest.mark.parametrize(
    ("tools", "because"),
    [
        (  # the forge makes every tool needed: only the field binds
            "30",
            r"because the capacity of Village \(field, 1,000 units\) binds\.",
        ),
        (  # more tools than the forge makes: by hand, with more steel, so less grain
            "60",
            r"because these capacities bind: Village \(field, 1,000 units\), "
            r"Putilov Works \(forge, 50 units\)\.",
        ),
    ],
)
def test_declaring_needs_past_capacity_explains_the_shortage(
    app: FastAPI, web_db: Database, tools: str, because: str
) -> None:
    a1 = browser_for(app, "a1")
    form = a1.get(f"{PAGE}/needs")
    assert form.status_code == 200 and 'value="500"' in form.text  # the declared needs
    size = web_db.size()
    r = a1.post(
        f"{PAGE}/needs",
        data={
            "csrf_token": csrf_of(form.text),
            "body": "soviet",
            "rows": "4",
            "product-1": "grain",
            "quantity-1": "2000",
            "product-2": "tools",
            "quantity-2": tools,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"{PAGE}?done=needs#needs"
    assert web_db.size() == size + 1
    words = text_of(a1.get(r.headers["location"]).text)
    assert "Your declaration is recorded" in words
    found = re.search(r"Need 2,000 of grain; at most ([\d,.]+) can be made, " + because, words)
    assert found, words
    assert 900 < float(found.group(1).replace(",", "")) < 1000


def test_the_production_form_shows_each_rows_errors_and_stores_nothing(
    app: FastAPI, web_db: Database
) -> None:
    a1 = browser_for(app, "a1")
    form = a1.get(f"{PAGE}/production")
    assert 'value="forge"' in form.text and 'value="hand"' in form.text  # declared rows
    assert "steel = 0.8</textarea>" in form.text
    before = (web_db.size(), dict(web_db.state.declarations))
    bad = {
        "csrf_token": csrf_of(form.text),
        "body": "u1",
        "rows": "4",
        "name-1": "forge",
        "product-1": "tools",
        "labour-1": "-1",
        "name-2": "hand",
        "product-2": "tools",
        "labour-2": "8",
        "capacity-2": "lots",
        "name-3": "press",
        "product-3": "tools",
        "labour-3": "2",
        "inputs-3": "steel",
    }
    r = a1.post(f"{PAGE}/production", data=bad)
    assert r.status_code == 422
    assert "Nothing was stored: please correct the rows marked below." in r.text
    for where, message in (
        ("labour-1", "Labour hours per unit: a number, 0 or more."),
        ("capacity-2", "Capacity: a number, 0 or more, or blank for no limit."),
        ("inputs-3", "Inputs: write each as product = amount per unit"),
    ):
        shown = re.search(rf'<p class="field-error" id="{where}-error">([^<]+)</p>', r.text)
        assert shown is not None and shown.group(1).startswith(message), where
        assert re.search(rf'id="{where}"[^>]*aria-invalid="true"', r.text), where
    assert 'value="-1"' in r.text and 'value="lots"' in r.text  # the entries are kept
    assert 'id="name-1-error"' not in r.text  # a right field has no message
    assert (web_db.size(), dict(web_db.state.declarations)) == before
    good = {**bad, "labour-1": "2,5", "capacity-2": "", "inputs-3": "steel = 0,9"}
    r = a1.post(f"{PAGE}/production", data=good, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert web_db.size() == before[0] + 1
    declared = web_db.state.declarations[f"{PLAN_PERIOD}|u1"]["techniques"]
    assert [(t["name"], t["labour"], t["capacity"], t["inputs"]) for t in declared] == [
        ("forge", "2.5", None, []),
        ("hand", "8", None, []),
        ("press", "2", None, [["steel", "0.9"]]),
    ]


def test_more_rows_stores_nothing(app: FastAPI, web_db: Database) -> None:
    a1 = browser_for(app, "a1")
    form = a1.get(f"{PAGE}/production")
    size = web_db.size()
    r = a1.post(
        f"{PAGE}/production",
        data={"csrf_token": csrf_of(form.text), "body": "u1", "rows": "2", "name-1": "x",
              "more": "1"},
    )  # fmt: skip
    assert r.status_code == 200 and 'id="name-5"' in r.text and 'value="x"' in r.text
    assert web_db.size() == size


@pytest.mark.parametrize(
    ("login", "status", "message"),
    [("b3", 403, "You may not do this"), ("a1", 403, "The form has expired")],
)
def test_a_refused_declaration_changes_nothing(
    app: FastAPI, web_db: Database, login: str, status: int, message: str
) -> None:
    c = browser_for(app, login)
    form = c.get(f"{PAGE}/production?unit=u1")
    token = csrf_of(form.text) if login == "b3" else "wrong"
    before = (web_db.size(), dict(web_db.state.declarations))
    r = c.post(
        f"{PAGE}/production",
        data={"csrf_token": token, "body": "u1", "rows": "1", "name-1": "x", "product-1": "tools",
              "labour-1": "1"},
    )  # fmt: skip
    assert r.status_code == status and message in r.text
    assert (web_db.size(), dict(web_db.state.declarations)) == before


def test_forms_for_those_who_convene_none_say_so(app: FastAPI) -> None:
    assert "Sign in to declare" in TestClient(app).get(f"{PAGE}/production").text
    a3 = browser_for(app, "a3").get(f"{PAGE}/needs")
    assert "Only the convenor of a council declares its needs" in a3.text
    assert 'name="quantity-1"' not in a3.text


def test_proposing_the_plan_links_motion_period_and_ratification(
    app: FastAPI, web_db: Database
) -> None:
    a3 = browser_for(app, "a3")  # not a delegate: no form, and a refusal if posted anyway
    page = a3.get(PAGE)
    assert 'action="/plans/1918-Q1/propose"' not in page.text
    size = web_db.size()
    refused = a3.post(
        f"{PAGE}/propose", data={"csrf_token": csrf_of(page.text), "council": "soviet"}
    )
    assert refused.status_code == 403 and web_db.size() == size
    a1 = browser_for(app, "a1")
    page = a1.get(PAGE)
    assert 'action="/plans/1918-Q1/propose"' in page.text
    r = a1.post(
        f"{PAGE}/propose",
        data={"csrf_token": csrf_of(page.text), "council": "soviet"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/motions/")
    mid = r.headers["location"].rsplit("/", 1)[1]
    assert web_db.size() == size + 1
    motion = a1.get(r.headers["location"]).text
    assert f'href="/plans/{PLAN_PERIOD}"' in motion
    session = actions.open_session(web_db, actor="a1", council="soviet", agenda=["Plan"])
    for member in ("a1", "a2", "b1", "b2", "c1"):
        actions.attend(web_db, actor=member, session=session.id)
    actions.open_voting(web_db, actor="a1", motion=mid)
    for member in ("a1", "a2", "b1", "b2", "c1"):
        actions.vote(web_db, actor=member, motion=mid, choice="yes")
    actions.close_motion(web_db, actor="a1", motion=mid)
    period = TestClient(app).get(PAGE).text
    assert f'href="/motions/{mid}"' in period and f'href="/ratifications/{mid}"' in period
    assert 'class="chart progress"' in period and "Units that ratified: 0 of 3" in period
    listing = text_of(TestClient(app).get("/plans").text)
    assert "proposed awaiting ratification" in listing


@pytest.mark.parametrize("code", ["ru", "el", "ar"])
def test_planning_pages_render_in_every_language(app: FastAPI, code: str) -> None:
    c = browser_for(app, "a1")
    c.get(f"/lang/{code}")
    for url in ("/plans", PAGE, f"{PAGE}/production", f"{PAGE}/needs"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert f'<html lang="{code}"' in r.text
    assert "What the workplaces can make" not in c.get(PAGE).text  # translated


def test_a_period_without_production_says_no_plan_can_be_computed(
    app: FastAPI, web_db: Database
) -> None:
    actions.declare_needs(web_db, actor="a1", council="soviet", period="1918-Q2", needs={"x": 1})
    r = TestClient(app).get("/plans/1918-Q2")
    assert r.status_code == 200
    words = text_of(r.text)
    assert "No plan can be computed from these declarations yet." in words
    assert "no production or no needs declared" in words
    assert "No workplace has declared yet." in words
    assert TestClient(app).get("/plans/1918-Q3").status_code == 404
