"""The federation's constitution: parse and validate its TOML, with every problem located.

A constitution says, for every body of the federation, how its seats are filled and
shared, what makes a quorum and a majority, how long a mandate lasts; how delegates are
recalled; which matters are reserved to the base and how the base ratifies them; and how
the constitution itself is amended. ``docs/constitution.md`` explains every key and
``docs/sample-constitution.toml`` (the same text as :data:`DEFAULT_CONSTITUTION`) is a
complete example.

Validation reports *every* problem at once, each with the line and key path where it is
(``source:line: key.path: message``), so a federation can fix its file in one go.

>>> c = default_constitution()
>>> c.rules_for("federation-congress", "congress").quorum
Fraction(2, 3)
>>> check_constitution(DEFAULT_CONSTITUTION.replace("version = 1", "version = 0"))
[Problem(line=17, path='federation.version', message='must be at least 1, got 0', column=None)]

This module is pure: it reads text and returns values; it does no I/O.
"""

from __future__ import annotations

import contextlib
import dataclasses
import decimal
import difflib
import hashlib
import json
import re
import tomllib
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from sovet.errors import ConstitutionError
from sovet.model import BodyKind

__all__ = [
    "APPORTIONMENT_METHODS",
    "BODY_KINDS",
    "BODY_RULE_KEYS",
    "DEFAULT_CONSTITUTION",
    "ELECTION_METHODS",
    "LAND_CUTS",
    "LAND_NORMS",
    "AmendmentRules",
    "BodyRules",
    "BreachAction",
    "Constitution",
    "LandRules",
    "Problem",
    "RatificationRules",
    "RecallRules",
    "Replacement",
    "check_bodies",
    "check_constitution",
    "constitution_to_dict",
    "default_constitution",
    "diff_constitutions",
    "format_fraction",
    "parse_constitution",
    "parse_share",
]

ELECTION_METHODS: tuple[str, ...] = (
    "plurality",
    "two-round",
    "approval",
    "borda",
    "irv",
    "scottish-stv",
    "meek-stv",
    "schulze",
    "ranked-pairs",
    "copeland",
    "minimax",
    "phragmen",
)
"""Counting method ids a body may be elected by (the ids of ``sovet count``)."""

APPORTIONMENT_METHODS: tuple[str, ...] = (
    "dhondt",
    "sainte-lague",
    "modified-sainte-lague",
    "hare",
    "droop",
    "huntington-hill",
    "webster",
    "adams",
)
"""Apportionment method ids a council's seats may be shared by (those of ``sovet apportion``)."""


BODY_KINDS: tuple[str, ...] = tuple(kind.value for kind in BodyKind)
"""The two kinds every body is: ``unit`` and ``council``. A ``[kinds.*]`` table may also
be named after a council's level (``congress``, ``territorial`` ...): its rules then apply
to the councils of that level, over those of ``[kinds.council]``."""


class Replacement(StrEnum):
    """Who takes a recalled delegate's seat."""

    NEXT_ON_LIST = "next-on-list"
    BY_ELECTION = "by-election"


LAND_NORMS: tuple[str, ...] = ("per_eater", "per_worker")
"""Who counts in a household's share of land: everyone it feeds, or its workers."""

LAND_CUTS: tuple[str, ...] = ("strips", "blocks", "whole")
"""How parcels may be cut when land is divided (see :mod:`sovet.planning.land`)."""


class BreachAction(StrEnum):
    """What a vote against a binding instruction does, beyond being flagged in public."""

    FLAG = "flag"
    OPEN_PETITION = "open-petition"


@dataclass(frozen=True, slots=True)
class BodyRules:
    """How one body (a unit's assembly and committee, or a council) is elected and decides."""

    election_method: str
    apportionment: str
    members_per_delegate: int
    min_delegates: int
    max_seats: int | None
    committee_seats: int
    quorum: Fraction
    majority: Fraction
    term_days: int
    secret_ballot: bool


BODY_RULE_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(BodyRules))
"""The keys of ``[defaults]``, ``[kinds.*]`` and ``[bodies.*]``, in declaration order."""


@dataclass(frozen=True, slots=True)
class RecallRules:
    """How constituents recall their delegate."""

    petition_threshold: Fraction
    majority: Fraction
    replacement: Replacement
    on_breach: BreachAction
    voting_days: int


@dataclass(frozen=True, slots=True)
class RatificationRules:
    """When the base has ratified: more than ``units`` of the units, holding more than
    ``members`` of the members, within ``period_days``."""

    units: Fraction
    members: Fraction
    period_days: int


@dataclass(frozen=True, slots=True)
class AmendmentRules:
    """How the constitution is amended: a council vote, then ratification from below."""

    majority: Fraction
    ratification: RatificationRules


@dataclass(frozen=True, slots=True)
class LandRules:
    """How a base unit divides its land and housing: by ``norm`` (``per_eater`` or
    ``per_worker``), cutting parcels as ``cut`` allows unless a division says otherwise."""

    norm: str = "per_eater"
    cut: str = "blocks"


