"""Every page, rendered in process, with and without signing in: what it shows and
that the forms call the same actions as the API (the ledger grows by one entry)."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet.model import ElectionStatus
from sovet.storage import Database


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
