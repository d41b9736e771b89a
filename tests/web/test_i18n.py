"""Languages: complete catalogs, the reader's language by link, cookie or browser,
right-to-left Arabic, and numbers and dates in the reader's locale."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from babel.messages.pofile import read_po
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet.web.i18n import CATALOG_DIR, LANGUAGES, Language, load_translations, messages_in_source

TRANSLATED = [code for code in LANGUAGES if code != "en"]


def test_the_pages_have_many_messages() -> None:
    found = messages_in_source()
    assert len(found) > 300
    assert "Cast my ballot" in found  # a template
    assert "Wrong sign-in name or password." in found  # a page module
    assert "single transferable vote (Scottish rules)" in found  # a marked word


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated(code: str) -> None:
    with (CATALOG_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=code)
    translated = {m.id: m.string for m in catalog if m.id}
    missing = [
        f"{msgid!r} ({places[0]})"
        for msgid, places in sorted(messages_in_source().items())
        if not translated.get(msgid)
    ]
    assert missing == [], f"{code}: untranslated messages:\n" + "\n".join(missing)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert fuzzy == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_message_is_translated_twice(code: str) -> None:
    """A msgid defined twice (two branches each adding it) is fatal to msgfmt, and the
    reader's parser silently keeps one of the two translations."""
    text = (CATALOG_DIR / code / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    msgids = Counter(re.findall(r'^msgid ((?:".*"\n)+)', text, flags=re.MULTILINE))
    assert len(msgids) > 300
    assert [msgid for msgid, times in msgids.items() if times > 1] == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_their_placeholders(code: str) -> None:
    with (CATALOG_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=code)
    holder = re.compile(r"%\(\w+\)s")
    for m in catalog:
        if m.id:
            assert sorted(holder.findall(str(m.id))) == sorted(holder.findall(str(m.string))), m.id


def test_english_is_the_default(client: TestClient) -> None:
    r = client.get("/")
    assert '<html lang="en" dir="ltr">' in r.text
    assert r.headers["content-language"] == "en"


@pytest.mark.parametrize(
    ("header", "code", "word"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru", "Выборы"),
        ("el", "el", "Εκλογές"),
        ("ar-EG,ar;q=0.9", "ar", "الانتخابات"),
        ("de-DE,fr;q=0.7", "en", "Elections"),
    ],
)
def test_language_defaults_from_accept_language(
    client: TestClient, header: str, code: str, word: str
) -> None:
    r = client.get("/elections", headers={"Accept-Language": header})
    assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}">' in r.text
    assert f"<h1>{word}</h1>" in r.text


def test_language_chosen_by_link_is_remembered(client: TestClient) -> None:
    r = client.get("/lang/ar", params={"next": "/councils/soviet"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/councils/soviet"
    page = client.get("/councils/soviet", headers={"Accept-Language": "ru"})
    assert '<html lang="ar" dir="rtl">' in page.text  # the cookie wins over the browser
    assert "التركيبة حسب الكتل" in page.text
    # the language links name each language in itself and mark the current one
    assert 'lang="ru" hreflang="ru">Русский</a>' in page.text
    assert 'hreflang="ar" aria-current="true">العربية</a>' in page.text


def test_language_link_never_leaves_the_site(client: TestClient) -> None:
    r = client.get("/lang/el", params={"next": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/"
    assert client.get("/lang/xx").status_code == 404


def test_page_errors_speak_the_readers_language(app: FastAPI) -> None:
    c = TestClient(app)
    c.get("/lang/ru")
    r = c.post("/elections/nope/ballot", data={"rank-a1": "1"})
    assert r.status_code in (401, 404)
    assert "Сначала войдите, пожалуйста." in r.text or "Не найдено." in r.text


def test_numbers_and_dates_follow_the_locale() -> None:
    ru = Language("ru", load_translations("ru"))
    en = Language("en", load_translations("en"))
    assert ru.number(12345) == "12\xa0345" and en.number(12345) == "12,345"
    assert ru.number("3.50000") == "3,5"
    assert ru.moment("2026-01-05T14:03:00Z").startswith("5 янв. 2026")
    assert en.moment("2026-01-05T14:03:00Z").startswith("Jan 5, 2026")
    el = Language("el", load_translations("el"))
    assert el.percent(1, 4) == "25%"


def test_a_greek_page_is_in_greek(client: TestClient) -> None:
    r = client.get("/ledger", headers={"Accept-Language": "el"})
    assert "Υπογεγραμμένη κεφαλή δέντρου" in r.text
    assert "Signed tree head" not in r.text


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_page_renders_in_every_language(app: FastAPI, code: str) -> None:
    from sovet.storage import Database

    db: Database = app.state.store.db
    s = db.state
    election = next(iter(s.elections))
    mandate = next(iter(s.mandates))
    urls = [
        "/",
        "/units",
        "/units/u1",
        "/councils",
        "/councils/soviet",
        "/elections",
        f"/elections/{election}",
        f"/elections/{election}/recount",
        f"/delegates/{mandate}",
        "/motions",
        "/decisions",
        "/recalls",
        "/ratifications",
        "/ledger",
        "/ledger/1",
        "/constitution",
        "/factions",
        "/apportionment",
        "/login",
    ]
    c = TestClient(app)
    c.get(f"/lang/{code}")
    english = TestClient(app)
    for url in urls:
        r = c.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        assert f'<html lang="{code}"' in r.text
        # the page's own words changed (names of people and bodies stay as they are)
        title = re.search(r"<h1>(.*?)</h1>", r.text, re.S)
        assert title is not None
        assert r.text != english.get(url).text