@dataclass(frozen=True, slots=True)
class Constitution:
    """A valid constitution; build one with :func:`parse_constitution`.

    ``kinds`` and ``bodies`` hold fully merged rules: a kind's table over ``defaults``; a
    body's table over its declared ``kind`` (or ``defaults``). ``body_overrides`` keeps
    what each body table itself says, so :meth:`rules_for` can lay it over any kind, and
    ``body_kinds`` the kind a body table declares.
    """

    name: str
    version: int
    defaults: BodyRules
    kinds: Mapping[str, BodyRules] = field(hash=False)
    bodies: Mapping[str, BodyRules] = field(hash=False)
    recall: RecallRules
    ratification: RatificationRules
    amendment: AmendmentRules
    reserved_matters: frozenset[str]
    text: str
    land: LandRules = field(default_factory=LandRules)
    body_overrides: Mapping[str, Mapping[str, Any]] = field(
        default_factory=dict, hash=False, compare=False
    )
    body_kinds: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    def rules_for(self, body_id: str, kind: str) -> BodyRules:
        """The rules of body ``body_id`` of kind ``kind``: its own table, over its kind's,
        over ``[defaults]``.

        ``kind`` is the body's kind in the federation ("unit" or "council"); it is always
        the caller's, so this never fails. A body table that declares another kind is a
        mistake that :func:`check_bodies` reports before a constitution is adopted.

        >>> c = default_constitution()
        >>> c.rules_for("city-soviet", "council").members_per_delegate
        1000
        >>> c.rules_for("putilov-works", "unit").committee_seats
        7
        >>> c.rules_for("federation-congress", "congress").quorum
        Fraction(2, 3)
        >>> c.rules_for("a-district-soviet", "territorial") == c.kinds["council"]
        True
        """
        base = _kind_rules(self.kinds, self.defaults, kind)
        overrides = self.body_overrides.get(body_id)
        if overrides is not None:
            return dataclasses.replace(base, **overrides)
        return self.bodies.get(body_id, base)

    @property
    def digest(self) -> str:
        """SHA-256 (lowercase hex) of the TOML text, as recorded in the log."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with a constitution: where (line, key path) and what."""

    line: int
    path: str
    message: str
    column: int | None = None

    def format(self, source: str = "<constitution>") -> str:
        """``source:line: key.path: message`` (``source:line:column: message`` for syntax).

        >>> Problem(3, "defaults.quorum", "must be more than 0").format("c.toml")
        'c.toml:3: defaults.quorum: must be more than 0'
        """
        if not self.path:
            where = (
                f"{source}:{self.line}:{self.column}" if self.column else f"{source}:{self.line}"
            )
            return f"{where}: {self.message}"
        return f"{source}:{self.line}: {self.path}: {self.message}"


# ---------------------------------------------------------------------------------------
# Shares


def parse_share(value: object) -> Fraction:
    """A share written as ``"2/3"``, ``"50%"``, ``"0.5"``, ``0.5`` (a Decimal) or ``1``,
    exactly as a Fraction. Raises ValueError with a readable message.

    >>> parse_share("2/3"), parse_share("12.5%"), parse_share(decimal.Decimal("0.1"))
    (Fraction(2, 3), Fraction(1, 8), Fraction(1, 10))
    """
    if isinstance(value, bool):
        raise ValueError(f'expected a share such as "1/2" or "50%", got {_show(value)}')
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"expected a finite share, got {value}")
        return Fraction(value)
    if isinstance(value, str):
        text = value.strip()
        match = _RATIO.fullmatch(text)
        if match:
            denominator = int(match["d"])
            if denominator == 0:
                raise ValueError(f"{_render(value)} divides by zero")
            return Fraction(int(match["n"]), denominator) * (-1 if match["sign"] else 1)
        match = _PERCENT.fullmatch(text)
        if match:
            return Fraction(decimal.Decimal(match["x"])) / 100
        if _DECIMAL.fullmatch(text):
            return Fraction(decimal.Decimal(text))
        raise ValueError(f'expected a share such as "1/2", "50%" or 0.5, got {_render(value)}')
    raise ValueError(f'expected a share such as "1/2", "50%" or 0.5, got {_show(value)}')


_RATIO = re.compile(r"(?P<sign>-)?\s*(?P<n>\d+)\s*/\s*(?P<d>\d+)")
_PERCENT = re.compile(r"(?P<x>-?\d+(?:\.\d+)?)\s*%")
_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")


def format_fraction(value: Fraction) -> str:
    """Always ``"n/d"``, as in the JSON output.

    >>> format_fraction(Fraction(1)), format_fraction(Fraction(2, 4))
    ('1/1', '1/2')
    """
    return f"{value.numerator}/{value.denominator}"


# ---------------------------------------------------------------------------------------
# Locating key paths in the text (tomllib gives values, not positions)

_KeyPart = str | int
_KeyPath = tuple[_KeyPart, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key(part: _KeyPart) -> str:
    if isinstance(part, int):
        return f"[{part}]"
    return part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)


