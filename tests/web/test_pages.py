"""Every page, rendered in process, with and without signing in: what it shows and
that the forms call the same actions as the API (the ledger grows by one entry)."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet.model import ElectionStatus, MotionStatus
from sovet.storage import Database

from ..elections import open_vote, run_election


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def browser_for(app: FastAPI, login: str | None) -> TestClient:
    """A client that signs in through the sign-in page, as a person does."""
    c = TestClient(app)
    if login is not None:
        page = c.get("/login")
        r = c.post(
            "/login",
            data={"csrf_token": csrf_of(page.text), "login": login, "password": f"pw-{login}"},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
    return c


def post_form(c: TestClient, page_url: str, action: str, data: dict[str, object]) -> object:
    page = c.get(page_url)
    assert page.status_code == 200, page.text
    return c.post(action, data={"csrf_token": csrf_of(page.text), **data}, follow_redirects=False)


def ids(db: Database) -> dict[str, str]:
    s = db.state
    counted = next(e for e in s.elections.values() if e.status is ElectionStatus.COUNTED)
    mandate = next(iter(s.mandates.values()))
    return {"election": counted.id, "mandate": mandate.id}


PUBLIC = [
    "/",
    "/units",
    "/units/u1",
    "/councils",
    "/councils/soviet",
    "/elections",
    "/motions",
    "/decisions",
    "/recalls",
    "/ratifications",
    "/ledger",
    "/ledger/0",
    "/constitution",
    "/factions",
    "/apportionment",
    "/login",
]


@pytest.mark.parametrize("url", PUBLIC)
@pytest.mark.parametrize("login", [None, "a3"])
def test_public_pages_render(app: FastAPI, url: str, login: str | None) -> None:
    c = browser_for(app, login)
    r = c.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="en" dir="ltr">' in r.text
    assert ("Sign out" in r.text) is (login is not None)


def test_member_sees_their_units_councils_and_delegates(app: FastAPI) -> None:
    c = browser_for(app, "a3")
    r = c.get("/me")
    assert r.status_code == 200
    assert "Member A3" in r.text
    assert 'href="/units/u1"' in r.text and 'href="/councils/soviet"' in r.text
    # the delegates of u1 (a1, a2) with the way to recall them
    assert "Member A1" in r.text and "Member A2" in r.text
    assert "Open a recall petition" in r.text
    assert "Member B1" not in r.text  # u2's delegate is not a3's


def test_me_needs_signing_in(client: TestClient) -> None:
    r = client.get("/me", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_wrong_password_is_refused_on_the_page(app: FastAPI) -> None:
    c = TestClient(app)
    page = c.get("/login")
    r = c.post("/login", data={"csrf_token": csrf_of(page.text), "login": "a3", "password": "x"})
    assert r.status_code == 401
    assert "Wrong sign-in name or password." in r.text
    assert "Sign out" not in r.text


def _open_election(app: FastAPI, web_db: Database) -> str:
    """The convenor opens the election of u1's convenor on the form (one seat, ranked;
    u1's delegates sit, so its delegation is not open to election again); a2 stands on the
    page with a statement, a3..a5 stand too; voting opens when the nomination period is
    over."""
    from sovet import actions

    convenor = browser_for(app, "a1")
    size = web_db.size()
    form = convenor.get("/bodies/u1/elections/new").text
    assert "single transferable vote (Scottish rules)" in form and 'name="seats"' not in form
    r = post_form(
        convenor,
        "/bodies/u1/elections/new",
        "/bodies/u1/elections/new",
        {"target": "office:convenor"},
    )
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    assert web_db.size() == size + 1
    eid: str = r.headers["location"].rsplit("/", 1)[1]  # type: ignore[attr-defined]
    assert web_db.state.elections[eid].status is ElectionStatus.NOMINATING
    page = browser_for(app, "a2")
    r = post_form(page, f"/elections/{eid}", f"/elections/{eid}/stand", {"statement": "Bread!"})
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    for member in ("a3", "a4", "a5"):
        actions.stand(web_db, actor=member, election=eid)
    close = web_db.state.elections[eid].nominations_close
    actions.begin_voting(web_db, actor="a1", election=eid, at=close)
    return eid


def test_convenor_opens_election_member_votes_ranked_and_finds_receipt(
    app: FastAPI, web_db: Database
) -> None:
    eid = _open_election(app, web_db)
    assert web_db.state.elections[eid].status is ElectionStatus.OPEN
    voter = browser_for(app, "a3")
    page = voter.get(f"/elections/{eid}")
    # the ranked ballot names every candidate in words, with a numbered select each
    for name in ("Member A2", "Member A3", "Member A4", "Member A5"):
        assert f"Preference for {name}" in page.text
    assert page.text.count('<select id="rank-') == 4
    assert "Bread!" in page.text  # the candidate's statement is on the ballot page
    r = voter.post(
        f"/elections/{eid}/ballot",
        data={"csrf_token": csrf_of(page.text), "rank-a4": "1", "rank-a2": "2", "rank-a3": ""},
    )
    assert r.status_code == 200
    receipt = re.search(r'id="receipt">([0-9a-f]+)<', r.text)
    assert receipt, r.text
    # the log says that a3 voted, never how; a second ballot is refused on the page
    again = voter.post(
        f"/elections/{eid}/ballot", data={"csrf_token": csrf_of(page.text), "rank-a2": "1"}
    )
    assert again.status_code == 409 and "You have already voted here." in again.text
    early = post_form(browser_for(app, "a1"), f"/elections/{eid}", f"/elections/{eid}/close", {})
    assert early.status_code == 409 and "closes early only when every elector" in early.text  # type: ignore[attr-defined]
    for member in ("a1", "a2", "a4", "a5"):
        b = browser_for(app, member)
        p = b.get(f"/elections/{eid}")
        b.post(f"/elections/{eid}/ballot", data={"csrf_token": csrf_of(p.text), "rank-a5": "1"})
    convenor = browser_for(app, "a1")
    r = post_form(convenor, f"/elections/{eid}", f"/elections/{eid}/close", {})
    assert r.status_code == 303  # type: ignore[attr-defined]
    e = web_db.state.elections[eid]
    assert e.status is ElectionStatus.COUNTED and len(e.ballots_published) == 5
    # the receipt goes in a form's body, never in the address (issue 13)
    look = f"/elections/{eid}/receipt"
    found = post_form(voter, f"/elections/{eid}", look, {"receipt": receipt.group(1)})
    assert "Found: your ballot was counted as" in found.text  # type: ignore[attr-defined]
    assert "Member A4 › Member A2" in found.text  # type: ignore[attr-defined]
    assert 'class="mine"' in found.text  # type: ignore[attr-defined]
    missing = post_form(voter, f"/elections/{eid}", look, {"receipt": "0" * 32})
    assert "No published ballot has this receipt." in missing.text  # type: ignore[attr-defined]


def test_ballot_with_a_number_twice_is_refused_and_nothing_is_written(
    app: FastAPI, web_db: Database
) -> None:
    eid = _open_election(app, web_db)
    voter = browser_for(app, "a3")
    page = voter.get(f"/elections/{eid}")
    size = web_db.size()
    r = voter.post(
        f"/elections/{eid}/ballot",
        data={"csrf_token": csrf_of(page.text), "rank-a2": "1", "rank-a3": "1"},
    )
    assert r.status_code == 422
    assert "Please check what you entered." in r.text
    assert web_db.size() == size


def test_form_without_csrf_token_changes_nothing(app: FastAPI, web_db: Database) -> None:
    eid = _open_election(app, web_db)
    voter = browser_for(app, "a3")
    size = web_db.size()
    r = voter.post(f"/elections/{eid}/ballot", data={"rank-a2": "1"})
    assert r.status_code == 403
    assert "The form has expired" in r.text
    assert web_db.size() == size


def test_anonymous_cannot_vote(app: FastAPI, web_db: Database) -> None:
    eid = _open_election(app, web_db)
    anon = TestClient(app)
    page = anon.get(f"/elections/{eid}")
    assert "Sign in to vote" in page.text and "Cast my ballot" not in page.text
    size = web_db.size()
    r = anon.post(f"/elections/{eid}/ballot", data={"rank-a2": "1"})
    assert r.status_code == 401 and web_db.size() == size


def test_closed_election_shows_stages_ballots_and_recounts(app: FastAPI, web_db: Database) -> None:
    eid = ids(web_db)["election"]
    e = web_db.state.elections[eid]
    c = TestClient(app)
    r = c.get(f"/elections/{eid}")
    assert r.status_code == 200
    assert r.text.count('class="stage"') == len(e.result["rounds"])  # type: ignore[index]
    for _ranking, receipt in e.ballots_published:
        assert receipt in r.text
    assert f'href="/api/v1/elections/{eid}/ballots.blt"' in r.text
    recount = c.get(f"/elections/{eid}/recount")
    assert "The recount matches the published result." in recount.text


def test_member_opens_and_another_signs_a_recall_petition(app: FastAPI, web_db: Database) -> None:
    s = web_db.state
    mandate = next(m for m in s.seated("soviet").values() if m.member == "a2")
    opener = browser_for(app, "a3")
    r = post_form(
        opener,
        f"/delegates/{mandate.id}",
        f"/delegates/{mandate.id}/recall",
        {"reason": "Voted against the bread motion"},
    )
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    pid = r.headers["location"].split("?")[0].rsplit("/", 1)[1]  # type: ignore[attr-defined]
    assert web_db.state.petitions[pid].signatures == frozenset({"a3"})
    page = opener.get(f"/recalls/{pid}?done=opened")
    assert "Voted against the bread motion" in page.text and 'class="bar"' in page.text
    # one signature of five members reaches the threshold (1/5): the recall vote opens
    petition = web_db.state.petitions[pid]
    assert petition.status.value == "voting" and petition.vote_motion is not None
    assert f'href="/motions/{petition.vote_motion}"' in page.text
    other = browser_for(app, "a4")
    assert "Sign the recall petition" not in other.get(f"/recalls/{pid}").text
    r = other.post(f"/recalls/{pid}/sign", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code in (403, 409)
    # a member of another unit may not recall the village's delegate
    c1 = next(m for m in web_db.state.seated("soviet").values() if m.member == "c1")
    outsider = browser_for(app, "b3")
    page = outsider.get(f"/delegates/{c1.id}")
    assert "Only the constituents who sent this delegate can recall them." in page.text
    size = web_db.size()
    r = outsider.post(
        f"/delegates/{c1.id}/recall", data={"csrf_token": csrf_of(page.text), "reason": "x"}
    )
    assert r.status_code == 403 and web_db.size() == size


def test_session_roll_call_and_delegate_record(app: FastAPI, web_db: Database) -> None:
    convenor = browser_for(app, "a1")
    r = post_form(
        convenor,
        "/councils/soviet/sessions/new",
        "/councils/soviet/sessions/new",
        {"agenda": "Bread\nPeace"},
    )
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    session_url = r.headers["location"]  # type: ignore[attr-defined]
    delegates = ["a1", "a2", "b1", "b2"]
    for d in delegates:
        post_form(browser_for(app, d), session_url, f"{session_url}/attend", {})
    post_form(browser_for(app, "b1"), session_url, f"{session_url}/request-floor", {})
    page = TestClient(app).get(session_url)
    assert "Bread" in page.text and "Peace" in page.text
    assert "4 of 5 seats present" in page.text and "quorum present" in page.text
    assert "Member B1" in page.text.split('id="speakers"')[1].split("</section>")[0]
    r = post_form(
        browser_for(app, "b2"),
        "/bodies/soviet/motions/new",
        "/bodies/soviet/motions/new",
        {"title": "Eight-hour day", "text": "For all works.", "kind": "ordinary"},
    )
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    motion_url = r.headers["location"]  # type: ignore[attr-defined]
    mid = motion_url.rsplit("/", 1)[1]
    post_form(convenor, motion_url, f"{motion_url}/open-voting", {})
    for d, choice in zip(delegates, ["yes", "yes", "no", "abstain"], strict=True):
        r = post_form(browser_for(app, d), motion_url, f"{motion_url}/vote", {"choice": choice})
        assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    assert dict(web_db.state.motions[mid].roll_call) == {
        "a1": "yes",
        "a2": "yes",
        "b1": "no",
        "b2": "abstain",
    }
    live = TestClient(app).get(session_url).text.split('id="rollcalls"')[1]
    assert "Eight-hour day" in live and live.count('class="badge yes"') == 2
    page = convenor.get(motion_url).text
    assert "Close the vote" not in page and "closes by itself on" in page  # c1 has not voted
    deadline = web_db.state.motions[mid].deadline
    assert deadline is not None
    web_db.clock = lambda: deadline  # the voting days pass
    page = convenor.get(motion_url).text
    assert "Close the vote" in page and "has passed: anyone may close it" in page
    post_form(convenor, motion_url, f"{motion_url}/close", {})
    assert web_db.state.motions[mid].status is MotionStatus.PASSED
    # the constituents read how their delegate voted
    b1 = next(m for m in web_db.state.seated("soviet").values() if m.member == "b1")
    record = TestClient(app).get(f"/delegates/{b1.id}").text
    row = record.split("Eight-hour day")[1].split("</tr>")[0]
    assert 'class="badge no"' in row


def test_only_the_convenor_sees_and_uses_the_convenor_forms(app: FastAPI, web_db: Database) -> None:
    assert "Open a session" in browser_for(app, "a1").get("/councils/soviet").text
    member = browser_for(app, "a3")
    assert "Open a session" not in member.get("/councils/soviet").text
    size = web_db.size()
    r = post_form(
        member, "/councils/soviet/sessions/new", "/councils/soviet/sessions/new", {"agenda": "x"}
    )
    assert r.status_code == 403  # type: ignore[attr-defined]
    assert "You may not do this" in r.text  # type: ignore[attr-defined]
    assert web_db.size() == size


def test_council_page_draws_the_hemicycle(client: TestClient, web_db: Database) -> None:
    r = client.get("/councils/soviet")
    seated = web_db.state.seated("soviet")
    assert r.text.count('class="seat"') == len(seated) == 5
    assert "Member A1 — Bolsheviks" in r.text


def test_ledger_entry_has_a_checked_inclusion_proof(client: TestClient, web_db: Database) -> None:
    r = client.get("/ledger")
    assert "The signature of this head is valid" in r.text
    last = web_db.size() - 1
    entry = client.get(f"/ledger/{last // 2}")
    assert "This entry is included in the signed tree" in entry.text
    assert client.get(f"/ledger/{last + 5}").status_code == 404
    assert (
        client.get("/ledger/find", params={"index": 3}, follow_redirects=False).headers["location"]
        == "/ledger/3"
    )


def test_unknown_records_are_404(client: TestClient) -> None:
    for url in ("/units/nope", "/councils/nope", "/elections/nope", "/motions/nope"):
        assert client.get(url).status_code == 404


def _reserved_motion_passed(db: Database) -> str:
    from sovet import actions

    session = actions.open_session(db, actor="a1", council="soviet", agenda=["Peace"])
    for d in ("a1", "a2", "b1", "b2", "c1"):
        actions.attend(db, actor=d, session=session.id)
    m = actions.propose_motion(
        db, actor="a1", body="soviet", title="Peace now", text="", kind="reserved", matter="plan"
    )
    actions.open_voting(db, actor="a1", motion=m.id)
    for d in ("a1", "a2", "b1", "b2", "c1"):
        actions.vote(db, actor=d, motion=m.id, choice="yes")
    actions.close_motion(db, actor="a1", motion=m.id)
    return m.id


def test_ratification_progress_is_public(client: TestClient, web_db: Database) -> None:
    mid = _reserved_motion_passed(web_db)
    r = web_db.state.ratifications[mid]
    assert set(r.units) == {"u1", "u2", "v"}
    listing = client.get("/ratifications")
    assert f'href="/ratifications/{mid}"' in listing.text and "Peace now" in listing.text
    page = client.get(f"/ratifications/{mid}")
    assert page.status_code == 200
    assert page.text.count('class="bar"') == 2 and page.text.count('class="threshold"') == 2
    assert page.text.count("not yet decided") == 3
    assert "more than 1/2 of the units" in page.text


LABELLED = re.compile(r"<(input|select|textarea)\b([^>]*)>")


def unlabelled_controls(html: str) -> list[str]:
    """Form controls (not hidden, not buttons) without a <label for=...> naming them."""
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    bad = []
    for _tag, attrs in LABELLED.findall(html):
        if 'type="hidden"' in attrs or 'type="submit"' in attrs or "aria-label=" in attrs:
            continue
        found = re.search(r'id="([^"]+)"', attrs)
        if found is None or found.group(1) not in labels:
            bad.append(attrs.strip())
    return bad


def test_every_control_is_labelled(app: FastAPI, web_db: Database) -> None:
    ranked = _open_election(app, web_db)
    from sovet import actions

    approval = open_vote(web_db, "u2", "u2", ["b2", "b3"], convenor="b1", purpose="committee").id
    single = open_vote(web_db, "v", "v", ["c2", "c3"], convenor="c1", purpose="committee").id
    nominating = actions.open_election(
        web_db, actor="a1", constituency="u1", target="u1", purpose="committee"
    ).id
    actions.nominate(web_db, actor="a4", election=nominating, member="a3")
    mandate = ids(web_db)["mandate"]
    pages = {
        "a3": [
            f"/elections/{ranked}",
            f"/elections/{nominating}",
            f"/delegates/{mandate}",
            "/me",
        ],
        "c2": [f"/elections/{single}"],
        "b3": [f"/elections/{approval}"],
        "a1": [
            "/bodies/u1/elections/new",
            "/bodies/soviet/motions/new",
            "/councils/soviet/sessions/new",
        ],
        None: ["/login", "/ledger", f"/elections/{ids(web_db)['election']}"],
    }
    checked = 0
    for login, urls in pages.items():
        c = browser_for(app, login)
        for url in urls:
            html = c.get(url).text
            assert unlabelled_controls(html) == [], url
            checked += len(LABELLED.findall(html))
    assert checked > 30
    # the ballots name each option in words, never by position or colour alone
    html = browser_for(app, "b3").get(f"/elections/{approval}").text
    assert "I approve of Member B2" in html and "I approve of Member B3" in html
    html = browser_for(app, "c2").get(f"/elections/{single}").text
    assert "I vote for Member C3" in html
    html = browser_for(app, "a3").get(f"/elections/{nominating}").text
    assert "You have been nominated" in html and "Stand as a candidate" in html


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_colours_have_sufficient_contrast() -> None:
    from sovet.web.pages_common import TEMPLATES

    css = (TEMPLATES.parent / "static" / "sovet.css").read_text()
    var = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", css))
    pairs = [
        ("ink", "paper"),
        ("muted", "paper"),
        ("link", "paper"),
        ("ok", "paper"),
        ("bad", "paper"),
        ("muted", "band"),
        ("link", "band"),
    ]
    for fg, bg in pairs:
        assert contrast(var[fg], var[bg]) >= 4.5, (fg, bg)
    assert contrast("#ffffff", var["accent"]) >= 4.5  # header and buttons
    assert contrast(var["link"], "#fff3c4") >= 4.5  # the highlighted own ballot
    assert contrast(var["bad"], "#fbeaea") >= 4.5  # error box


def test_convenor_invites_and_the_newcomer_joins(app: FastAPI, web_db: Database) -> None:
    convenor = browser_for(app, "a1")
    r = post_form(convenor, "/units/u1", "/units/u1/invite", {"days": "3"})
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    link = re.search(r'id="invitation-link" dir="ltr">([^<]+)<', r.text)  # type: ignore[attr-defined]
    assert link, "the page shows the new link"
    token = link.group(1).rsplit("/invite#", 1)[1]  # the code rides in the fragment
    newcomer = TestClient(app)
    newcomer.get("/lang/el")
    form = newcomer.get("/invite")
    page = newcomer.post("/invite", data={"csrf_token": csrf_of(form.text), "token": token})
    assert page.status_code == 200 and "Putilov Works" in page.text and "Εγγραφή" in page.text
    path = "/invite/accept"
    short = newcomer.post(
        path,
        data={
            "csrf_token": csrf_of(page.text),
            "token": token,
            "name": "Nadia K",
            "login": "nk",
            "password": "x",
        },
    )
    assert short.status_code == 422 and "Ελέγξτε, παρακαλώ" in short.text
    before = len(web_db.state.units["u1"].members)
    done = newcomer.post(
        path,
        data={
            "csrf_token": csrf_of(short.text),
            "token": token,
            "name": "Nadia K",
            "login": "nk",
            "password": "long enough",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/me"
    assert len(web_db.state.units["u1"].members) == before + 1
    me = newcomer.get("/me")
    assert "Nadia K" in me.text and 'href="/units/u1"' in me.text
    # the link admits one person only
    again = newcomer.post("/invite", data={"csrf_token": csrf_of(me.text), "token": token})
    assert again.status_code == 422
    # a plain member cannot make links
    member = browser_for(app, "a3")
    assert "Make an invitation link" not in member.get("/units/u1").text
    refused = post_form(member, "/units/u1", "/units/u1/invite", {"days": "3"})
    assert refused.status_code == 403  # type: ignore[attr-defined]


def test_a_tie_broken_by_lot_is_shown(client: TestClient, web_db: Database) -> None:

    e = open_vote(web_db, "u2", "u2", ["b2", "b3"], convenor="b1", purpose="committee")
    run_election(web_db, e, {"b1": ["b2"], "b4": ["b3"]}, closer="b1")
    html = client.get(f"/elections/{e.id}").text
    ties = html.split("Ties broken by the recorded lot")[1].split("</table>")[0]
    elected = web_db.state.elections[e.id].elected[0]
    assert "Member B2, Member B3" in ties and f"Member {elected.upper()}</td>" in ties


def test_the_operator_has_a_page_too(app: FastAPI) -> None:
    r = browser_for(app, "operator").get("/me")
    assert r.status_code == 200 and "You are not a member of any unit." in r.text
