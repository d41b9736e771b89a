"""Browser journeys through the economy: the production plan read and proposed, its
declarations without JavaScript at phone width, and a participatory budget voted on,
counted, found by receipt and recounted, with JavaScript and without."""

from __future__ import annotations

from typing import Any

import pytest

from sovet import actions
from sovet.model import MotionStatus
from sovet.storage import Database

from .browser import (
    LANGS,
    Server,
    check_direction,
    no_sideways_scroll,
    num,
    open_page,
    shot,
    sign_in,
    tr,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", LANGS)
def test_council_convenor_reads_the_plan_and_proposes_it(
    chromium: Any, server: Server, lang: str
) -> None:
    from .conftest import PLAN_PERIOD

    page = open_page(chromium, server, lang)
    sign_in(page, "a1")
    page.click('header nav a[href="/plans"]')
    page.wait_for_url("**/plans")
    page.click(f'main a[href="/plans/{PLAN_PERIOD}"]')
    page.wait_for_url(f"**/plans/{PLAN_PERIOD}")
    check_direction(page, lang)
    assert page.locator("h1").inner_text() == tr(lang, "Plan for %(period)s", period=PLAN_PERIOD)
    assert page.locator("svg.flows g.flow").count() == 9  # the plan flows picture
    binding = page.locator("#plan table").nth(1).inner_text()
    assert "forge" in binding and "Putilov Works" in binding  # the forge's capacity binds
    shot(page, f"plan-period-{lang}")
    page.select_option("#council", "soviet")
    page.click("#propose button[type=submit]")
    page.wait_for_url("**/motions/**")
    motion = server.db.state.motions[page.url.rsplit("/", 1)[1]]
    assert (motion.matter, motion.payload["period"]) == ("plan", PLAN_PERIOD)
    assert motion.status is MotionStatus.OPEN
    link = page.locator(f'main a[href="/plans/{PLAN_PERIOD}"]')
    assert link.inner_text() == tr(
        lang,
        "The production plan for %(period)s: declarations, targets and shortages",
        period=PLAN_PERIOD,
    )
    link.click()
    page.wait_for_url(f"**/plans/{PLAN_PERIOD}")
    assert page.locator(f'#motions a[href="/motions/{motion.id}"]').count() == 1
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_planning_pages_fit_a_phone_and_work_without_javascript(
    chromium: Any, server: Server, lang: str
) -> None:
    from .conftest import PLAN_PERIOD

    page = open_page(chromium, server, lang, js=False, phone=True)
    page.goto(f"/plans/{PLAN_PERIOD}")
    check_direction(page, lang)
    no_sideways_scroll(page)
    shot(page, f"phone-plan-{lang}")
    sign_in(page, "a1")
    page.goto(f"/plans/{PLAN_PERIOD}/production")
    no_sideways_scroll(page)
    page.fill("#labour-1", "-1")
    page.click("form.declare button[type=submit]:not([name])")
    error = page.locator("#labour-1-error")
    assert error.inner_text().endswith(tr(lang, "Labour hours per unit: a number, 0 or more."))
    no_sideways_scroll(page)
    shot(page, f"phone-plan-production-error-{lang}")
    declared = server.db.state.declarations[f"{PLAN_PERIOD}|u1"]["techniques"]
    assert declared[0]["labour"] == "3"  # nothing stored
    page.fill("#labour-1", "2,5")
    page.click("form.declare button[type=submit]:not([name])")
    page.wait_for_url(f"**/plans/{PLAN_PERIOD}?done=production*")
    assert server.db.state.declarations[f"{PLAN_PERIOD}|u1"]["techniques"][0]["labour"] == "2.5"


def canteen_budget(db: Database) -> str:
    b = actions.open_budget(
        db,
        actor="a1",
        body="u1",
        title="Canteen fund",
        total=100,
        projects=[("stove", "New stove", 60), ("books", "Library", 30), ("bikes", "Bicycles", 50)],
    )
    return b.id


@pytest.mark.parametrize("lang", LANGS)
def test_member_votes_in_a_budget_then_reads_the_result(
    chromium: Any, server: Server, lang: str
) -> None:
    bid = canteen_budget(server.db)
    page = open_page(chromium, server, lang)
    sign_in(page, "a3")
    page.goto("/units/u1#budgets")
    page.click(f'main a[href="/budgets/{bid}"]')
    page.wait_for_url(f"**/budgets/{bid}")
    check_direction(page, lang)
    # each project named in words with its cost, and the running total follows the ticks
    label = page.locator('label[for="approve-stove"]').inner_text()
    assert (
        tr(lang, "I approve of %(name)s, costing %(cost)s", name="New stove", cost=num(lang, 60))
        == label
    )
    page.check("#approve-stove")
    page.check("#approve-bikes")
    running = page.locator("#running")
    assert num(lang, 110) in running.inner_text()
    assert tr(lang, "more than the budget: not all can be funded") in running.inner_text()
    page.uncheck("#approve-bikes")
    page.check("#approve-books")
    assert num(lang, 90) in running.inner_text()
    assert tr(lang, "more than the budget: not all can be funded") not in running.inner_text()
    shot(page, f"budget-ballot-{lang}")
    page.click("form.ballot button:not([name])")
    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt) == 32
    assert sorted(k for _, k in server.db.sealed_ballots(bid)) == [("stove", "books")]
    shot(page, f"budget-receipt-{lang}")
    for member, approved in (("a4", ["bikes"]), ("a5", ["stove"]), ("a2", ["books", "bikes"])):
        actions.cast_budget_ballot(server.db, actor=member, budget_id=bid, approved=approved)
    deadline = server.db.state.budgets[bid].deadline  # a1 did not vote
    actions.close_budget(server.db, actor="a1", budget_id=bid, at=deadline)
    counted = server.db.state.budgets[bid]
    page.goto(f"/budgets/{bid}")
    # the chart marks each funded project with the word, beside the name
    funded = tr(lang, "funded")
    figure = page.locator("svg.budget")
    assert figure.locator("rect.approvals.funded").count() == len(counted.selected)
    assert figure.locator("text", has_text=funded).count() >= len(counted.selected)
    page.fill("#find-receipt", receipt)
    page.press("#find-receipt", "Enter")
    notice = page.locator("#ballots ~ .notice")
    assert "New stove" in notice.inner_text() and "Library" in notice.inner_text()
    shot(page, f"budget-result-{lang}")
    page.click(f'a[href="/budgets/{bid}/recount"]')
    page.wait_for_url("**/recount")
    assert page.locator(".notice").inner_text().strip() == tr(
        lang, "The recount matches the published result."
    )
    page.context.close()
    # the result is public, and fits a phone
    phone = open_page(chromium, server, lang, phone=True)
    for url in (f"/budgets/{bid}", "/budgets", f"/budgets/{bid}/recount"):
        phone.goto(url)
        check_direction(phone, lang)
        no_sideways_scroll(phone)
    shot(phone, f"phone-budget-{lang}")
    phone.context.close()


def test_budget_ballot_adds_up_and_casts_without_javascript(chromium: Any, server: Server) -> None:
    bid = canteen_budget(server.db)
    page = open_page(chromium, server, "en", js=False, phone=True)
    sign_in(page, "a4")
    page.goto(f"/budgets/{bid}")
    page.check("#approve-stove")
    page.check("#approve-bikes")
    page.click('form.ballot button[name="check"]')  # the server adds up
    page.wait_for_selector("#running.over")
    assert "Ticked: 110 of the budget's 100" in page.locator("#running").inner_text()
    assert page.locator("#approve-bikes").is_checked()  # the ticks are kept
    no_sideways_scroll(page)
    page.uncheck("#approve-bikes")
    page.click("form.ballot button:not([name])")
    assert len(page.locator("#receipt").inner_text().strip()) == 32
    assert sorted(k for _, k in server.db.sealed_ballots(bid)) == [("stove",)]
    shot(page, "budget-no-js-en")
    page.context.close()
