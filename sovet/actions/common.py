"""What every action shares: new ids and time, and the names every export can carry."""

from __future__ import annotations

import re
import secrets
import unicodedata

from sovet.errors import InputError

__all__ = ["MAX_NAME", "check_name", "new_id", "slug"]

MAX_NAME = 200
"""The longest name (of a budget, a project ...) an action accepts, in characters."""

# Controls that reorder the text around them (embeddings, overrides, isolates): a name
# holding them can show one thing and be another (CVE-2021-42574). The marks LRM and
# RLM, which only say which way a neutral character runs, stay allowed.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control characters, line and paragraph separators, lone surrogates.
_NOT_IN_A_NAME = frozenset({"Cc", "Cs", "Zl", "Zp"})


def check_name(value: str, field: str, *, limit: int = MAX_NAME) -> str:
    """``value`` if every file Sovet writes (pabulib, BLT, CSV, JSON lines) can carry it
    as one field of one line; otherwise :class:`InputError` naming ``field``.

    A name is printable text: no control character (newline, CR, tab, NUL ...), no line
    or paragraph separator, no bidirectional embedding, override or isolate; not empty,
    no space at either end, at most ``limit`` characters. Quotes, separators (``;`` and
    ``,``), words such as ``VOTES`` and right-to-left scripts are fine: the writers quote.

    >>> check_name('Library "Mir"; VOTES', "projects[0].name")
    'Library "Mir"; VOTES'
    >>> check_name("a\\nVOTES", "projects[0].name")
    Traceback (most recent call last):
    ...
    sovet.errors.InputError: projects[0].name: U+000A (a control character) cannot be in a name
    """
    if not value.strip():
        raise InputError(f"{field}: empty")
    if value != value.strip():
        raise InputError(f"{field}: no spaces at the start or the end")
    if len(value) > limit:
        raise InputError(f"{field}: {len(value)} characters, more than {limit} characters")
    for char in value:
        category = unicodedata.category(char)
        if category in _NOT_IN_A_NAME or char in _BIDI_CONTROLS:
            what = {
                "Cc": "a control character",
                "Cs": "a lone surrogate",
                "Zl": "a line separator",
                "Zp": "a paragraph separator",
            }.get(category, "a bidirectional control")
            raise InputError(f"{field}: U+{ord(char):04X} ({what}) cannot be in a name")
    return value


def new_id(prefix: str) -> str:
    """A fresh random id such as ``m-3f9a1c2b7d``."""
    return f"{prefix}-{secrets.token_hex(5)}"


def slug(text: str) -> str:
    """A readable id from a name.

    >>> slug("Putilov Works, Petrograd")
    'putilov-works-petrograd'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"
