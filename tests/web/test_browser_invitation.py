"""An invitation link opened in a real browser: the code rides in the link's fragment,
which the browser never sends, and a small script posts it in the form (issue 13, item 9;
the same journey without a browser is in tests/security/test_sessions.py)."""

from __future__ import annotations

from typing import Any

import pytest

from sovet.storage import accounts as store_accounts
from sovet.web.auth import hash_token

from .browser import Server, open_page


@pytest.mark.browser
def test_an_invitation_link_opens_from_its_fragment(chromium: Any, server: Server) -> None:
    token = "fragment-code-1234567890"
    store_accounts.create_invitation(
        server.db,
        token_hash=hash_token(token),
        unit="u1",
        created_by="a1",
        at="2026-01-01T00:00:00Z",
        expires_at="2999-01-01T00:00:00Z",
    )
    page = open_page(chromium, server, "en")
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto(f"/invite#{token}")
    page.wait_for_selector("input[name=name]")  # the script posted the code: the join form
    assert "Putilov Works" in page.content()
    assert not any(token in url for url in sent)  # never in a URL the server saw
    assert token not in page.url
