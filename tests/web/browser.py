"""What the browser journeys share: the server they talk to, opening a page in a
language, signing in, screenshots to test-output/screenshots/, and a few ready-made
elections and sittings of the small federation (see ``conftest.py``)."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sovet import actions
from sovet.model import ElectionPurpose, ElectionStatus
from sovet.storage import Database
from sovet.web.i18n import Language, load_translations

from ..elections import open_vote

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


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


def num(lang: str, n: int) -> str:
    return Language(lang, load_translations(lang)).number(n)


def ranked_election(db: Database) -> str:
    """The election of u1's convenor (one seat, Scottish STV; u1's delegates sit, so its
    delegation is not open to election again), open for voting: a2..a5 stood (a2 with a
    statement) and the nomination period is over."""
    e = open_vote(
        db,
        "u1",
        "u1",
        ["a2", "a3", "a4", "a5"],
        convenor="a1",
        purpose=ElectionPurpose.OFFICE,
        office="convenor",
        statements={"a2": "Bread and peace"},
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
