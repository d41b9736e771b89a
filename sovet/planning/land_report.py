"""A published land division, for people to read: each household's figures per head,
and the whole as JSON-ready data with the verdict of recomputing it (what the command
line and the web show alike)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sovet.model import LandDivision
from sovet.planning.land import Household, Norm, _heads, recompute

__all__ = ["HouseholdLine", "per_household", "report"]


@dataclass(frozen=True, slots=True)
class HouseholdLine:
    """One household of a published division, for people to read: its heads by the
    norm, what it was entitled to and received (effective areas), both per head, and
    its shares (parcel, physical area)."""

    name: str
    eaters: int
    workers: int
    heads: int
    entitlement: Fraction
    received: Fraction
    shares: tuple[tuple[str, Fraction], ...]

    @property
    def per_head(self) -> Fraction | None:
        return self.received / self.heads if self.heads else None

    @property
    def entitled_per_head(self) -> Fraction | None:
        return self.entitlement / self.heads if self.heads else None


def per_household(record: LandDivision) -> tuple[HouseholdLine, ...]:
    """The households of a published division, in the order they were listed."""
    entitled, received = dict(record.entitlement), dict(record.received)
    norm = Norm(record.norm)
    return tuple(
        HouseholdLine(
            name=h.name,
            eaters=h.eaters,
            workers=h.workers,
            heads=_heads(Household(h.name, h.eaters, h.workers), norm),
            entitlement=Fraction(entitled.get(h.name, "0")),
            received=Fraction(received.get(h.name, "0")),
            shares=tuple(
                (x.parcel, Fraction(x.area)) for x in record.shares if x.household == h.name
            ),
        )
        for h in record.households
    )


def _text(x: Fraction | None) -> str | None:
    return None if x is None else str(x)


def report(record: LandDivision, *, unit_name: str = "") -> dict[str, Any]:
    """Everything published about a division, each household's figures (exact strings),
    and whether recomputing it from its published inputs gives the same result."""
    check = recompute(record)
    return {
        "id": record.id,
        "unit": record.unit,
        "unit_name": unit_name or record.unit,
        "title": record.title,
        "norm": record.norm,
        "cut": record.cut,
        "at": record.at,
        "by": record.by,
        "parcels": [{"id": p.id, "area": p.area, "quality": p.quality} for p in record.parcels],
        "households": [
            {
                "name": h.name,
                "eaters": h.eaters,
                "workers": h.workers,
                "heads": h.heads,
                "entitlement": str(h.entitlement),
                "received": str(h.received),
                "per_head": _text(h.per_head),
                "entitled_per_head": _text(h.entitled_per_head),
            }
            for h in per_household(record)
        ],
        "shares": [
            {"household": x.household, "parcel": x.parcel, "area": x.area} for x in record.shares
        ],
        "envy": record.envy,
        "proportionality": record.proportionality,
        "recompute": {"matches": check.matches, "differences": list(check.differences)},
    }