def _dotted(path: _KeyPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + _key(part)
    return out


class _Locator:
    """Finds the line where each key path is first written, by a small scan of valid TOML.

    It follows ``[table]`` and ``[[array]]`` headers, ``key = value`` lines with dotted and
    quoted keys, inline tables and (multi-line) arrays, and skips strings and comments.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.lines: dict[_KeyPath, int] = {}
        self.arrays: dict[_KeyPath, int] = {}
        # A best effort: anything left unlocated falls back to an enclosing table.
        with contextlib.suppress(IndexError, ValueError, tomllib.TOMLDecodeError):
            self._scan()

    def line(self, path: _KeyPath) -> int:
        for end in range(len(path), 0, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return 1

    def _line_at(self, pos: int) -> int:
        return bisect_right(self.starts, pos)

    def _record(self, path: _KeyPath, pos: int) -> None:
        line = self._line_at(pos)
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], line)

    def _scan(self) -> None:
        text, i = self.text, 0
        table: _KeyPath = ()
        while True:
            i = self._skip_blank(i, newlines=True)
            if i >= len(text):
                return
            start = i
            if text.startswith("[[", i):
                key, i = self._parse_key(i + 2)
                index = self.arrays.get(key, -1) + 1
                self.arrays[key] = index
                table = (*key, index)
                self._record(key, start)
                self._record(table, start)
                i = text.index("]]", i) + 2
            elif text[i] == "[":
                key, i = self._parse_key(i + 1)
                table = key
                self._record(table, start)
                i = text.index("]", i) + 1
            else:
                key, i = self._parse_key(i)
                self._record((*table, *key), start)
                i = self._skip_blank(i)
                i = self._skip_value(i + 1, (*table, *key))  # past "="
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline + 1

    def _skip_blank(self, i: int, *, newlines: bool = False) -> int:
        text = self.text
        while i < len(text):
            c = text[i]
            if c in " \t\r" or (newlines and c == "\n"):
                i += 1
            elif c == "#" and newlines:
                newline = text.find("\n", i)
                i = len(text) if newline < 0 else newline
            else:
                break
        return i

    def _parse_key(self, i: int) -> tuple[_KeyPath, int]:
        text, parts = self.text, []
        while True:
            i = self._skip_blank(i)
            if text[i] in "\"'":
                end = self._string_end(i)
                parts.append(tomllib.loads(f"k = {text[i:end]}")["k"])
                i = end
            else:
                match = _BARE_KEY.match(text, i)
                if match is None:
                    raise ValueError("not a key")
                parts.append(match.group())
                i = match.end()
            i = self._skip_blank(i)
            if i < len(text) and text[i] == ".":
                i += 1
                continue
            return tuple(parts), i

    def _string_end(self, i: int) -> int:
        """Index just past the string starting at ``i``."""
        text = self.text
        for quote in ('"""', "'''"):
            if text.startswith(quote, i):
                j = i + 3
                while True:
                    if quote == '"""' and text[j] == "\\":
                        j += 2
                    elif text.startswith(quote, j):
                        j += 3
                        for _ in range(2):  # up to two more quotes end the content
                            if j < len(text) and text[j] == quote[0]:
                                j += 1
                        return j
                    else:
                        j += 1
        quote, j = text[i], i + 1
        while text[j] != quote:
            j += 2 if quote == '"' and text[j] == "\\" else 1
        return j + 1

    def _skip_value(self, i: int, path: _KeyPath) -> int:
        text = self.text
        i = self._skip_blank(i)
        c = text[i]
        if c in "\"'":
            return self._string_end(i)
        if c == "[":
            i, index = i + 1, 0
            while True:
                i = self._skip_blank(i, newlines=True)
                if text[i] == "]":
                    return i + 1
                self._record((*path, index), i)
                i = self._skip_value(i, (*path, index))
                index += 1
                i = self._skip_blank(i, newlines=True)
                if text[i] == ",":
                    i += 1
        if c == "{":
            i += 1
            while True:
                i = self._skip_blank(i)
                if text[i] == "}":
                    return i + 1
                key, i = self._parse_key(i)
                self._record((*path, *key), i)
                i = self._skip_blank(i)
                i = self._skip_value(i + 1, (*path, *key))
                i = self._skip_blank(i)
                if text[i] == ",":
                    i += 1
        while i < len(text) and text[i] not in ",]}\n#":
            i += 1
        return i


# ---------------------------------------------------------------------------------------
# Validation


class _Bad(Exception):
    """A value that does not fit its key; the message says why."""


def _show(value: object) -> str:
    kinds = {
        bool: "a boolean",
        int: "an integer",
        decimal.Decimal: "a decimal number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    for kind, name in kinds.items():
        if type(value) is kind:
            return f"{name} ({_render(value)})" if kind not in (list, dict) else name
    return f"a {type(value).__name__} ({value})"


def _render(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _count(minimum: int) -> Callable[[object], int]:
    def convert(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"expected a whole number, got {_show(value)}")
        if value < minimum:
            raise _Bad(f"must be at least {minimum}, got {value}")
        return value

    return convert


def _optional_seats(value: object) -> int | None:
    if isinstance(value, str) and value.strip().lower() == "none":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f'expected a whole number of seats (or "none"), got {_show(value)}')
    if value < 1:
        raise _Bad(f"must be at least 1, got {value}")
    return value


def _choice(options: tuple[str, ...], what: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        if not isinstance(value, str):
            raise _Bad(f"expected {what} (a string), got {_show(value)}")
        if value not in options:
            raise _Bad(
                f"unknown {what} {_render(value)}{_suggest(value, options)}; "
                f"one of: {', '.join(options)}"
            )
        return value

    return convert


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"expected true or false, got {_show(value)}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Bad(f"expected a string, got {_show(value)}")
    if not value.strip():
        raise _Bad("must not be empty")
    return value


def _share(kind: str) -> Callable[[object], Fraction]:
    """``quorum``: 0 < x <= 1; ``threshold``: 0 < x <= 1; ``majority``: 1/2 <= x < 1."""

    def convert(value: object) -> Fraction:
        try:
            share = parse_share(value)
        except ValueError as exc:
            raise _Bad(str(exc)) from None
        shown = _render(value)
        if kind == "majority":
            if not 0 <= share < 1:
                raise _Bad(f"must be a share from 1/2 up to (not including) 1, got {shown}")
            if share < Fraction(1, 2):
                raise _Bad(
                    f"must be at least 1/2 (more than this share must agree), got {shown}: "
                    "a smaller share would let a minority decide"
                )
        elif not 0 < share <= 1:
            raise _Bad(f"must be more than 0 and at most 1, got {shown}")
        return share

    return convert


def _enum(enum: type[StrEnum]) -> Callable[[object], StrEnum]:
    options = tuple(member.value for member in enum)

    def convert(value: object) -> StrEnum:
        if not isinstance(value, str) or value not in options:
            got = _render(value) if isinstance(value, str) else _show(value)
            raise _Bad(f"expected one of {', '.join(options)}, got {got}{_suggest(value, options)}")
        return enum(value)

    return convert


_MATTER = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")


def _matters(value: object) -> list[str]:
    if not isinstance(value, list):
        raise _Bad(f"expected an array of matter names, got {_show(value)}")
    return value


def _suggest(word: object, options: tuple[str, ...] | list[str]) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {_render(close[0])}?)" if close else ""


def _unknown(what: str, key: str, known: tuple[str, ...] | list[str]) -> str:
    """``unknown key (did you mean "x"?)``, or the known keys when none is close."""
    suggestion = _suggest(key, known)
    if suggestion:
        return f"unknown {what}{suggestion}"
    return f"unknown {what}; expected one of: {', '.join(known)}"


_BODY_FIELDS: dict[str, Callable[[object], Any]] = {
    "election_method": _choice(ELECTION_METHODS, "election method"),
    "apportionment": _choice(APPORTIONMENT_METHODS, "apportionment method"),
    "members_per_delegate": _count(1),
    "min_delegates": _count(1),
    "max_seats": _optional_seats,
    "committee_seats": _count(1),
    "quorum": _share("quorum"),
    "majority": _share("majority"),
    "term_days": _count(1),
    "secret_ballot": _boolean,
}
_FEDERATION_FIELDS: dict[str, Callable[[object], Any]] = {"name": _text, "version": _count(1)}
_RECALL_FIELDS: dict[str, Callable[[object], Any]] = {
    "petition_threshold": _share("threshold"),
    "majority": _share("majority"),
    "replacement": _enum(Replacement),
    "on_breach": _enum(BreachAction),
    "voting_days": _count(1),
}
_RATIFICATION_FIELDS: dict[str, Callable[[object], Any]] = {
    "units": _share("majority"),
    "members": _share("majority"),
    "period_days": _count(1),
}
_AMENDMENT_FIELDS: dict[str, Callable[[object], Any]] = {
    "majority": _share("majority"),
    **_RATIFICATION_FIELDS,
}
_LAND_FIELDS: dict[str, Callable[[object], Any]] = {
    "norm": _choice(LAND_NORMS, "land norm"),
    "cut": _choice(LAND_CUTS, "way to cut parcels"),
}
_SECTIONS = (
    "federation",
    "defaults",
    "kinds",
    "bodies",
    "recall",
    "ratification",
    "amendment",
    "matters",
    "land",
)


class _Checker:
    """Walks the parsed document, converting values and collecting every problem."""

    def __init__(self, document: dict[str, Any], locator: _Locator) -> None:
        self.document = document
        self.locator = locator
        self.problems: list[Problem] = []
        self.declared: dict[str, str] = {}

    def problem(self, path: _KeyPath, message: str) -> None:
        self.problems.append(Problem(self.locator.line(path), _dotted(path), message))

    def table(self, path: _KeyPath, value: object, what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, f"expected a table ({what}), got {_show(value)}")
            return None
        return value

    def fields(
        self,
        path: _KeyPath,
        table: dict[str, Any],
        spec: Mapping[str, Callable[[object], Any]],
        *,
        required: tuple[str, ...] = (),
        extra: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """Convert the known keys of ``table``; report unknown and missing ones."""
        out: dict[str, Any] = {}
        known = [*spec, *extra]
        for key, value in table.items():
            if key in extra:
                continue
            if key not in spec:
                self.problem((*path, key), _unknown("key", key, known))
                continue
            try:
                out[key] = spec[key](value)
            except _Bad as exc:
                self.problem((*path, key), str(exc))
                continue
            self.declared[_dotted((*path, key))] = _canonical(out[key])
        for key in required:
            if key not in table:
                self.problem(path, f"missing required key {key!r}")
        return out

    def section(self, name: str, what: str) -> dict[str, Any] | None:
        if name not in self.document:
            self.problem((name,), f"missing required table [{name}] ({what})")
            return None
        return self.table((name,), self.document[name], what)

    def run(self) -> dict[str, Any]:
        for key in self.document:
            if key not in _SECTIONS:
                self.problem((key,), _unknown("table", key, _SECTIONS))
        result: dict[str, Any] = {}
        federation = self.section("federation", "name and version")
        if federation is not None:
            result["federation"] = self.fields(
                ("federation",), federation, _FEDERATION_FIELDS, required=("name", "version")
            )
        defaults = self.section("defaults", "rules for every body")
        if defaults is not None:
            required = tuple(k for k in BODY_RULE_KEYS if k != "max_seats")
            result["defaults"] = self.fields(
                ("defaults",), defaults, _BODY_FIELDS, required=required
            )
            result["defaults"].setdefault("max_seats", None)
        result["kinds"] = self.overrides("kinds", "body kind")
        result["bodies"] = self.overrides("bodies", "body")
        for name, spec, what in (
            ("recall", _RECALL_FIELDS, "how delegates are recalled"),
            ("ratification", _RATIFICATION_FIELDS, "how the base ratifies reserved matters"),
        ):
            section = self.section(name, what)
            if section is not None:
                result[name] = self.fields((name,), section, spec, required=tuple(spec))
        amendment = self.section("amendment", "how the constitution is amended")
        if amendment is not None:
            result["amendment"] = self.fields(
                ("amendment",), amendment, _AMENDMENT_FIELDS, required=("majority",)
            )
        result["reserved"] = self.reserved()
        result["land"] = {}
        if "land" in self.document:  # optional: per eater, in blocks, when absent
            land = self.table(("land",), self.document["land"], "how base units divide land")
            if land is not None:
                result["land"] = self.fields(("land",), land, _LAND_FIELDS)
        self.cross_checks(result)
        return result

    def overrides(self, name: str, what: str) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        if name not in self.document:
            return out
        tables = self.table((name,), self.document[name], f"one table per {what}")
        if tables is None:
            return out
        for ident, value in tables.items():
            path: _KeyPath = (name, ident)
            if not ident.strip():
                self.problem(path, f"a {what} id must not be empty")
                continue
            table = self.table(path, value, f"rules for {what} {_render(ident)}")
            if table is None:
                continue
            extra = ("kind",) if name == "bodies" else ()
            out[ident] = self.fields(path, table, _BODY_FIELDS, extra=extra)
            if name == "bodies" and "kind" in table:
                try:
                    out[ident]["kind"] = self.body_kind(table["kind"])
                except _Bad as exc:
                    self.problem((*path, "kind"), str(exc))
                else:
                    self.declared[_dotted((*path, "kind"))] = _canonical(table["kind"])
        return out

    def body_kind(self, value: object) -> str:
        """A body table's ``kind``: unit, council, or a kind with its own table."""
        known = [*BODY_KINDS, *(k for k in self.kind_names() if k not in BODY_KINDS)]
        if not isinstance(value, str):
            raise _Bad(f"expected a kind (a string), got {_show(value)}")
        if value not in known:
            raise _Bad(
                f"unknown kind {_render(value)}{_suggest(value, known)}; one of: "
                f"{', '.join(known)} (a council level needs its own [kinds.*] table)"
            )
        return value

    def kind_names(self) -> list[str]:
        kinds = self.document.get("kinds")
        return [str(k) for k in kinds] if isinstance(kinds, dict) else []

    def reserved(self) -> frozenset[str]:
        section = self.section("matters", "the matters reserved to the base")
        if section is None:
            return frozenset()
        for key in section:
            if key != "reserved":
                self.problem(("matters", key), _unknown("key", key, ["reserved"]))
        if "reserved" not in section:
            self.problem(("matters",), "missing required key 'reserved' (an array, may be empty)")
            return frozenset()
        try:
            items = _matters(section["reserved"])
        except _Bad as exc:
            self.problem(("matters", "reserved"), str(exc))
            return frozenset()
        seen: set[str] = set()
        for index, item in enumerate(items):
            path: _KeyPath = ("matters", "reserved", index)
            if not isinstance(item, str):
                self.problem(path, f"expected a matter name (a string), got {_show(item)}")
            elif not _MATTER.fullmatch(item):
                self.problem(
                    path,
                    f"{_render(item)} is not a matter name: use lowercase words joined by "
                    '"." or "-", such as "federation.dissolve"',
                )
            elif item in seen:
                self.problem(path, f"{_render(item)} is listed twice")
            if isinstance(item, str):
                seen.add(item)
        return frozenset(item for item in items if isinstance(item, str))

    def cross_checks(self, result: dict[str, Any]) -> None:
        amendment, ratification = result.get("amendment"), result.get("ratification")
        if amendment is None or ratification is None:
            return
        for key in ("units", "members"):
            if key in amendment and key in ratification and amendment[key] < ratification[key]:
                self.problem(
                    ("amendment", key),
                    f"{format_fraction(amendment[key])} is less than ratification.{key} "
                    f"({format_fraction(ratification[key])}): amending the constitution may "
                    "not be easier to ratify than any other reserved matter",
                )


def _canonical(value: object) -> str:
    if isinstance(value, Fraction):
        return format_fraction(value)
    if value is None:
        return "none"
    return _render(value.value if isinstance(value, StrEnum) else value)


def _syntax_problem(exc: tomllib.TOMLDecodeError, text: str) -> Problem:
    message = str(exc)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        return Problem(int(match[1]), "", message[: match.start()], int(match[2]))
    match = re.search(r"\s*\(at end of document\)$", message)
    if match:
        return Problem(text.count("\n") + 1, "", message[: match.start()] + " at end of file")
    return Problem(1, "", message)  # pragma: no cover - tomllib always says where


def _load(text: str) -> tuple[dict[str, Any] | None, list[Problem], dict[str, str]]:
    try:
        document = tomllib.loads(text, parse_float=decimal.Decimal)
    except tomllib.TOMLDecodeError as exc:
        return None, [_syntax_problem(exc, text)], {}
    checker = _Checker(document, _Locator(text))
    result = checker.run()
    return result, sorted(checker.problems), checker.declared


def check_constitution(text: str, *, source: str = "<constitution>") -> list[Problem]:
    """Every problem in a constitution's TOML text, in the order of the file; empty if valid.

    >>> [p.format("c.toml") for p in check_constitution(DEFAULT_CONSTITUTION)]
    []
    """
    del source  # problems carry lines, not the source; Problem.format adds it
    return _load(text)[1]


def parse_constitution(text: str, *, source: str = "<constitution>") -> Constitution:
    """Parse and validate a constitution; raise ConstitutionError listing every problem.

    The error's ``problems`` are ``source:line: key.path: message`` strings and its message
    is all of them, one per line.

    >>> parse_constitution(DEFAULT_CONSTITUTION).recall.replacement
    <Replacement.NEXT_ON_LIST: 'next-on-list'>
    """
    result, problems, _ = _load(text)
    if problems or result is None:
        lines = tuple(problem.format(source) for problem in problems)
        raise ConstitutionError("\n".join(lines), problems=lines)
    defaults = BodyRules(**result["defaults"])
    kinds: dict[str, BodyRules] = {}
    for kind in sorted(result["kinds"], key=lambda k: k not in BODY_KINDS):  # unit, council first
        base = defaults if kind in BODY_KINDS else kinds.get("council", defaults)
        kinds[kind] = dataclasses.replace(base, **result["kinds"][kind])
    bodies: dict[str, BodyRules] = {}
    body_overrides: dict[str, dict[str, Any]] = {}
    body_kinds: dict[str, str] = {}
    for ident, over in result["bodies"].items():
        rules = {k: v for k, v in over.items() if k != "kind"}
        base = defaults
        if "kind" in over:
            body_kinds[ident] = over["kind"]
            base = _kind_rules(kinds, defaults, over["kind"])
        bodies[ident] = dataclasses.replace(base, **rules)
        body_overrides[ident] = rules
    ratification = RatificationRules(**result["ratification"])
    amendment = result["amendment"]
    return Constitution(
        name=result["federation"]["name"],
        version=result["federation"]["version"],
        defaults=defaults,
        kinds=kinds,
        bodies=bodies,
        recall=RecallRules(**result["recall"]),
        ratification=ratification,
        amendment=AmendmentRules(
            majority=amendment["majority"],
            ratification=RatificationRules(
                units=amendment.get("units", ratification.units),
                members=amendment.get("members", ratification.members),
                period_days=amendment.get("period_days", ratification.period_days),
            ),
        ),
        reserved_matters=result["reserved"],
        text=text,
        land=LandRules(**result["land"]),
        body_overrides=body_overrides,
        body_kinds=body_kinds,
    )


def _kind_rules(kinds: Mapping[str, BodyRules], defaults: BodyRules, kind: str) -> BodyRules:
    """A kind's rules; a council level without a table of its own is a council."""
    if kind in kinds:
        return kinds[kind]
    if kind == BodyKind.UNIT:
        return defaults
    return kinds.get(BodyKind.COUNCIL, defaults)


def check_bodies(constitution: Constitution, kinds: Mapping[str, str]) -> list[Problem]:
    """Problems of a constitution against the federation's bodies: ``kinds`` maps each
    body id to the kind the federation gives it ("unit", "council", or a council level
    that has a ``[kinds.*]`` table). A ``[bodies.*]`` table whose ``kind`` says otherwise
    is a problem ("council" fits any council). Run it before adopting a constitution or
    an amendment, so :meth:`Constitution.rules_for` never meets a contradiction.

    Ids that name no body yet are not problems: a constitution may be written before
    the bodies it names exist.

    >>> c = default_constitution()
    >>> check_bodies(c, {"federation-congress": "congress"})
    []
    >>> [p.path for p in check_bodies(c, {"federation-congress": "unit"})]
    ['bodies.federation-congress.kind']
    """
    locator = _Locator(constitution.text)
    problems = []
    for ident, declared in sorted(constitution.body_kinds.items()):
        actual = kinds.get(ident)
        if actual is None or actual == declared:
            continue
        if declared != BodyKind.COUNCIL or actual == BodyKind.UNIT:
            path: _KeyPath = ("bodies", ident, "kind")
            message = (
                f"the constitution says kind {_render(declared)}, but in the federation "
                f"the body is of kind {_render(actual)}"
            )
            problems.append(Problem(locator.line(path), _dotted(path), message))
    return problems


# ---------------------------------------------------------------------------------------
# Data views and differences


def _rules_dict(rules: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(rules):
        value = getattr(rules, f.name)
        if isinstance(value, Fraction):
            value = format_fraction(value)
        elif isinstance(value, StrEnum):
            value = value.value
        elif dataclasses.is_dataclass(value):
            value = _rules_dict(value)
        out[f.name] = value
    return out


def constitution_to_dict(constitution: Constitution) -> dict[str, Any]:
    """The constitution as JSON-ready data: fractions as ``"n/d"``, rules fully merged.

    >>> constitution_to_dict(default_constitution())["recall"]["petition_threshold"]
    '1/5'
    """
    c = constitution
    return {
        "name": c.name,
        "version": c.version,
        "digest": c.digest,
        "defaults": _rules_dict(c.defaults),
        "kinds": {kind: _rules_dict(rules) for kind, rules in sorted(c.kinds.items())},
        "bodies": {
            ident: {
                **_rules_dict(rules),
                **({"kind": c.body_kinds[ident]} if ident in c.body_kinds else {}),
            }
            for ident, rules in sorted(c.bodies.items())
        },
        "recall": _rules_dict(c.recall),
        "ratification": _rules_dict(c.ratification),
        "amendment": _rules_dict(c.amendment),
        "reserved_matters": sorted(c.reserved_matters),
        "land": _rules_dict(c.land),
    }


def _declared(constitution: Constitution) -> dict[str, str]:
    """What the file itself says, key path → canonical value (``"50%"`` and ``"1/2"`` agree)."""
    result, _, declared = _load(constitution.text)
    if result is not None:
        return declared
    flat: dict[str, str] = {}  # a Constitution built by hand: compare its effective rules

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{_key(key)}" if prefix else _key(key), item)
        elif not isinstance(value, list):
            flat[prefix] = _canonical(value)

    data = constitution_to_dict(constitution)
    walk("", {k: v for k, v in data.items() if k not in ("digest", "reserved_matters")})
    return flat


def diff_constitutions(old: Constitution, new: Constitution) -> list[str]:
    """What an amendment changes, one line per key path, for the motion's text.

    Values are compared as meant, not as written: ``"50%"`` and ``"1/2"`` are equal, and
    comments do not count.

    >>> old = default_constitution()
    >>> new = parse_constitution(old.text.replace('version = 1', 'version = 2')
    ...                                  .replace('voting_days = 14', 'voting_days = 21'))
    >>> diff_constitutions(old, new)
    ['federation.version: 1 -> 2', 'recall.voting_days: 14 -> 21']
    """
    before, after = _declared(old), _declared(new)
    lines: list[str] = []
    for path in sorted(before.keys() | after.keys(), key=_path_order):
        if path not in after:
            lines.append(f"{path}: removed (was {before[path]})")
        elif path not in before:
            lines.append(f"{path}: added ({after[path]})")
        elif before[path] != after[path]:
            lines.append(f"{path}: {before[path]} -> {after[path]}")
    added = sorted(new.reserved_matters - old.reserved_matters)
    removed = sorted(old.reserved_matters - new.reserved_matters)
    if added or removed:
        parts = [f"added {', '.join(added)}"] if added else []
        parts += [f"removed {', '.join(removed)}"] if removed else []
        lines.append(f"matters.reserved: {'; '.join(parts)}")
    return lines


def _path_order(path: str) -> tuple[int, str]:
    head = path.split(".", 1)[0]
    return (_SECTIONS.index(head) if head in _SECTIONS else len(_SECTIONS), path)


# ---------------------------------------------------------------------------------------
# The default

DEFAULT_CONSTITUTION = """\
# A sample constitution for a federation of councils.
#
# Sovet reads the federation's rules from a TOML file like this one.
# Check a file with:   sovet constitution check docs/sample-constitution.toml
# See it as data with: sovet constitution show docs/sample-constitution.toml --json
# Every key is explained in docs/constitution.md.
#
# Shares may be written as "2/3", "50%", 0.5 or 1 (decimals are read exactly).
# A "majority" is a share that must be EXCEEDED: majority = "1/2" means more
# than half of the votes cast, counting yes against yes + no (abstentions and
# absent delegates are not votes cast).

[federation]
# The federation's name, as shown on every page and in the public log.
name = "Sample federation of councils"
# Raise the version by one with every amendment; the log records each version.
version = 1

# Rules for every body (a base unit's assembly and committee, or a council of
# delegates) unless a [kinds.*] or [bodies.*] table below says otherwise.
# Every key here is required except max_seats.
[defaults]
# How a body's seats are filled: plurality, two-round, approval, borda, irv,
# scottish-stv, meek-stv, schulze, ranked-pairs, copeland, minimax, phragmen.
election_method = "scottish-stv"
# How a council's seats are shared among its constituents by membership when
# max_seats is set: dhondt, sainte-lague, modified-sainte-lague, hare, droop,
# huntington-hill, webster, adams.
apportionment = "sainte-lague"
# One delegate for each full 100 members of a constituent ...
members_per_delegate = 100
# ... and never fewer than one, however small the constituent.
min_delegates = 1
# No cap on a council's size unless a kind or body sets max_seats.
# max_seats = 500
# Seats on a base unit's committee.
committee_seats = 5
# Share of the seated delegates (in a council) or of the members (in an
# assembly) who must be present for a decision.
quorum = "1/2"
# A motion passes with more than this share of the votes cast.
majority = "1/2"
# Length of a mandate, in days; delegates can be recalled at any time.
term_days = 365
# Members vote in their assemblies by secret ballot. Delegates in a council
# always vote by open roll call, whatever this says.
secret_ballot = true

# Base units: workplace and village committees, neighbourhoods, union locals,
# co-ops. Their general assembly is all their members.
[kinds.unit]
committee_seats = 7
# A fifth of the members make a quorum of a general assembly.
quorum = "1/5"
term_days = 180

# Councils of delegates: city and district soviets, industrial federations.
[kinds.council]
members_per_delegate = 1000

# A kind may be named after a council's level: these rules apply to every
# council of level "congress", over those of [kinds.council]. The congress
# has a fixed number of seats, shared among its constituents by membership.
[kinds.congress]
max_seats = 600
apportionment = "huntington-hill"
election_method = "meek-stv"

# Rules for one body, by its id, over those of its kind. "kind" (optional)
# names the kind it is; Sovet checks that against the federation.
[bodies.federation-congress]
kind = "congress"
# Two thirds of the seated delegates must be present.
quorum = "2/3"

[recall]
# Signatures of a fifth of a delegate's own constituents open a recall vote.
petition_threshold = "1/5"
# The delegate is recalled by more than half of the votes cast.
majority = "1/2"
# The seat goes to the next candidate on the delegate's list
# ("next-on-list"), or to a new election ("by-election").
replacement = "next-on-list"
# A vote against a binding instruction is always flagged in public; with
# "open-petition" it also opens a recall petition ("flag": nothing more).
on_breach = "open-petition"
# How long a recall vote stays open.
voting_days = 14

# A decision on a reserved matter takes effect only when the base ratifies it:
# more than half of the constituent units, which together hold more than half
# of the members.
[ratification]
units = "1/2"
members = "1/2"
period_days = 60

# Amending this constitution is a motion: it needs more than two thirds of
# the council's votes, then ratification by more than two thirds of the units
# holding more than half of the members.
[amendment]
majority = "2/3"
units = "2/3"
members = "1/2"
period_days = 90

[matters]
# Matters a council may decide only subject to ratification from below.
reserved = [
    "constitution",         # every amendment of this constitution
    "plan",                 # the production plan
    "federation.dissolve",  # dissolving the federation
    "war-and-peace",        # war, peace and armed defence
]

# How a base unit (a village or land committee, a housing co-op, a neighbourhood)
# divides its own land or housing among its households; no council can do it for
# them. This table is optional: without it, land goes per eater, in blocks.
[land]
# Who counts in a household's share: "per_eater" (everyone it feeds, the
# consumption norm) or "per_worker" (its workers, the labour norm).
norm = "per_eater"
# How parcels may be cut: "strips" (a share of every parcel), "blocks" (parcels
# in order of quality, cut into consecutive blocks) or "whole" (never cut; the
# envy left is reported). A division may choose another way.
cut = "blocks"
"""
"""A sensible constitution to start from: the text of ``docs/sample-constitution.toml``."""


def default_constitution() -> Constitution:
    """:data:`DEFAULT_CONSTITUTION`, parsed.

    >>> default_constitution().ratification.units
    Fraction(1, 2)
    """
    return parse_constitution(DEFAULT_CONSTITUTION, source="<default constitution>")
