"""The constitution as JSON-ready data, and what an amendment changes."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from fractions import Fraction
from typing import Any

from sovet.constitution.check import SECTIONS, canonical, load
from sovet.constitution.locate import key_text
from sovet.constitution.model import Constitution
from sovet.constitution.values import format_fraction

__all__ = ["constitution_to_dict", "diff_constitutions"]


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

    >>> from sovet.constitution import default_constitution
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
        "offices": {name: _rules_dict(rules) for name, rules in sorted(c.offices.items())},
        "petitions": _rules_dict(c.petitions),
        "factions": _rules_dict(c.factions),
    }


def _declared(constitution: Constitution) -> dict[str, str]:
    """What the file itself says, key path → canonical value (``"50%"`` and ``"1/2"`` agree)."""
    result, _, declared = load(constitution.text)
    if result is not None:
        return declared
    flat: dict[str, str] = {}  # a Constitution built by hand: compare its effective rules

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key_text(key)}" if prefix else key_text(key), item)
        elif not isinstance(value, list):
            flat[prefix] = canonical(value)

    data = constitution_to_dict(constitution)
    walk("", {k: v for k, v in data.items() if k not in ("digest", "reserved_matters")})
    return flat


def diff_constitutions(old: Constitution, new: Constitution) -> list[str]:
    """What an amendment changes, one line per key path, for the motion's text.

    Values are compared as meant, not as written: ``"50%"`` and ``"1/2"`` are equal, and
    comments do not count.

    >>> from sovet.constitution import default_constitution, parse_constitution
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
    return (SECTIONS.index(head) if head in SECTIONS else len(SECTIONS), path)
