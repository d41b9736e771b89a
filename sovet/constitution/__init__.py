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

This package is pure: it reads text and returns values; it does no I/O. Its modules:
``model`` (the records), ``values`` (shares), ``locate`` (lines of key paths), ``check``
(validation and parsing), ``data`` (as data, and differences), ``default`` (the sample).
"""

from __future__ import annotations

from sovet.constitution.check import check_bodies, check_constitution, parse_constitution
from sovet.constitution.data import constitution_to_dict, diff_constitutions
from sovet.constitution.default import DEFAULT_CONSTITUTION, default_constitution
from sovet.constitution.model import (
    ADMISSIONS,
    APPORTIONMENT_METHODS,
    BODY_KINDS,
    BODY_RULE_KEYS,
    ELECTION_METHODS,
    LAND_CUTS,
    LAND_NORMS,
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
)
from sovet.constitution.values import format_fraction, parse_share

__all__ = [
    "ADMISSIONS",
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
    "FactionRules",
    "LandRules",
    "OfficeRules",
    "PetitionRules",
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
