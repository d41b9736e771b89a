"""Validation: every problem of a constitution's TOML at once, each at its line and key
path, and the parsed :class:`Constitution` when there is none."""

from __future__ import annotations

import dataclasses
import decimal
import difflib
import re
import tomllib
from collections.abc import Callable, Mapping
from enum import StrEnum
from fractions import Fraction
from typing import Any

from sovet.constitution.locate import KeyPath, Locator, dotted
from sovet.constitution.model import (
    ADMISSIONS,
    APPORTIONMENT_METHODS,
    BODY_KINDS,
    BODY_RULE_KEYS,
    DEFAULT_OFFICES,
    ELECTION_METHODS,
    LAND_CUTS,
    LAND_NORMS,
    OPTIONAL_BODY_RULE_KEYS,
    AmendmentRules,
    BodyRules,
    BreachAction,
    Constitution,
    FactionRules,
    LandRules,
    OfficeRules,
    PetitionRules,
    Problem,
    RatificationRules,
    RecallRules,
    Replacement,
    kind_rules,
)
from sovet.constitution.values import format_fraction, parse_share, render, show
from sovet.errors import ConstitutionError
from sovet.model import BodyKind

__all__ = [
    "SECTIONS",
    "canonical",
    "check_bodies",
    "check_constitution",
    "load",
    "parse_constitution",
]


class _Bad(Exception):
    """A value that does not fit its key; the message says why."""


def _count(minimum: int) -> Callable[[object], int]:
    def convert(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"expected a whole number, got {show(value)}")
        if value < minimum:
            raise _Bad(f"must be at least {minimum}, got {value}")
        return value

    return convert


def _optional_seats(value: object) -> int | None:
    if isinstance(value, str) and value.strip().lower() == "none":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f'expected a whole number of seats (or "none"), got {show(value)}')
    if value < 1:
        raise _Bad(f"must be at least 1, got {value}")
    return value


def _choice(options: tuple[str, ...], what: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        if not isinstance(value, str):
            raise _Bad(f"expected {what} (a string), got {show(value)}")
        if value not in options:
            raise _Bad(
                f"unknown {what} {render(value)}{_suggest(value, options)}; "
                f"one of: {', '.join(options)}"
            )
        return value

    return convert


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"expected true or false, got {show(value)}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Bad(f"expected a string, got {show(value)}")
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
        shown = render(value)
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
            got = render(value) if isinstance(value, str) else show(value)
            raise _Bad(f"expected one of {', '.join(options)}, got {got}{_suggest(value, options)}")
        return enum(value)

    return convert


_MATTER = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")


def _matters(value: object) -> list[str]:
    if not isinstance(value, list):
        raise _Bad(f"expected an array of matter names, got {show(value)}")
    return value


def _suggest(word: object, options: tuple[str, ...] | list[str]) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {render(close[0])}?)" if close else ""


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
    "voting_days": _count(1),
    "nomination_days": _count(0),
    "nominators": _count(1),
    "admission": _choice(ADMISSIONS, "way of admitting members"),
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
_OFFICE_FIELDS: dict[str, Callable[[object], Any]] = {
    "seats": _count(1),
    "method": _choice(ELECTION_METHODS, "election method"),
    "term_days": _count(1),
}
_OFFICE = re.compile(r"[a-z][a-z0-9-]*")
_PETITION_FIELDS: dict[str, Callable[[object], Any]] = {
    "members": _share("threshold"),
    "delegates": _share("threshold"),
    "notice_days": _count(1),
    "period_days": _count(1),
}
_FACTION_FIELDS: dict[str, Callable[[object], Any]] = {"founders": _count(1)}
SECTIONS = (
    "federation",
    "defaults",
    "kinds",
    "bodies",
    "recall",
    "ratification",
    "amendment",
    "matters",
    "land",
    "offices",
    "petitions",
    "factions",
)


