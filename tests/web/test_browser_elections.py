"""Browser journeys through elections and recall: signing in, ranked, approval and
list ballots and their receipts, a recount anyone can run, recalling one's delegate, and
voting with the keyboard alone. Shared helpers are in ``browser.py``, the fixtures in
``conftest.py``; screenshots go to test-output/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from sovet import actions
from sovet.model import PetitionStatus

from ..elections import open_vote
from .browser import (
    LANGS,
    Server,
    check_direction,
    counted_election,
    mandate_of,
    open_page,
    ranked_election,
    shot,
    sign_in,
    tr,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", LANGS)
def test_member_signs_in_and_sees_units_and_councils(
    chromium: Any, server: Server, lang: str
) -> None:
    page = open_page(chromium, server, lang)
    sign_in(page, "a3")
    check_direction(page, lang)
    assert page.locator("h1").inner_text() == "Member A3"
    assert page.get_by_role("heading", name=tr(lang, "My units")).is_visible()
    assert page.locator('main a[href="/units/u1"]').is_visible()
    assert page.locator('main a[href="/councils/soviet"]').is_visible()
    shot(page, f"me-{lang}")
    page.click('main a[href="/councils/soviet"]')
    page.wait_for_url("**/councils/soviet")
    assert page.locator("svg.hemicycle circle.seat").count() == 5
    shot(page, f"council-{lang}")
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_ranked_ballot_receipt_is_found_among_published_ballots(
    chromium: Any, server: Server, lang: str
) -> None:
    eid = ranked_election(server.db)
    page = open_page(chromium, server, lang)
    sign_in(page, "a3")
    page.goto(f"/elections/{eid}")
    assert "Bread and peace" in page.locator("main").inner_text()  # a2's statement
    # every option named in words: the label of each select says whose preference it is
    label = page.locator('label[for="rank-a4"]').inner_text()
    assert "Member A4" in label
    shot(page, f"ballot-ranked-{lang}")
    page.select_option("#rank-a4", "1")
    page.select_option("#rank-a2", "2")
    page.click("form.ballot button[type=submit]")
    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt) == 32
    shot(page, f"receipt-{lang}")
    for member in ("a1", "a2"):
        actions.cast_ballot(server.db, actor=member, election=eid, ranking=["a5"])
    deadline = server.db.state.elections[eid].deadline
    actions.close_election(server.db, actor="a1", election=eid, at=deadline)
    page.goto(f"/elections/{eid}")
    page.fill("#find-receipt", receipt)
    page.press("#find-receipt", "Enter")
    page.wait_for_selector("tr.mine")
    mine = page.locator("tr.mine")
    assert mine.count() == 1 and receipt in mine.inner_text()
    assert "Member A4" in mine.inner_text() and "Member A2" in mine.inner_text()
    assert page.locator("svg.stages g.stage").count() >= 1
    shot(page, f"published-ballots-{lang}")
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_approval_and_list_ballots(chromium: Any, server: Server, lang: str) -> None:
    # the constitution of the test federation: u2's committee by approval, v's by plurality
    approval = open_vote(
        server.db, "u2", "u2", ["b1", "b2", "b3", "b4"], convenor="b1", purpose="committee"
    ).id
    single = open_vote(
        server.db, "v", "v", ["c1", "c2", "c3"], convenor="c1", purpose="committee"
    ).id
    page = open_page(chromium, server, lang)
    sign_in(page, "b3")
    page.goto(f"/elections/{approval}")
    assert page.locator('input[type=checkbox][name="approve"]').count() == 4
    assert "Member B4" in page.locator('label[for="approve-b4"]').inner_text()
    page.check("#approve-b2")
    page.check("#approve-b4")
    shot(page, f"ballot-approval-{lang}")
    page.click("form.ballot button[type=submit]")
    assert len(page.locator("#receipt").inner_text().strip()) == 32
    page.context.close()
    page = open_page(chromium, server, lang)
    sign_in(page, "c2")
    page.goto(f"/elections/{single}")
    assert page.locator('input[type=radio][name="choice"]').count() == 3
    page.check("#choice-c3")
    shot(page, f"ballot-list-{lang}")
    page.click("form.ballot button[type=submit]")
    page.wait_for_selector("#receipt")
    boxes = {e: sorted(k for _, k in server.db.sealed_ballots(e)) for e in (approval, single)}
    assert boxes == {approval: [("b2", "b4")], single: [("c3",)]}
    assert "b3" in server.db.state.elections[approval].voters
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_member_recalls_their_own_delegate(chromium: Any, server: Server, lang: str) -> None:
    mandate = mandate_of(server.db, "a2")
    page = open_page(chromium, server, lang)
    sign_in(page, "a3")
    page.click(f'main a[href="/delegates/{mandate}#recall"]')
    page.fill("#reason", "Did not report back to the assembly")
    shot(page, f"recall-form-{lang}")
    page.click("#recall ~ form button[type=submit]")
    page.wait_for_url("**/recalls/**")
    assert page.locator(".notice").inner_text().strip() == tr(
        lang, "The petition is open, with your signature as the first."
    )
    shot(page, f"recall-petition-{lang}")
    petitions = [p for p in server.db.state.petitions.values() if p.mandate == mandate]
    assert len(petitions) == 1 and "a3" in petitions[0].signatures
    assert petitions[0].status is PetitionStatus.VOTING  # one of five reaches 1/5
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_anyone_recounts_a_closed_election(chromium: Any, server: Server, lang: str) -> None:
    eid = counted_election(server.db)
    page = open_page(chromium, server, lang)
    page.goto("/elections")
    page.click(f'main a[href="/elections/{eid}"]')
    page.wait_for_url(f"**/elections/{eid}")
    blt_href = page.locator('a[href$="ballots.blt"]').get_attribute("href")
    blt = page.request.get(blt_href)
    assert blt.status == 200
    published = len(server.db.state.elections[eid].ballots_published)
    lines = blt.text().splitlines()
    assert sum(int(line.split()[0]) for line in lines[1 : lines.index("0")]) == published
    page.click(f'a[href="/elections/{eid}/recount"]')
    page.wait_for_url("**/recount")
    assert page.locator(".notice").inner_text().strip() == tr(
        lang, "The recount matches the published result."
    )
    shot(page, f"recount-{lang}")
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_keyboard_alone_signs_in_and_votes(chromium: Any, server: Server, lang: str) -> None:
    eid = ranked_election(server.db)
    page = open_page(chromium, server, lang)
    page.goto("/")
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent.trim()")
    assert first == tr(lang, "Skip to content")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible

    def tab_to(selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
            page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {selector}")

    tab_to('a[href^="/login"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/login**")
    assert page.evaluate("document.activeElement.id") == "login"  # autofocus
    page.keyboard.type("a3")
    page.keyboard.press("Tab")
    page.keyboard.type("pw-a3")
    page.keyboard.press("Enter")
    page.wait_for_url("**/me")
    tab_to(f'a[href="/elections/{eid}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/elections/{eid}")
    tab_to("#rank-a5")
    page.keyboard.press("ArrowDown")  # the first number: preference 1
    tab_to("#rank-a3")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # preference 2
    tab_to("form.ballot button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#receipt")
    assert server.db.sealed_ballots(eid)[0][1] == ("a5", "a3")
    shot(page, f"keyboard-receipt-{lang}")
    page.context.close()
