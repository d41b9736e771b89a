"""Land and housing divided by a base unit among its households.

A village or land committee divides its fields, a housing co-op or a neighbourhood its
flats: only the unit's own convenors may run the division, never a council above it
(the base principle). The norm (per eater or per worker) is the constitution's in
force; the way to cut parcels is the constitution's unless the division chooses
another. The division is computed exactly by :mod:`sovet.planning.land` and published
in ONE ledger entry with its inputs and outputs as exact numbers, so that anyone can
recompute it (:func:`sovet.planning.land.recompute`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sovet import rules
from sovet.actions.common import new_id
from sovet.constitution import LAND_CUTS, LandRules
from sovet.errors import InputError
from sovet.model import LandDivision
from sovet.planning.land import Division, Household, Parcel, exact, outputs
from sovet.planning.land import divide_land as divide
from sovet.planning.land_table import Number, read_count, read_exact
from sovet.storage import Database

__all__ = ["divide_land", "read_households", "read_parcels"]

MAX_NAME = 200
MAX_ROWS = 500  # parcels, and households, in one division
MAX_STRIPS = 10_000  # pieces a division in strips may publish (parcels × households)


def _name(value: str, what: str, index: int) -> str:
    name = value.strip()
    if not name:
        raise InputError(f"{what} {index}: the name is empty")
    if len(name) > MAX_NAME:
        raise InputError(f"{what} {name[:20]!r}…: the name is longer than {MAX_NAME} characters")
    return name


def read_parcels(rows: Sequence[tuple[str, Number, Number]]) -> list[Parcel]:
    """Parcels from ``(id, area, quality)`` rows; every error names the parcel and field."""
    out = []
    for i, (pid, area, quality) in enumerate(rows, 1):
        name = _name(pid, "parcel", i)
        a = read_exact(area, f"parcel {name!r}: area")
        q = read_exact(quality, f"parcel {name!r}: quality")
        if a < 0:
            raise InputError(f"parcel {name!r}: area must be 0 or more, got {exact(a)}")
        if q <= 0:
            raise InputError(f"parcel {name!r}: quality must be more than 0, got {exact(q)}")
        out.append(Parcel(name, a, q))
    return out


def read_households(rows: Sequence[tuple[str, int | str, int | str]]) -> list[Household]:
    """Households from ``(name, eaters, workers)`` rows; errors name the household and field."""
    out = []
    for i, (raw, eaters, workers) in enumerate(rows, 1):
        name = _name(raw, "household", i)
        e = read_count(eaters, f"household {name!r}: eaters")
        w = read_count(workers, f"household {name!r}: workers")
        if w > e:
            raise InputError(
                f"household {name!r}: workers ({w}) cannot be more than eaters ({e}): "
                "every worker also eats"
            )
        out.append(Household(name, e, w))
    return out


def _compute(
    parcels: list[Parcel], households: list[Household], land: LandRules, cut: str | None
) -> Division:
    how = cut or land.cut
    if how == "strips" and len(parcels) * len(households) > MAX_STRIPS:
        raise InputError(
            f"cut: strips would make {len(parcels) * len(households)} pieces (at most "
            f"{MAX_STRIPS}); cut in blocks or keep parcels whole"
        )
    return divide(parcels, households, norm=land.norm, cut=how)


def divide_land(
    db: Database,
    *,
    actor: str,
    unit: str,
    title: str,
    parcels: Sequence[tuple[str, Number, Number]],
    households: Sequence[tuple[str, int | str, int | str]],
    cut: str | None = None,
    division_id: str | None = None,
    at: str | None = None,
) -> LandDivision:
    """A convenor of base unit ``unit`` divides its ``parcels`` (id, area, quality) among
    its ``households`` (name, eaters, workers) by the constitution's norm."""
    title = title.strip()
    if not title or len(title) > 500:
        raise InputError("title: a division needs a title of at most 500 characters")
    if cut is not None and cut not in LAND_CUTS:
        raise InputError(f"cut: unknown way to cut {cut!r}; one of: {', '.join(LAND_CUTS)}")
    if not parcels:
        raise InputError("parcels: there is nothing to divide")
    if not households:
        raise InputError("households: there is no household to divide among")
    for what, rows in (("parcels", parcels), ("households", households)):
        if len(rows) > MAX_ROWS:
            raise InputError(f"{what}: at most {MAX_ROWS} in one division, got {len(rows)}")
    read_p, read_h = read_parcels(parcels), read_households(households)
    # computed before the write transaction (it may take a moment), by the rules in
    # force; computed again inside if an amendment changed them in between
    before = db.state.rules().land
    division = _compute(read_p, read_h, before, cut)
    with db.writing() as w:
        rules.check_divide_land(w.state, actor, unit)
        land = w.state.rules().land
        if land != before:
            division = _compute(read_p, read_h, land, cut)
        did = division_id or new_id("land")
        if did in w.state.land:
            raise InputError(f"division id {did!r} is taken")
        w.append(
            "land.divided",
            actor,
            {
                "id": did,
                "unit": unit,
                "title": title,
                "norm": division.norm.value,
                "cut": division.cut.value,
                "parcels": [
                    {"id": p.name, "area": exact(p.area), "quality": exact(p.quality)}
                    for p in read_p
                ],
                "households": [
                    {"name": h.name, "eaters": h.eaters, "workers": h.workers} for h in read_h
                ],
                **outputs(division),
            },
            at=at,
        )
    result: LandDivision = db.state.land[did]
    return result
