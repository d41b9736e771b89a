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

from sovet.errors import InputError

__all__ = ["Cut", "Division", "Household", "Norm", "Parcel", "Share", "divide_land"]


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
