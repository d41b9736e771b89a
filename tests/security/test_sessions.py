"""Sessions, sign-in and invitations against a hostile user (issue 13, items 1-4, 9, 11).

Each test is an attack that worked before: a cookie kept after signing out, a token kept
after a password reset, parallel guesses past the limit, a lockout of the rightful owner,
a cross-site sign-in, an invitation's secret in the server's access log, and demo
accounts that shared one password hash.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet.storage import Database, open_database
from sovet.storage import accounts as store_accounts
from tests.web.conftest import password_of, sign_in
from tests.web.test_pages import browser_for, csrf_of

API = "/api/v1"
Clients = Callable[[str | None], TestClient]


def run(args: list[str]) -> int:
    from sovet.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(args)
    return int(exit_info.value.code or 0)


def login(c: TestClient, name: str, password: str) -> int:
    return c.post(f"{API}/auth/login", json={"login": name, "password": password}).status_code


# ---- 1. signing out ends access --------------------------------------------------------------


def test_a_cookie_kept_after_sign_out_signs_nobody_in(app: FastAPI) -> None:
    c = sign_in(app, "a3")
    captured = c.cookies["sovet_session"]
    assert c.post(f"{API}/auth/logout").status_code == 200
    thief = TestClient(app, cookies={"sovet_session": captured})
    assert thief.get(f"{API}/auth/me").status_code == 401


def test_a_session_ends_on_the_server_after_its_days(app: FastAPI) -> None:
    app.state.clock = lambda: "2026-06-01T12:00:00Z"
    c = sign_in(app, "a3")
    app.state.clock = lambda: "2026-06-14T12:00:00Z"
    assert c.get(f"{API}/auth/me").status_code == 200
    app.state.clock = lambda: "2026-06-16T12:00:00Z"  # past its 14 days, whatever the cookie
    assert c.get(f"{API}/auth/me").status_code == 401


def test_a_page_sign_out_ends_the_session_too(app: FastAPI) -> None:
    c = browser_for(app, "a3")
    captured = c.cookies["sovet_session"]
    page = c.get("/me")
    r = c.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    thief = TestClient(app, cookies={"sovet_session": captured})
    assert thief.get(f"{API}/auth/me").status_code == 401
    assert thief.get("/account", follow_redirects=False).status_code == 303  # to sign in


def test_a_suspension_ends_every_session_and_token_at_once(
    app: FastAPI, client_for: Clients, token_for: Callable[[str], str], web_db: Database
) -> None:
    session, token = sign_in(app, "a3"), token_for("a3")
    script = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    assert script.get(f"{API}/auth/me").status_code == 200
    size = web_db.size()
    assert client_for("operator").post(f"{API}/accounts/a3/suspend").status_code == 200
    assert session.get(f"{API}/auth/me").status_code == 401
    assert script.get(f"{API}/auth/me").status_code == 401
    assert login(TestClient(app), "a3", password_of("a3")) == 403
    assert web_db.size() == size + 1  # the suspension is public
    assert client_for("a1").post(f"{API}/accounts/a4/suspend").status_code == 403
    assert client_for("operator").post(f"{API}/accounts/a3/restore").status_code == 200
    assert login(TestClient(app), "a3", password_of("a3")) == 200
    assert [h.kind for r in web_db.state.accounts.values() for h in r.history][-2:] == [
        "disabled",
        "enabled",
    ]


# ---- 2. API tokens do not survive a password change or reset ---------------------------------


def test_a_token_dies_with_a_password_reset(
    app: FastAPI, client_for: Clients, token_for: Callable[[str], str]
) -> None:
    token = token_for("a4")
    script = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    assert script.get(f"{API}/auth/me").status_code == 200
    reset = client_for("operator").post(f"{API}/accounts/a4/password", json={"password": "x" * 12})
    assert reset.status_code == 200
    assert script.get(f"{API}/auth/me").status_code == 401


def test_a_token_dies_with_the_members_own_new_password(
    app: FastAPI, token_for: Callable[[str], str]
) -> None:
    token = token_for("a5")
    script = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    own = sign_in(app, "a5")
    assert own.post(f"{API}/auth/password", json={"password": "y" * 12}).status_code == 200
    assert script.get(f"{API}/auth/me").status_code == 401
    assert own.get(f"{API}/auth/me").status_code == 200  # the session that changed it goes on


# ---- 3. the sign-in throttle -----------------------------------------------------------------


def test_parallel_wrong_passwords_cannot_overtake_the_limit(app: FastAPI) -> None:
    app.state.clock = lambda: "2026-06-01T12:00:00Z"  # all at the same second
    codes: list[int] = []
    lock = threading.Lock()

    def guess() -> None:
        code = login(TestClient(app), "a3", "wrong")
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # three free failures and one more before the first delay: never more
    assert codes.count(401) == 4 and codes.count(429) == 36, codes


def test_guesses_from_elsewhere_do_not_lock_the_owner_out(app: FastAPI) -> None:
    app.state.clock = lambda: "2026-06-01T12:00:00Z"
    attacker = TestClient(app, client=("203.0.113.9", 4000))

    def owner() -> TestClient:
        return TestClient(app, client=("198.51.100.7", 5000))

    assert login(owner(), "a1", password_of("a1")) == 200  # the owner's own client
    for _ in range(30):
        login(attacker, "a1", "guess")
    assert login(attacker, "a1", "guess") == 429
    assert login(owner(), "a1", password_of("a1")) == 200  # not locked out


def test_delays_grow_and_then_pass(app: FastAPI) -> None:
    now = ["2026-06-01T12:00:00Z"]
    app.state.clock = lambda: now[0]
    c = TestClient(app)
    for _ in range(4):
        assert login(c, "a2", "wrong") == 401
    r = c.post(f"{API}/auth/login", json={"login": "a2", "password": "wrong"})
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    now[0] = "2026-06-01T12:00:01Z"
    assert login(c, "a2", "wrong") == 401
    r = c.post(f"{API}/auth/login", json={"login": "a2", "password": "wrong"})
    assert r.status_code == 429 and r.headers["retry-after"] == "2"  # doubled
    now[0] = "2026-06-01T12:00:03Z"
    assert login(c, "a2", password_of("a2")) == 200


def test_the_throttle_row_is_one_transaction(web_db: Database) -> None:
    limit = store_accounts.Limit("pair|x|y", 0, 60)
    at = "2026-06-01T12:00:00Z"
    assert store_accounts.reserve_attempt(web_db, limits=[limit], at=at) == 0
    assert store_accounts.reserve_attempt(web_db, limits=[limit], at=at) == 1


def test_serve_trusts_forwarded_headers_only_from_configured_proxies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: seen.update(k))
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path}/s.db"
    assert run(["serve", "--db", url]) == 0
    assert seen["proxy_headers"] is False
    monkeypatch.setenv("SOVET_TRUSTED_PROXIES", "10.0.0.5")
    assert run(["serve", "--db", url]) == 0
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.0.0.5"


# ---- 4. login CSRF ---------------------------------------------------------------------------


def test_the_sign_in_form_needs_its_token(app: FastAPI) -> None:
    forged = TestClient(app).post(
        "/login", data={"login": "a3", "password": password_of("a3")}, follow_redirects=False
    )
    assert forged.status_code == 403
    c = TestClient(app)
    c.get("/login")  # a session, but no token sent
    r = c.post(
        "/login", data={"login": "a3", "password": password_of("a3")}, follow_redirects=False
    )
    assert r.status_code == 403 and c.get(f"{API}/auth/me").status_code == 401


def test_the_api_sign_in_takes_only_json(app: FastAPI) -> None:
    body = '{"login": "a3", "password": "pw-a3"}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        r = TestClient(app).post(
            f"{API}/auth/login", content=body, headers={"content-type": content_type}
        )
        assert r.status_code in (403, 422), (content_type, r.status_code)


# ---- 9. an invitation's secret stays out of every log ---------------------------------------


def test_an_invitation_never_puts_its_code_in_a_url(
    app: FastAPI, client_for: Clients, caplog: pytest.LogCaptureFixture
) -> None:
    made = client_for("a1").post(f"{API}/units/u1/invitations", json={}).json()
    token = made["token"]
    assert made["path"] == f"/invite#{token}"
    unit_page = client_for("a1")
    page = unit_page.get("/units/u1")
    shown = unit_page.post(
        "/units/u1/invite", data={"csrf_token": csrf_of(page.text), "days": "7"}
    ).text
    assert "/invite#" in shown and "/invite/" not in shown.replace("/invite/accept", "")
    newcomer = TestClient(app)
    urls: list[str] = []
    newcomer.event_hooks["request"].append(lambda request: urls.append(str(request.url)))
    with caplog.at_level(logging.DEBUG):
        form = newcomer.get("/invite")
        opened = newcomer.post("/invite", data={"csrf_token": csrf_of(form.text), "token": token})
        assert opened.status_code == 200 and "Putilov Works" in opened.text
        joined = newcomer.post(
            "/invite/accept",
            data={
                "csrf_token": csrf_of(opened.text),
                "token": token,
                "name": "Vera",
                "login": "vera",
                "password": "a-long-password",
            },
            follow_redirects=False,
        )
    assert joined.status_code == 303
    assert urls and not any(token in u for u in urls)
    assert token not in caplog.text
    assert newcomer.get(f"{API}/auth/me").json()["account"]["units"] == ["u1"]


def test_an_old_style_link_does_not_read_the_code_from_the_path(app: FastAPI) -> None:
    r = TestClient(app).get("/invite/some-old-code", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/invite"


# ---- 11. demo accounts have their own salts --------------------------------------------------


def test_demo_accounts_do_not_share_a_password_hash(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    assert run(["demo", "--db", url]) == 0
    assert run(["accounts", "demo", "--db", url]) == 0
    with open_database(url) as db:
        hashes = [a.password_hash for a in store_accounts.list_accounts(db)]
        assert len(hashes) == 4 and len(set(hashes)) == 4
        # and making them is public: four account.created entries
        assert sum(1 for r in db.state.accounts.values() if r.history[0].kind == "created") == 4
