"""Input that one backend would store and the other refuse gets the same clear answer
on both."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from sovet.storage import Database
from sovet.storage import accounts as store_accounts

from .conftest import password_of

API = "/api/v1"


def test_a_nul_character_in_a_login_is_refused_as_bad_input(
    client: TestClient, web_db: Database
) -> None:
    r = client.post(f"{API}/auth/login", json={"login": "a3\x00", "password": "x"})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_input"
    assert "NUL" in r.json()["error"]["message"]
    # the server goes on: the real account signs in
    r = client.post(f"{API}/auth/login", json={"login": "a3", "password": password_of("a3")})
    assert r.status_code == 200, r.text


def test_a_nul_character_in_a_token_name_stores_nothing(
    client_for: Callable[[str | None], TestClient], web_db: Database
) -> None:
    a3 = client_for("a3")
    account = store_accounts.account_by_login(web_db, "a3")
    assert account is not None
    before = store_accounts.list_tokens(web_db, account.id)
    r = a3.post(f"{API}/auth/tokens", json={"name": "laptop\x00"})
    assert r.status_code == 422, r.text
    assert "NUL" in r.json()["error"]["message"]
    assert store_accounts.list_tokens(web_db, account.id) == before
