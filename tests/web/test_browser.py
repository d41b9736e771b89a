"""The journeys a person takes, in a real Chromium against a real uvicorn server, in
English and in Arabic; one with JavaScript off, one with the keyboard alone, and the
pages at phone width. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from sovet import actions
from sovet.model import ElectionPurpose, ElectionStatus, MotionStatus, PetitionStatus
from sovet.settings import Settings
from sovet.storage import Database, open_database
from sovet.web import create_app
from sovet.web.i18n import Language, load_translations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
LANGS = ["en", "ar"]
PHONE = {"width": 390, "height": 844}


def tr(lang: str, message: str, **values: object) -> str:
    """A message as the page shows it in ``lang``."""
    text = Language(lang, load_translations(lang)).gettext(message)
    return text % values if values else text


@dataclass
class Server:
    base: str
    db: Database
    contexts: list[Any] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(web_db: Database) -> Iterator[Server]:
    """uvicorn serving a copy of the small federation on a free loopback port.

    The server has its own connection to the database file; the test writes through
    ``web_db`` as another process would, and the server catches up from the log.
    """
    port = _free_port()
    served = open_database(web_db.url, migrate=False)
    app = create_app(
        Settings(database_url=web_db.url, secret_key="browser-test-secret"),
        database=served,
        fast_hashing=True,
    )
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="uvicorn", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    server_ = Server(base, web_db)
    try:
        yield server_
    finally:
        for context in server_.contexts:  # a failed test leaves its pages open
            with contextlib.suppress(Exception):  # already closed
                context.close()
        uv.should_exit = True
        thread.join(timeout=10)
        served.engine.dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (make test does)"
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    try:
        yield browser
    finally:
        browser.close()
        pw.stop()


def open_page(
    chromium: Any, server: Server, lang: str, *, js: bool = True, phone: bool = False
) -> Any:
    context = chromium.new_context(
        base_url=server.base,
        java_script_enabled=js,
        viewport=PHONE if phone else {"width": 1280, "height": 900},
        is_mobile=phone,
        has_touch=phone,
        locale={"en": "en-GB", "ar": "ar-EG"}[lang],
        extra_http_headers={"Accept-Language": {"en": "en-GB,en", "ar": "ar-EG,ar"}[lang]},
    )
    context.set_default_timeout(15_000)
    server.contexts.append(context)
    return context.new_page()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, login: str) -> None:
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", f"pw-{login}")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/me")


def check_direction(page: Any, lang: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")


def no_sideways_scroll(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


def committee_election(db: Database, method: str = "scottish-stv") -> str:
    e = actions.open_election(
        db,
        actor="a1",
        constituency="u1",
        target="u1",
        purpose=ElectionPurpose.COMMITTEE,
        candidates=["a2", "a3", "a4", "a5"],
        seats=2,
        method=method,
    )
    return e.id


def counted_election(db: Database) -> str:
    return next(e.id for e in db.state.elections.values() if e.status is ElectionStatus.COUNTED)


def mandate_of(db: Database, member: str) -> str:
    return next(m.id for m in db.state.seated("soviet").values() if m.member == member)


def sitting(db: Database, present: list[str]) -> tuple[str, str]:
    """A session of the soviet with a motion being voted on by roll call."""
    session = actions.open_session(db, actor="a1", council="soviet", agenda=["Bread", "Peace"])
    for member in present:
        actions.attend(db, actor=member, session=session.id)
    motion = actions.propose_motion(
        db, actor="b2", body="soviet", title="Eight-hour day", text="For all works."
    )
    actions.open_voting(db, actor="a1", motion=motion.id)
    return session.id, motion.id


# ---- journeys ---------------------------------------------------------------------------


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
    eid = committee_election(server.db)
    page = open_page(chromium, server, lang)
    sign_in(page, "a3")
    page.goto(f"/elections/{eid}")
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
    actions.close_election(server.db, actor="a1", election=eid, seed=7)
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
    approval = committee_election(server.db, method="approval")
    single = actions.open_election(
        server.db,
        actor="a1",
        constituency="u1",
        target="soviet",
        purpose=ElectionPurpose.DELEGATION,
        candidates=["a1", "a3", "a5"],
        method="plurality",
    ).id
    page = open_page(chromium, server, lang)
    sign_in(page, "a3")
    page.goto(f"/elections/{approval}")
    assert page.locator('input[type=checkbox][name="approve"]').count() == 4
    assert "Member A5" in page.locator('label[for="approve-a5"]').inner_text()
    page.check("#approve-a2")
    page.check("#approve-a5")
    shot(page, f"ballot-approval-{lang}")
    page.click("form.ballot button[type=submit]")
    assert len(page.locator("#receipt").inner_text().strip()) == 32
    page.goto(f"/elections/{single}")
    assert page.locator('input[type=radio][name="choice"]').count() == 3
    page.check("#choice-a5")
    shot(page, f"ballot-list-{lang}")
    page.click("form.ballot button[type=submit]")
    page.wait_for_selector("#receipt")
    boxes = {e: sorted(k for _, k in server.db.sealed_ballots(e)) for e in (approval, single)}
    assert boxes == {approval: [("a2", "a5")], single: [("a5",)]}
    assert "a3" in server.db.state.elections[approval].voters
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
    # without reloading, the roll call and the speaker list catch up
    page.wait_for_function(
        "document.querySelector('#rollcalls').innerText.includes('Member B1')", timeout=15_000
    )
    page.wait_for_function(
        "document.querySelector('#speakers').innerText.includes('Member B2')", timeout=15_000
    )
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
    actions.close_motion(server.db, actor="a1", motion=motion)
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
        lang, "This entry is included in the signed tree of %(n)s entries.", n=_num(lang, size)
    )
    assert page.locator("ol.mono li").count() >= 1
    shot(page, f"inclusion-proof-{lang}")
    page.context.close()


def _num(lang: str, n: int) -> str:
    return Language(lang, load_translations(lang)).number(n)


@pytest.mark.parametrize("lang", LANGS)
def test_convenor_opens_an_election_a_session_and_a_motion(
    chromium: Any, server: Server, lang: str
) -> None:
    page = open_page(chromium, server, lang)
    sign_in(page, "a1")
    page.goto("/units/u1")
    page.click('a[href="/bodies/u1/elections/new"]')
    page.select_option("#target", "committee")
    page.fill("#seats", "2")
    for member in ("a3", "a4", "a5"):
        page.check(f"#cand-{member}")
    shot(page, f"open-election-{lang}")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/elections/e-*")
    opened = [e for e in server.db.state.elections.values() if e.status is ElectionStatus.OPEN]
    assert len(opened) == 1 and [c.member for c in opened[0].candidates] == ["a3", "a4", "a5"]
    page.goto("/councils/soviet")
    page.click('a[href="/councils/soviet/sessions/new"]')
    page.fill("#agenda", "Bread\nLand")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/sessions/**")
    assert server.db.state.sessions[page.url.rsplit("/", 1)[1]].agenda == ("Bread", "Land")
    page.click('a[href="/bodies/soviet/motions/new"]')
    page.fill("#title", "All land to the land committees")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/motions/**")
    page.click('form[action$="/open-voting"] button')
    page.wait_for_selector('form[action$="/close"]')
    motion = server.db.state.motions[page.url.rsplit("/", 1)[1]]
    assert motion.status is MotionStatus.VOTING and motion.title.startswith("All land")
    shot(page, f"motion-voting-{lang}")
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_keyboard_alone_signs_in_and_votes(chromium: Any, server: Server, lang: str) -> None:
    eid = committee_election(server.db)
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
    ballot = committee_election(server.db)
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


# ---- production planning ------------------------------------------------------------------


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


# ---- participatory budgets ---------------------------------------------------------------


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
        tr(lang, "I approve of %(name)s, costing %(cost)s", name="New stove", cost=_num(lang, 60))
        == label
    )
    page.check("#approve-stove")
    page.check("#approve-bikes")
    running = page.locator("#running")
    assert _num(lang, 110) in running.inner_text()
    assert tr(lang, "more than the budget: not all can be funded") in running.inner_text()
    page.uncheck("#approve-bikes")
    page.check("#approve-books")
    assert _num(lang, 90) in running.inner_text()
    assert tr(lang, "more than the budget: not all can be funded") not in running.inner_text()
    shot(page, f"budget-ballot-{lang}")
    page.click("form.ballot button:not([name])")
    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt) == 32
    assert sorted(k for _, k in server.db.sealed_ballots(bid)) == [("stove", "books")]
    shot(page, f"budget-receipt-{lang}")
    for member, approved in (("a4", ["bikes"]), ("a5", ["stove"]), ("a2", ["books", "bikes"])):
        actions.cast_budget_ballot(server.db, actor=member, budget_id=bid, approved=approved)
    actions.close_budget(server.db, actor="a1", budget_id=bid, seed=5)
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
