"""The constitution as data: the rules of every body, recall, ratification, amendment
and land, and a located problem. Build a :class:`Constitution` with
:func:`sovet.constitution.parse_constitution`."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from sovet.model import BodyKind

__all__ = [
    "ADMISSIONS",
    "APPORTIONMENT_METHODS",
    "BODY_KINDS",
    "BODY_RULE_KEYS",
    "DEFAULT_OFFICES",
    "ELECTION_METHODS",
    "LAND_CUTS",
    "LAND_NORMS",
    "OPTIONAL_BODY_RULE_KEYS",
    "AmendmentRules",
    "BodyRules",
    "BreachAction",
    "Constitution",
    "FactionRules",
    "LandRules",
    "OfficeRules",
    "PetitionRules",
    "Problem",
    "RatificationRules",
    "RecallRules",
    "Replacement",
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
    voting_days: int = 7
    nomination_days: int = 7
    nominators: int = 1
    admission: str = "convenors"


BODY_RULE_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(BodyRules))
"""The keys of ``[defaults]``, ``[kinds.*]`` and ``[bodies.*]``, in declaration order."""

OPTIONAL_BODY_RULE_KEYS: frozenset[str] = frozenset(
    {"max_seats", "voting_days", "nomination_days", "nominators", "admission"}
)
"""Body keys a ``[defaults]`` table may leave out (older constitutions lack them)."""

ADMISSIONS: tuple[str, ...] = ("convenors", "assembly")
"""Who admits a member to a unit: its elected convenors, or its assembly by vote."""


@dataclass(frozen=True, slots=True)
class OfficeRules:
    """An office every body fills by election from its own voters (a unit's members, a
    council's seated delegates): ``seats`` holders, counted by ``method``, for ``term_days``.
    Holders are recalled like delegates, by petition and vote of the same voters."""

    seats: int
    method: str
    term_days: int


DEFAULT_OFFICES: Mapping[str, OfficeRules] = {
    "convenor": OfficeRules(seats=2, method="scottish-stv", term_days=365)
}
"""The offices when a constitution has no ``[offices]`` table: two convenors a year."""


@dataclass(frozen=True, slots=True)
class PetitionRules:
    """How members force action: a petition signed by ``members`` of a unit's members (or
    ``delegates`` of a council's seated delegates) convenes the assembly or session within
    ``notice_days``, opens an election or a recall vote, or puts a motion on the agenda.
    A petition gathers signatures for ``period_days``."""

    members: Fraction = Fraction(1, 10)
    delegates: Fraction = Fraction(1, 3)
    notice_days: int = 7
    period_days: int = 30


@dataclass(frozen=True, slots=True)
class FactionRules:
    """Members found a faction: ``founders`` of them sign its founding."""

    founders: int = 3


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
    offices: Mapping[str, OfficeRules] = field(
        default_factory=lambda: dict(DEFAULT_OFFICES), hash=False, compare=False
    )
    petitions: PetitionRules = field(default_factory=PetitionRules)
    factions: FactionRules = field(default_factory=FactionRules)

    def rules_for(self, body_id: str, kind: str) -> BodyRules:
        """The rules of body ``body_id`` of kind ``kind``: its own table, over its kind's,
        over ``[defaults]``.

        ``kind`` is the body's kind in the federation ("unit" or "council"); it is always
        the caller's, so this never fails. A body table that declares another kind is a
        mistake that :func:`check_bodies` reports before a constitution is adopted.

        >>> from sovet.constitution import default_constitution
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
        base = kind_rules(self.kinds, self.defaults, kind)
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


def kind_rules(kinds: Mapping[str, BodyRules], defaults: BodyRules, kind: str) -> BodyRules:
    """A kind's rules; a council level without a table of its own is a council."""
    if kind in kinds:
        return kinds[kind]
    if kind == BodyKind.UNIT:
        return defaults
    return kinds.get(BodyKind.COUNCIL, defaults)
