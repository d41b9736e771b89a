"""Languages of the pages: gettext catalogs, the reader's locale, and local formatting.

The catalogs are the ``.po`` files under ``sovet/web/i18n/<lang>/LC_MESSAGES/``;
they are compiled in memory when the app first needs them (so a fresh clone runs
without a build step). English is the source language. The reader's language is,
in order: the one they chose by link (kept in the ``sovet_lang`` cookie), else the
best match of their browser's ``Accept-Language``, else English. Numbers and dates
are formatted with Babel in that locale; Arabic pages are written right to left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, negotiate_locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

__all__ = [
    "CATALOG_DIR",
    "COOKIE",
    "LANGUAGES",
    "N_",
    "RTL",
    "Catalogs",
    "Language",
    "catalogs_of",
    "choose_language",
    "load_translations",
    "messages_in_source",
]

LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский", "el": "Ελληνικά", "ar": "العربية"}
"""The languages of the pages, each named in itself (as the language links show it)."""

RTL = frozenset({"ar"})
COOKIE = "sovet_lang"
CATALOG_DIR = Path(__file__).parent / "i18n"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown.

    >>> N_("Elections")
    'Elections'
    """
    return message


def load_translations(language: str, directory: Path = CATALOG_DIR) -> NullTranslations:
    """Compile ``<language>/LC_MESSAGES/messages.po`` in memory into gettext translations
    (English, the source language, needs none)."""
    po = directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == "en" or not po.is_file():
        return NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def choose_language(cookie: str | None, accept_language: str | None) -> str:
    """The reader's language: the remembered choice, else the browser's best match.

    >>> choose_language(None, "el-GR,el;q=0.9,en;q=0.5")
    'el'
    >>> choose_language("ar", "ru")
    'ar'
    >>> choose_language(None, "de-DE, fr;q=0.5")
    'en'
    """
    if cookie in LANGUAGES:
        assert cookie is not None
        return cookie
    wanted: list[tuple[float, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        if not tag or tag == "*":
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        wanted.append((-q + i * 1e-6, tag.replace("_", "-")))
    preferred = [tag for _, tag in sorted(wanted)]
    found = negotiate_locale(preferred, list(LANGUAGES), sep="-")
    return found or "en"


@dataclass(frozen=True)
class Language:
    """Everything a page needs to speak one language: its messages and its formats."""

    code: str
    translations: NullTranslations

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self.code in RTL

    @property
    def direction(self) -> str:
        """The ``dir`` attribute of the page."""
        return "rtl" if self.rtl else "ltr"

    @property
    def locale(self) -> Locale:
        """The Babel locale."""
        return Locale.parse(self.code)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def number(self, value: int | str) -> str:
        """An integer or a decimal string in the reader's digits and separators.

        >>> Language("ru", NullTranslations()).number(12345)
        '12\\xa0345'
        """
        from decimal import Decimal

        return format_decimal(Decimal(str(value)), locale=self.code, decimal_quantization=False)

    def percent(self, part: int, whole: int) -> str:
        """``part`` of ``whole`` as a whole percentage in the reader's locale."""
        from decimal import Decimal

        if whole <= 0:
            return format_percent(0, locale=self.code)
        share = (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"))
        return format_percent(share, format="#,##0.#%", locale=self.code)

    def moment(self, at: str | None, *, with_time: bool = True) -> str:
        """An ISO-8601 UTC time from the log, as the reader writes dates (in UTC)."""
        if not at:
            return ""
        try:
            when = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            return at
        if not with_time:
            return format_date(when.date(), format="long", locale=self.code)
        return format_datetime(when, format="medium", tzinfo=dt.UTC, locale=self.code) + " UTC"

    def jinja_globals(self) -> dict[str, Any]:
        """``_``/``gettext`` for templates (new-style: ``_("%(n)s seats", n=3)``) and
        the formatting helpers."""
        return {
            "_": _template_gettext(self.gettext),
            "gettext": _template_gettext(self.gettext),
            "lang": self,
            "num": self.number,
            "pct": self.percent,
            "when": self.moment,
        }


def _template_gettext(func: Callable[[str], str]) -> Callable[..., str]:
    @pass_context
    def gettext(context: Context, message: str, /, **variables: Any) -> str:
        text = func(message)
        if context.eval_ctx.autoescape:
            return Markup(text) % variables
        return text % variables

    return gettext


class Catalogs:
    """The compiled catalogs of one app (built once, read by every request)."""

    def __init__(self, directory: Path = CATALOG_DIR) -> None:
        self.languages = {
            code: Language(code, load_translations(code, directory)) for code in LANGUAGES
        }

    def for_request(self, request: Request) -> Language:
        """The reader's language: chosen by link (cookie), else Accept-Language, else English."""
        code = choose_language(request.cookies.get(COOKIE), request.headers.get("accept-language"))
        return self.languages[code]


def catalogs_of(request: Request) -> Catalogs:
    """The app's catalogs, compiled on first use and kept on ``app.state``."""
    state = request.app.state
    catalogs = getattr(state, "sovet_catalogs", None)
    if not isinstance(catalogs, Catalogs):
        catalogs = Catalogs()
        state.sovet_catalogs = catalogs
    return catalogs


SOURCES = Path(__file__).parent
METHOD_MAP = [
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("pages.py", "python"),
    ("pages_*.py", "python"),
    ("i18n.py", "python"),
]
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def messages_in_source(directory: Path = SOURCES) -> dict[str, list[str]]:
    """Every message the pages can show, extracted from the templates and the page
    modules, with the places it appears (``file:line``)."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(directory), METHOD_MAP, keywords=KEYWORDS, strip_comment_tags=True
    ):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            found.setdefault(message, []).append(f"{filename}:{line}")
    return found
