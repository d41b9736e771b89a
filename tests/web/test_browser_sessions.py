"""Browser journeys through sessions, motions and the ledger: following a session live,
a roll call without JavaScript, a convenor opening an election, a session and a motion,
the signed head and an inclusion proof; and the pages at phone width and in every language."""

from __future__ import annotations

import time
from typing import Any

import pytest

from sovet import actions
from sovet.model import ElectionStatus, MotionStatus

from .browser import (
    LANGS,
    PHONE,
    Server,
    check_direction,
    counted_election,
    mandate_of,
    no_sideways_scroll,
    num,
    open_page,
    ranked_election,
    shot,
    sign_in,
    sitting,
    tr,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", LANGS)
def test_follow_a_session_live(chromium: Any, server: Server, lang: str) -> None:
    session, motion = sitting(server.db, ["a1", "a2", "b1", "b2"])
    page = open_page(chromium, server, lang)
    sign_in(page, "a3")
    page.goto(f"/sessions/{session}")
    page.wait_for_selector("html[data-live-connected]")
    assert "Bread" in page.locator("main ol").first.inner_text()
    assert "Member B1" not in page.locator("#rollcalls").inner_text()
    time.sleep(0.5)  # the stream starts at the end of the log
    actions.vote(server.db, actor="b1", motion=motion, choice="no")
    actions.request_floor(server.db, actor="b2", session=session)
    # without reloading, the roll call and the speaker list catch up (waited for by
    # selector: the page's CSP forbids the eval a wait_for_function would need)
    page.wait_for_selector("#rollcalls:has-text('Member B1')", timeout=15_000)
    page.wait_for_selector("#speakers:has-text('Member B2')", timeout=15_000)
    assert tr(lang, "no") in page.locator("#rollcalls").inner_text()
    shot(page, f"session-live-{lang}")
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_delegate_votes_by_roll_call_without_javascript(
    chromium: Any, server: Server, lang: str
) -> None:
    session, motion = sitting(server.db, ["a1", "a2", "b1", "b2"])
    page = open_page(chromium, server, lang, js=False)
    sign_in(page, "a2")
    page.goto(f"/motions/{motion}")
    legend = page.locator("form fieldset legend").inner_text()
    assert legend == tr(lang, "Your roll-call vote (public: your constituents will see it)")
    page.check("#choice-yes")
    page.click('form[action$="/vote"] button[type=submit]')
    page.locator("#roll-call", has_text="Member A2").wait_for()
    assert dict(server.db.state.motions[motion].roll_call) == {"a2": "yes"}
    # without JavaScript the session page shows the news after a reload
    watcher = open_page(chromium, server, lang, js=False)
    watcher.goto(f"/sessions/{session}")
    actions.vote(server.db, actor="b1", motion=motion, choice="no")
    time.sleep(2.5)
    assert "Member B1" not in watcher.locator("#rollcalls").inner_text()
    watcher.reload()
    assert "Member B1" in watcher.locator("#rollcalls").inner_text()
    shot(watcher, f"session-nojs-{lang}")
    # and the constituents read how their delegate voted
    actions.vote(server.db, actor="a1", motion=motion, choice="yes")
    deadline = server.db.state.motions[motion].deadline  # b2 and c1 did not vote
    actions.close_motion(server.db, actor="a1", motion=motion, at=deadline)
    assert server.db.state.motions[motion].status is MotionStatus.PASSED
    reader = open_page(chromium, server, lang, js=False)
    sign_in(reader, "a3")
    reader.goto(f"/delegates/{mandate_of(server.db, 'a2')}")
    row = reader.locator("tr", has_text="Eight-hour day")
    assert tr(lang, "yes") in row.inner_text()
    shot(reader, f"delegate-record-{lang}")
    for p in (page, watcher, reader):
        p.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_convenor_opens_an_election_a_session_and_a_motion(
    chromium: Any, server: Server, lang: str
) -> None:
    page = open_page(chromium, server, lang)
    sign_in(page, "a1")
    page.goto("/units/u1")
    page.click('a[href="/bodies/u1/elections/new"]')
    page.select_option("#target", "committee")
    shot(page, f"open-election-{lang}")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/elections/e-*")
    opened = [
        e for e in server.db.state.elections.values() if e.status is ElectionStatus.NOMINATING
    ]
    assert len(opened) == 1 and (opened[0].seats, opened[0].method) == (7, "scottish-stv")
    # the convenor stands like any member, with a statement; nobody else is added
    page.fill("#statement", "Two more years")
    page.click('form[action$="/stand"] button[type=submit]')
    page.wait_for_selector('form[action$="/withdraw"]')
    nominations = server.db.state.elections[opened[0].id].nominations
    assert [(n.member, n.statement) for n in nominations] == [("a1", "Two more years")]
    page.goto("/councils/soviet")
    page.click('a[href="/councils/soviet/sessions/new"]')
    page.fill("#agenda", "Bread\nLand")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/sessions/**")
    session = page.url.rsplit("/", 1)[1]
    assert server.db.state.sessions[session].agenda == ("Bread", "Land")
    for member in ("a1", "a2", "b1"):  # a vote opens only with the quorum present
        actions.attend(server.db, actor=member, session=session)
    page.click('a[href="/bodies/soviet/motions/new"]')
    page.fill("#title", "All land to the land committees")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/motions/**")
    page.click('form[action$="/open-voting"] button')
    page.wait_for_selector("p.deadline")  # no "Close the vote" until all voted or the deadline
    motion = server.db.state.motions[page.url.rsplit("/", 1)[1]]
    assert motion.status is MotionStatus.VOTING and motion.title.startswith("All land")
    shot(page, f"motion-voting-{lang}")
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_ledger_head_and_inclusion_proof(chromium: Any, server: Server, lang: str) -> None:
    page = open_page(chromium, server, lang)
    page.goto("/ledger")
    assert page.locator("#head .notice").inner_text().strip() == tr(
        lang, "The signature of this head is valid for the public key above."
    )
    shot(page, f"ledger-{lang}")
    page.locator('a[href^="/ledger/"]').nth(3).click()
    page.wait_for_url("**/ledger/*")
    size = server.db.size()
    assert page.locator(".notice").inner_text().strip() == tr(
        lang, "This entry is included in the signed tree of %(n)s entries.", n=num(lang, size)
    )
    assert page.locator("ol.mono li").count() >= 1
    shot(page, f"inclusion-proof-{lang}")
    page.context.close()


PHONE_PAGES = [
    ("home", "/"),
    ("council", "/councils/soviet"),
    ("elections", "/elections"),
    ("ledger", "/ledger"),
    ("units", "/units"),
]


@pytest.mark.parametrize("lang", LANGS)
def test_pages_fit_a_phone(chromium: Any, server: Server, lang: str) -> None:
    eid = counted_election(server.db)
    ballot = ranked_election(server.db)
    session, motion = sitting(server.db, ["a1", "a2", "b1"])
    more = [
        ("election", f"/elections/{eid}"),
        ("entry", "/ledger/5"),
        ("delegate", f"/delegates/{mandate_of(server.db, 'a1')}"),
        ("session", f"/sessions/{session}"),
        ("motion", f"/motions/{motion}"),
        ("constitution", "/constitution"),
        ("apportionment", "/apportionment"),
    ]
    page = open_page(chromium, server, lang, phone=True)
    for name, url in [*PHONE_PAGES, *more]:
        page.goto(url)
        check_direction(page, lang)
        no_sideways_scroll(page)
        shot(page, f"phone-{name}-{lang}")
    sign_in(page, "a3")
    page.goto(f"/elections/{ballot}")
    no_sideways_scroll(page)
    shot(page, f"phone-ballot-{lang}")
    if lang == "ar":  # mirrored: the account links sit at the left end of the header
        brand = page.locator("header .brand").bounding_box()
        assert brand is not None and brand["x"] > PHONE["width"] / 2
    page.context.close()


def test_language_links_switch_and_remember(chromium: Any, server: Server) -> None:
    page = open_page(chromium, server, "en")
    page.goto("/councils/soviet")
    page.click('nav.langs a[hreflang="ar"]')
    page.wait_for_selector('html[lang="ar"]')
    check_direction(page, "ar")
    page.goto("/elections")
    check_direction(page, "ar")  # remembered in a cookie
    page.click('nav.langs a[hreflang="ru"]')
    page.locator("h1", has_text="Выборы").wait_for()
    page.click('nav.langs a[hreflang="el"]')
    page.locator("h1", has_text="Εκλογές").wait_for()
    assert page.url.endswith("/elections")
    page.context.close()
