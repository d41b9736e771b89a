"""Accounts and sessions: argon2id, signed cookies, CSRF, the login rate limit, API tokens,
invitation links, and the operator's account management."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient

from sovet.storage import Database
from sovet.storage import accounts as store_accounts
from sovet.web.auth import check_csrf, csrf_token

from .conftest import password_of, sign_in

Clients = Callable[[str | None], TestClient]
API = "/api/v1"


def login(c: TestClient, name: str, password: str) -> Any:
    return c.post(f"{API}/auth/login", json={"login": name, "password": password})


def test_passwords_are_stored_as_argon2id_hashes(web_db: Database) -> None:
    account = store_accounts.account_by_login(web_db, "a3")
    assert account is not None
    assert account.password_hash.startswith("$argon2id$")
    assert password_of("a3") not in account.password_hash


def test_wrong_password_is_refused_and_nothing_signs_in(client: TestClient) -> None:
    r = login(client, "a3", "wrong")
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_signed_in"
    assert client.get(f"{API}/auth/me").status_code == 401
    assert login(client, "nobody", "x").status_code == 401


def test_session_cookie_is_signed_httponly_samesite(app: FastAPI) -> None:
    c = TestClient(app)
    r = login(c, "a3", password_of("a3"))
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("sovet_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert c.get(f"{API}/auth/me").json()["account"]["member"] == "a3"
    secure = TestClient(app, base_url="https://testserver")
    assert "Secure" in login(secure, "a3", password_of("a3")).headers["set-cookie"]


def test_a_tampered_cookie_signs_nobody_in(app: FastAPI) -> None:
    c = TestClient(app)
    login(c, "a3", password_of("a3"))
    value = c.cookies["sovet_session"]
    forged = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    other = TestClient(app, cookies={"sovet_session": forged})
    assert other.get(f"{API}/auth/me").status_code == 401


def test_login_rate_limit(client: TestClient, app: FastAPI) -> None:
    app.state.clock = lambda: "2026-06-01T12:00:00Z"
    for _ in range(4):  # three free failures, then a delay that grows
        assert login(client, "a3", "wrong").status_code == 401
    limited = login(client, "a3", password_of("a3"))  # even the right password, for now
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "too_many_attempts"
    assert int(limited.headers["retry-after"]) > 0
    assert login(TestClient(app), "a4", password_of("a4")).status_code == 200  # another name
    app.state.clock = lambda: "2026-06-01T12:00:05Z"  # the delay passes
    assert login(client, "a3", password_of("a3")).status_code == 200


def test_csrf_is_needed_for_cookie_calls(app: FastAPI, web_db: Database) -> None:
    c = sign_in(app, "a3")
    token = c.headers.pop("X-CSRF-Token")
    size = web_db.size()
    r = c.post(f"{API}/me/faction", json={"faction": "men"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    r = c.post(f"{API}/me/faction", json={"faction": "men"}, headers={"X-CSRF-Token": "0" * 64})
    assert r.status_code == 403
    assert web_db.size() == size
    r = c.post(f"{API}/me/faction", json={"faction": "men"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and web_db.size() == size + 1


def test_csrf_form_field_for_pages(app: FastAPI) -> None:
    """The helpers the pages use: a token for the form, checked on its POST."""

    @app.get("/test-form")
    def form(request: Request) -> dict[str, str]:
        return {"token": csrf_token(request)}

    @app.post("/test-form", dependencies=[Depends(check_csrf)])
    def submit() -> dict[str, bool]:
        return {"done": True}

    c = TestClient(app)
    token = c.get("/test-form").json()["token"]  # starts a session: its cookie is set
    assert "sovet_session" in c.cookies
    assert c.post("/test-form", data={"x": "1"}).status_code == 403
    assert c.post("/test-form", data={"csrf_token": "forged"}).status_code == 403
    assert c.post("/test-form", data={"csrf_token": token}).json() == {"done": True}
    other = TestClient(app)
    other.get("/test-form")  # a different session: the first token is not valid in it
    assert other.post("/test-form", data={"csrf_token": token}).status_code == 403


def test_sign_in_starts_a_new_session(app: FastAPI) -> None:
    c = TestClient(app)
    before = c.get(f"{API}/federation") and c.cookies.get("sovet_session")
    first = login(c, "a3", password_of("a3")).json()["csrf_token"]
    # signing in again from a session needs that session's token (no login CSRF)
    assert login(c, "a3", password_of("a3")).status_code == 403
    c.headers["X-CSRF-Token"] = first
    second = login(c, "a3", password_of("a3")).json()["csrf_token"]
    assert first != second and c.cookies.get("sovet_session") != before


def test_logout(client_for: Clients) -> None:
    c = client_for("a3")
    assert c.get(f"{API}/auth/me").status_code == 200
    assert c.post(f"{API}/auth/logout").status_code == 200
    assert c.get(f"{API}/auth/me").status_code == 401


def test_me_lists_units_convened_bodies_and_mandates(client_for: Clients) -> None:
    me = client_for("a1").get(f"{API}/auth/me").json()["account"]
    assert me["units"] == ["u1"] and me["convenes"] == ["soviet", "u1"]
    assert len(me["mandates"]) == 3  # a seat in the soviet, u1's and the soviet's convenor
    op = client_for("operator").get(f"{API}/auth/me").json()["account"]
    assert op["operator"] is True and op["member"] is None


def test_api_tokens_for_scripts(app: FastAPI, token_for: Callable[[str], str]) -> None:
    token = token_for("a3")
    script = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    assert script.get(f"{API}/auth/me").json()["account"]["member"] == "a3"
    # no CSRF token needed with a bearer token
    assert script.post(f"{API}/me/faction", json={"faction": "men"}).status_code == 200
    listed = script.get(f"{API}/auth/tokens").json()
    assert [t["name"] for t in listed] == ["test"] and listed[0]["revoked"] is False
    assert script.delete(f"{API}/auth/tokens/{listed[0]['id']}").status_code == 200
    refused = script.get(f"{API}/auth/me")
    assert refused.status_code == 401 and "revoked" in refused.json()["error"]["message"]
    bogus = TestClient(app, headers={"Authorization": "Bearer sovet_nothing"})
    assert bogus.get(f"{API}/auth/me").status_code == 401


def test_tokens_are_stored_hashed(web_db: Database, token_for: Callable[[str], str]) -> None:
    token = token_for("a3")
    with web_db.engine.connect() as conn:
        rows = conn.execute(sa.select(store_accounts.api_tokens)).all()
    assert rows and all(token not in str(tuple(r)) for r in rows)


def test_token_by_password_needs_both_and_the_right_password(client: TestClient) -> None:
    r = client.post(f"{API}/auth/tokens", json={"login": "a3"})
    assert r.status_code == 422
    r = client.post(f"{API}/auth/tokens", json={"login": "a3", "password": "wrong"})
    assert r.status_code == 401
    assert client.post(f"{API}/auth/tokens", json={"name": "x"}).status_code == 401


def test_invitation_link_admits_one_new_member(client_for: Clients, app: FastAPI) -> None:
    a1 = client_for("a1")
    assert client_for("a3").post(f"{API}/units/u1/invitations", json={}).status_code == 403
    assert client_for("b1").post(f"{API}/units/u1/invitations", json={}).status_code == 403
    made = a1.post(f"{API}/units/u1/invitations", json={"days": 3})
    assert made.status_code == 201
    token = made.json()["token"]
    assert made.json()["path"] == f"/invite#{token}"  # a fragment: never sent, never logged
    newcomer = TestClient(app)
    info = newcomer.post(f"{API}/invitations/lookup", json={"token": token}).json()
    assert info["unit"] == "u1" and info["unit_name"] == "Putilov Works"
    accepted = newcomer.post(
        f"{API}/invitations/accept",
        json={
            "token": token,
            "name": "Alexandra K.",
            "login": "alexandra",
            "password": "a-long-password",
        },
    )
    assert accepted.status_code == 201, accepted.text
    member = accepted.json()["account"]["member"]
    assert accepted.json()["account"]["units"] == ["u1"]
    assert member in [m["id"] for m in a1.get(f"{API}/units/u1").json()["member_list"]]
    assert newcomer.get(f"{API}/auth/me").json()["account"]["login"] == "alexandra"
    again = TestClient(app).post(
        f"{API}/invitations/accept",
        json={"token": token, "name": "Someone", "login": "someone", "password": "a-long-password"},
    )
    assert again.status_code == 422 and "already been used" in again.json()["error"]["message"]
    nonsense = TestClient(app).post(f"{API}/invitations/lookup", json={"token": "nonsense"})
    assert nonsense.status_code == 404


def test_expired_invitation_is_refused(client_for: Clients, app: FastAPI) -> None:
    token = client_for("c1").post(f"{API}/units/v/invitations", json={"days": 1}).json()["token"]
    app.state.clock = lambda: "2999-01-01T00:00:00Z"
    r = TestClient(app).post(
        f"{API}/invitations/accept",
        json={"token": token, "name": "Late", "login": "late", "password": "a-long-password"},
    )
    assert r.status_code == 422 and "expired" in r.json()["error"]["message"]


def test_operator_manages_accounts_only(
    client_for: Clients, app: FastAPI, web_db: Database
) -> None:
    op = client_for("operator")
    logins = [a["login"] for a in op.get(f"{API}/accounts").json()]
    assert "operator" in logins and "a3" in logins
    assert client_for("a1").get(f"{API}/accounts").status_code == 403
    assert client_for(None).get(f"{API}/accounts").status_code == 401
    # a member without an account gets one from the operator
    with web_db.engine.begin() as conn:
        conn.execute(
            sa.delete(store_accounts.accounts).where(store_accounts.accounts.c.login == "c3")
        )
    made = op.post(
        f"{API}/accounts", json={"login": "peasant-c3", "password": "long-enough", "member": "c3"}
    )
    assert made.status_code == 201 and made.json()["member"] == "c3"
    assert (
        op.post(
            f"{API}/accounts", json={"login": "x", "password": "long-enough", "member": "zz"}
        ).status_code
        == 404
    )
    assert (
        op.post(
            f"{API}/accounts", json={"login": "a1", "password": "long-enough", "operator": True}
        ).status_code
        == 422
    )
    ok = op.post(f"{API}/accounts/a3/password", json={"password": "new-password-1"})
    assert ok.status_code == 200
    assert login(TestClient(app), "a3", "new-password-1").status_code == 200
    other = client_for("b3").post(f"{API}/accounts/a3/password", json={"password": "hijacked!!"})
    assert other.status_code == 403


def test_a_new_password_ends_the_other_sessions(client_for: Clients, app: FastAPI) -> None:
    laptop, phone = sign_in(app, "a5"), sign_in(app, "a5")
    assert (
        laptop.post(f"{API}/auth/password", json={"password": "fresh-password"}).status_code == 200
    )
    assert laptop.get(f"{API}/auth/me").status_code == 200  # the session that changed it stays
    assert phone.get(f"{API}/auth/me").status_code == 401  # the other one is signed out
    other = sign_in(app, "a4")
    reset = client_for("operator").post(
        f"{API}/accounts/a4/password", json={"password": "reset-by-op"}
    )
    assert reset.status_code == 200 and other.get(f"{API}/auth/me").status_code == 401
    assert (
        client_for("operator")
        .post(f"{API}/accounts/nobody/password", json={"password": "whatever-1"})
        .status_code
        == 404
    )


def test_member_changes_own_password(client_for: Clients, app: FastAPI) -> None:
    assert (
        client_for("a4").post(f"{API}/auth/password", json={"password": "short"}).status_code == 422
    )
    assert (
        client_for("a4").post(f"{API}/auth/password", json={"password": "longer-pass"}).status_code
        == 200
    )
    assert login(TestClient(app), "a4", "longer-pass").status_code == 200
    assert login(TestClient(app), "a4", password_of("a4")).status_code == 401
