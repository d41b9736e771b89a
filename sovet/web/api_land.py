"""API: land and housing divided by a base unit among its households.

Anyone may read the divisions (they are in the public log); only a convenor of the
unit may divide its land or housing, never a council above it. Numbers are exact
strings (``"12"``, ``"12.5"``, ``"25/2"``): a JSON float is refused.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from sovet import actions
from sovet.errors import NotFound
from sovet.federation import State
from sovet.model import LandDivision
from sovet.planning.land_report import report
from sovet.web.auth import require_actor
from sovet.web.schemas import Id, _In
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter(tags=["land"])
Actor = Annotated[str, Depends(require_actor)]
Exact = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40,
        description='An exact number as text: "12", "12.5" or "25/2"',
        examples=["12.5"],
    ),
]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class ParcelIn(_In):
    id: Name
    area: Exact
    quality: Exact = "1"


class HouseholdIn(_In):
    name: Name
    eaters: Annotated[int, Field(ge=0, le=1_000_000)]
    workers: Annotated[int, Field(ge=0, le=1_000_000)]


class LandDivisionIn(_In):
    unit: Id
    title: Annotated[str, Field(min_length=1, max_length=500)]
    parcels: Annotated[list[ParcelIn], Field(min_length=1, max_length=500)]
    households: Annotated[list[HouseholdIn], Field(min_length=1, max_length=500)]
    cut: Literal["strips", "blocks", "whole"] | None = None


class ParcelOut(BaseModel):
    id: str
    area: str
    quality: str


class HouseholdOut(BaseModel):
    name: str
    eaters: int
    workers: int
    heads: int
    entitlement: str
    received: str
    per_head: str | None
    entitled_per_head: str | None


class ShareOut(BaseModel):
    household: str
    parcel: str
    area: str


class RecomputeOut(BaseModel):
    matches: bool
    differences: list[str]


class LandDivisionSummary(BaseModel):
    id: str
    unit: str
    unit_name: str
    title: str
    norm: str
    cut: str
    at: str
    by: str
    envy: str
    proportionality: str


class LandDivisionOut(LandDivisionSummary):
    parcels: list[ParcelOut]
    households: list[HouseholdOut]
    shares: list[ShareOut]
    recompute: RecomputeOut


def _unit_name(s: State, d: LandDivision) -> str:
    return s.units[d.unit].name if d.unit in s.units else d.unit


def _division(s: State, division_id: str) -> LandDivision:
    d = s.land.get(division_id)
    if d is None:
        raise NotFound(f"no land division {division_id!r}")
    return d


@router.get("/land", response_model=list[LandDivisionSummary])
def divisions(
    request: Request, unit: Annotated[str | None, Query(max_length=200)] = None
) -> list[dict[str, Any]]:
    """Land and housing divisions, newest first; by unit."""
    with store_of(request).read() as s:
        found = [d for d in s.land.values() if unit is None or d.unit == unit]
        found.sort(key=lambda d: (d.at, d.id), reverse=True)
        return [
            {
                "id": d.id,
                "unit": d.unit,
                "unit_name": _unit_name(s, d),
                "title": d.title,
                "norm": d.norm,
                "cut": d.cut,
                "at": d.at,
                "by": d.by,
                "envy": d.envy,
                "proportionality": d.proportionality,
            }
            for d in found
        ]


@router.get("/land/{division_id}", response_model=LandDivisionOut)
def division(request: Request, division_id: str) -> dict[str, Any]:
    """One division: inputs, shares, each household's figures, envy and proportionality,
    and whether recomputing it from its published inputs gives the same result."""
    with store_of(request).read() as s:
        d = _division(s, division_id)
        return report(d, unit_name=_unit_name(s, d))


@router.post("/land", response_model=LandDivisionOut, status_code=201)
def divide(request: Request, body: LandDivisionIn, actor: Actor) -> dict[str, Any]:
    """A convenor of the base unit divides its parcels among its households by the
    constitution's norm (per eater or per worker); the division is published in the log."""
    d = store_of(request).act(
        actions.divide_land,
        actor=actor,
        unit=body.unit,
        title=body.title,
        parcels=[(p.id, p.area, p.quality) for p in body.parcels],
        households=[(h.name, h.eaters, h.workers) for h in body.households],
        cut=body.cut,
    )
    with store_of(request).read() as s:
        return report(d, unit_name=_unit_name(s, d))
