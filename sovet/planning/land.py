"""Fair division of land among households, by the norm the constitution sets.

Each parcel has an area and a quality (a multiplier: 1 for ordinary land, more
for better, less for worse), so its *effective area* is ``area × quality``.
Each household counts its eaters (everyone it feeds) and its workers. The norm
says who counts: ``per_eater`` (the "consumption norm" of the 1917–18 land
redistributions) or ``per_worker`` (the "labour norm"). A household's
entitlement is its share of the norm's heads times the total effective area.

Three ways to cut, all in exact rational arithmetic (``Fraction``):

* ``strips`` — every household gets its share of every parcel (the commune's
  strip in each field): exact, envy-free, but cut into many pieces;
* ``blocks`` — parcels are taken in order of quality and cut into consecutive
  blocks, each household's block exactly its entitlement: exact and envy-free
  with at most one cut parcel per household;
* ``whole`` — parcels are not cut: each parcel, largest effective area first,
  goes to the household with the least effective land per head so far (the
  D'Hondt rule applied to land); the envy and proportionality left are
  reported.

*Envy* is the largest excess of one household's effective land per head over
another's; *proportionality* is the smallest ratio of what a household got to
its entitlement (1 means everyone got at least their share).

>>> from fractions import Fraction as F
>>> d = divide_land([Parcel("meadow", F(10), F(1)), Parcel("field", F(5), F(2))],
...                 [Household("Ivanovs", 6, 2), Household("Petrovs", 4, 2)], norm="per_eater")
>>> [(s.household, s.parcel, str(s.area)) for s in d.shares]
[('Ivanovs', 'field', '5'), ('Ivanovs', 'meadow', '2'), ('Petrovs', 'meadow', '8')]
>>> d.envy, d.proportionality
(Fraction(0, 1), Fraction(1, 1))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from sovet.errors import InputError
from sovet.model import LandDivision

__all__ = [
    "Cut",
    "Division",
    "Household",
    "Norm",
    "Parcel",
    "Recheck",
    "Share",
    "divide_land",
    "exact",
    "outputs",
    "recompute",
]


class Norm(StrEnum):
    """Who counts in a household's entitlement."""

    PER_EATER = "per_eater"
    PER_WORKER = "per_worker"


class Cut(StrEnum):
    """How parcels may be cut."""

    STRIPS = "strips"
    BLOCKS = "blocks"
    WHOLE = "whole"


@dataclass(frozen=True, slots=True)
class Parcel:
    name: str
    area: Fraction
    quality: Fraction = Fraction(1)

    @property
    def effective(self) -> Fraction:
        return self.area * self.quality


@dataclass(frozen=True, slots=True)
class Household:
    name: str
    eaters: int
    workers: int


@dataclass(frozen=True, slots=True)
class Share:
    """``area`` of ``parcel`` (its physical area) goes to ``household``."""

    household: str
    parcel: str
    area: Fraction


@dataclass(frozen=True, slots=True)
class Division:
    """The shares, each household's entitlement and receipt (effective areas), and the figures."""

    norm: Norm
    cut: Cut
    shares: tuple[Share, ...]
    entitlement: tuple[tuple[str, Fraction], ...]
    received: tuple[tuple[str, Fraction], ...]
    envy: Fraction
    proportionality: Fraction


def _heads(h: Household, norm: Norm) -> int:
    return h.eaters if norm is Norm.PER_EATER else h.workers


def _check(parcels: Sequence[Parcel], households: Sequence[Household], norm: Norm) -> None:
    for kind, names in (
        ("parcel", [p.name for p in parcels]),
        ("household", [h.name for h in households]),
    ):
        seen: set[str] = set()
        for name in names:
            if not name:
                raise InputError(f"a {kind} has no name")
            if name in seen:
                raise InputError(f"{kind} {name!r} is listed twice")
            seen.add(name)
    for p in parcels:
        if not isinstance(p.area, Fraction | int) or p.area < 0:
            raise InputError(f"parcel {p.name!r}: area must be an exact number ≥ 0")
        if not isinstance(p.quality, Fraction | int) or p.quality <= 0:
            raise InputError(f"parcel {p.name!r}: quality must be an exact number > 0")
    for h in households:
        if h.eaters < 0 or h.workers < 0 or h.workers > h.eaters:
            raise InputError(
                f"household {h.name!r}: need 0 ≤ workers ≤ eaters, got {h.workers} and {h.eaters}"
            )
    if not households or sum(_heads(h, norm) for h in households) == 0:
        raise InputError(f"no household has anyone counted by the norm {norm.value!r}")


def _figures(
    households: Sequence[Household],
    norm: Norm,
    entitled: dict[str, Fraction],
    got: dict[str, Fraction],
) -> tuple[Fraction, Fraction]:
    per_head = [got[h.name] / _heads(h, norm) for h in households if _heads(h, norm) > 0]
    envy = max(per_head) - min(per_head) if per_head else Fraction(0)
    ratios = [got[h.name] / entitled[h.name] for h in households if entitled[h.name] > 0]
    return envy, min(ratios) if ratios else Fraction(1)