class _Checker:
    """Walks the parsed document, converting values and collecting every problem."""

    def __init__(self, document: dict[str, Any], locator: Locator) -> None:
        self.document = document
        self.locator = locator
        self.problems: list[Problem] = []
        self.declared: dict[str, str] = {}

    def problem(self, path: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.locator.line(path), dotted(path), message))

    def table(self, path: KeyPath, value: object, what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, f"expected a table ({what}), got {show(value)}")
            return None
        return value

    def fields(
        self,
        path: KeyPath,
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
            self.declared[dotted((*path, key))] = canonical(out[key])
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
            if key not in SECTIONS:
                self.problem((key,), _unknown("table", key, SECTIONS))
        result: dict[str, Any] = {}
        federation = self.section("federation", "name and version")
        if federation is not None:
            result["federation"] = self.fields(
                ("federation",), federation, _FEDERATION_FIELDS, required=("name", "version")
            )
        defaults = self.section("defaults", "rules for every body")
        if defaults is not None:
            required = tuple(k for k in BODY_RULE_KEYS if k not in OPTIONAL_BODY_RULE_KEYS)
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
        for name, spec, what in (
            ("petitions", _PETITION_FIELDS, "how members force action"),
            ("factions", _FACTION_FIELDS, "how members found factions"),
        ):
            result[name] = {}
            if name in self.document:  # optional: the defaults when absent
                table = self.table((name,), self.document[name], what)
                if table is not None:
                    result[name] = self.fields((name,), table, spec)
        result["offices"] = self.offices()
        self.cross_checks(result)
        return result

    def offices(self) -> dict[str, dict[str, Any]]:
        """``[offices.<name>]`` tables; ``convenor`` is required when the table is there."""
        if "offices" not in self.document:
            return {name: dataclasses.asdict(rules) for name, rules in DEFAULT_OFFICES.items()}
        tables = self.table(("offices",), self.document["offices"], "one table per office")
        out: dict[str, dict[str, Any]] = {}
        if tables is None:
            return out
        for name, value in tables.items():
            path: KeyPath = ("offices", name)
            if not _OFFICE.fullmatch(name):
                self.problem(path, f"{render(name)} is not an office name: use lowercase words")
                continue
            table = self.table(path, value, f"rules for the office {render(name)}")
            if table is not None:
                out[name] = self.fields(path, table, _OFFICE_FIELDS, required=tuple(_OFFICE_FIELDS))
        if "convenor" not in tables:
            self.problem(("offices",), "missing required office [offices.convenor]")
        return out

    def overrides(self, name: str, what: str) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        if name not in self.document:
            return out
        tables = self.table((name,), self.document[name], f"one table per {what}")
        if tables is None:
            return out
        for ident, value in tables.items():
            path: KeyPath = (name, ident)
            if not ident.strip():
                self.problem(path, f"a {what} id must not be empty")
                continue
            table = self.table(path, value, f"rules for {what} {render(ident)}")
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
                    self.declared[dotted((*path, "kind"))] = canonical(table["kind"])
        return out

    def body_kind(self, value: object) -> str:
        """A body table's ``kind``: unit, council, or a kind with its own table."""
        known = [*BODY_KINDS, *(k for k in self.kind_names() if k not in BODY_KINDS)]
        if not isinstance(value, str):
            raise _Bad(f"expected a kind (a string), got {show(value)}")
        if value not in known:
            raise _Bad(
                f"unknown kind {render(value)}{_suggest(value, known)}; one of: "
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
            path: KeyPath = ("matters", "reserved", index)
            if not isinstance(item, str):
                self.problem(path, f"expected a matter name (a string), got {show(item)}")
            elif not _MATTER.fullmatch(item):
                self.problem(
                    path,
                    f"{render(item)} is not a matter name: use lowercase words joined by "
                    '"." or "-", such as "federation.dissolve"',
                )
            elif item in seen:
                self.problem(path, f"{render(item)} is listed twice")
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


def canonical(value: object) -> str:
    if isinstance(value, Fraction):
        return format_fraction(value)
    if value is None:
        return "none"
    return render(value.value if isinstance(value, StrEnum) else value)


def _syntax_problem(exc: tomllib.TOMLDecodeError, text: str) -> Problem:
    message = str(exc)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        return Problem(int(match[1]), "", message[: match.start()], int(match[2]))
    match = re.search(r"\s*\(at end of document\)$", message)
    if match:
        return Problem(text.count("\n") + 1, "", message[: match.start()] + " at end of file")
    return Problem(1, "", message)  # pragma: no cover - tomllib always says where


def load(text: str) -> tuple[dict[str, Any] | None, list[Problem], dict[str, str]]:
    try:
        document = tomllib.loads(text, parse_float=decimal.Decimal)
    except tomllib.TOMLDecodeError as exc:
        return None, [_syntax_problem(exc, text)], {}
    except ValueError:  # an integer past the interpreter's digit limit
        long = re.search(r"\d{1000,}", text)
        line = text.count("\n", 0, long.start()) + 1 if long else 1
        return None, [Problem(line, "", "a number too long to read")], {}
    checker = _Checker(document, Locator(text))
    result = checker.run()
    return result, sorted(checker.problems), checker.declared


def check_constitution(text: str, *, source: str = "<constitution>") -> list[Problem]:
    """Every problem in a constitution's TOML text, in the order of the file; empty if valid.

    >>> from sovet.constitution import DEFAULT_CONSTITUTION
    >>> [p.format("c.toml") for p in check_constitution(DEFAULT_CONSTITUTION)]
    []
    """
    del source  # problems carry lines, not the source; Problem.format adds it
    return load(text)[1]


def parse_constitution(text: str, *, source: str = "<constitution>") -> Constitution:
    """Parse and validate a constitution; raise ConstitutionError listing every problem.

    The error's ``problems`` are ``source:line: key.path: message`` strings and its message
    is all of them, one per line.

    >>> from sovet.constitution import DEFAULT_CONSTITUTION
    >>> parse_constitution(DEFAULT_CONSTITUTION).recall.replacement
    <Replacement.NEXT_ON_LIST: 'next-on-list'>
    """
    result, problems, _ = load(text)
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
            base = kind_rules(kinds, defaults, over["kind"])
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
        offices={name: OfficeRules(**o) for name, o in result["offices"].items()},
        petitions=PetitionRules(**result["petitions"]),
        factions=FactionRules(**result["factions"]),
    )


def check_bodies(constitution: Constitution, kinds: Mapping[str, str]) -> list[Problem]:
    """Problems of a constitution against the federation's bodies: ``kinds`` maps each
    body id to the kind the federation gives it ("unit", "council", or a council level
    that has a ``[kinds.*]`` table). A ``[bodies.*]`` table whose ``kind`` says otherwise
    is a problem ("council" fits any council). Run it before adopting a constitution or
    an amendment, so :meth:`Constitution.rules_for` never meets a contradiction.

    Ids that name no body yet are not problems: a constitution may be written before
    the bodies it names exist.

    >>> from sovet.constitution import default_constitution
    >>> c = default_constitution()
    >>> check_bodies(c, {"federation-congress": "congress"})
    []
    >>> [p.path for p in check_bodies(c, {"federation-congress": "unit"})]
    ['bodies.federation-congress.kind']
    """
    locator = Locator(constitution.text)
    problems = []
    for ident, declared in sorted(constitution.body_kinds.items()):
        actual = kinds.get(ident)
        if actual is None or actual == declared:
            continue
        if declared != BodyKind.COUNCIL or actual == BodyKind.UNIT:
            path: KeyPath = ("bodies", ident, "kind")
            message = (
                f"the constitution says kind {render(declared)}, but in the federation "
                f"the body is of kind {render(actual)}"
            )
            problems.append(Problem(locator.line(path), dotted(path), message))
    return problems