def divide_land(
    parcels: Sequence[Parcel],
    households: Sequence[Household],
    *,
    norm: Norm | str,
    cut: Cut | str = Cut.BLOCKS,
) -> Division:
    """Divide the parcels among the households by ``norm``, cutting as ``cut`` allows.

    Rule: entitlement ∝ heads counted by the norm (eaters or workers) of the
    total effective area; ``strips``/``blocks`` exact, ``whole`` by the
    least-land-per-head-first rule. Ties go to the household listed first.
    """
    try:
        norm = Norm(norm)
        cut = Cut(cut)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    _check(parcels, households, norm)
    total = sum((p.effective for p in parcels), Fraction(0))
    heads = sum(_heads(h, norm) for h in households)
    entitled = {h.name: total * _heads(h, norm) / heads for h in households}
    got = {h.name: Fraction(0) for h in households}
    shares: list[Share] = []
    if cut is Cut.STRIPS:
        for h in households:
            for p in parcels:
                area = p.area * _heads(h, norm) / heads
                if area:
                    shares.append(Share(h.name, p.name, area))
                    got[h.name] += area * p.quality
    elif cut is Cut.BLOCKS:
        queue = sorted(parcels, key=lambda p: -p.quality)
        i, left = 0, queue[0].area if queue else Fraction(0)
        for h in households:
            owed = entitled[h.name]
            while owed > 0 and i < len(queue):
                p = queue[i]
                take = min(left, owed / p.quality)
                if take:
                    shares.append(Share(h.name, p.name, take))
                    got[h.name] += take * p.quality
                    owed -= take * p.quality
                    left -= take
                if left == 0:
                    i += 1
                    left = queue[i].area if i < len(queue) else Fraction(0)
    else:
        counted = [h for h in households if _heads(h, norm) > 0]
        for p in sorted(parcels, key=lambda p: -p.effective):
            h = min(counted, key=lambda h: got[h.name] / _heads(h, norm))
            shares.append(Share(h.name, p.name, p.area))
            got[h.name] += p.effective
    envy, proportionality = _figures(households, norm, entitled, got)
    return Division(
        norm=norm,
        cut=cut,
        shares=tuple(sorted(shares, key=lambda s: (s.household, s.parcel))),
        entitlement=tuple((h.name, entitled[h.name]) for h in households),
        received=tuple((h.name, got[h.name]) for h in households),
        envy=envy,
        proportionality=proportionality,
    )


# ---- publishing and recomputing -------------------------------------------------------


def exact(value: Fraction) -> str:
    """An exact number as published: ``"5"`` or ``"25/2"`` (never a float).

    >>> exact(Fraction(25, 2)), exact(Fraction(10))
    ('25/2', '10')
    """
    return str(value)


def outputs(d: Division) -> dict[str, Any]:
    """What a division publishes beside its inputs, every number an exact string."""
    return {
        "shares": [
            {"household": x.household, "parcel": x.parcel, "area": exact(x.area)} for x in d.shares
        ],
        "entitlement": [{"household": h, "area": exact(a)} for h, a in d.entitlement],
        "received": [{"household": h, "area": exact(a)} for h, a in d.received],
        "envy": exact(d.envy),
        "proportionality": exact(d.proportionality),
    }


def _published(record: LandDivision) -> dict[str, Any]:
    return {
        "shares": [
            {"household": x.household, "parcel": x.parcel, "area": x.area} for x in record.shares
        ],
        "entitlement": [{"household": h, "area": a} for h, a in record.entitlement],
        "received": [{"household": h, "area": a} for h, a in record.received],
        "envy": record.envy,
        "proportionality": record.proportionality,
    }


@dataclass(frozen=True, slots=True)
class Recheck:
    """Whether a published division is what its published inputs give: ``differences``
    names every output that differs (empty when it matches)."""

    matches: bool
    differences: tuple[str, ...]
    division: Division | None


def recompute(record: LandDivision) -> Recheck:
    """Run the division again from the inputs published in the log and compare.

    >>> from dataclasses import replace
    >>> from sovet.model import LandHousehold, LandParcel, LandShare
    >>> d = divide_land([Parcel("f", Fraction(9))], [Household("A", 2, 1), Household("B", 1, 1)],
    ...                 norm="per_eater")
    >>> o = outputs(d)
    >>> record = LandDivision("l1", "v", "Fields", "per_eater", "blocks",
    ...     (LandParcel("f", "9", "1"),), (LandHousehold("A", 2, 1), LandHousehold("B", 1, 1)),
    ...     tuple(LandShare(**x) for x in o["shares"]), (("A", "6"), ("B", "3")),
    ...     (("A", "6"), ("B", "3")), "0", "1", "2026-01-01T00:00:00Z", "c1")
    >>> recompute(record).matches
    True
    >>> recompute(replace(record, envy="1/2")).differences
    ('envy: published 1/2, recomputed 0',)
    """
    try:
        parcels = [Parcel(p.id, Fraction(p.area), Fraction(p.quality)) for p in record.parcels]
        households = [Household(h.name, h.eaters, h.workers) for h in record.households]
        division = divide_land(parcels, households, norm=record.norm, cut=record.cut)
    except (ValueError, ZeroDivisionError, InputError) as exc:
        return Recheck(False, (f"the published inputs do not divide: {exc}",), None)
    again, published = outputs(division), _published(record)
    differences = []
    for key in ("shares", "entitlement", "received", "envy", "proportionality"):
        if again[key] == published[key]:
            continue
        if isinstance(again[key], str):
            differences.append(f"{key}: published {published[key]}, recomputed {again[key]}")
        else:
            differences.append(f"{key}: the published list differs from the recomputed one")
    return Recheck(not differences, tuple(differences), division)
