"""Pages of land and housing divided by base units: the list, one division with its
shares, each household's land per head against its entitlement (in figures, in words
and as a chart), and the form with which a unit's convenor divides its land.

Reading needs no account: a division is in the public log. The form takes parcels and
households one per line; every bad line is named with its field, and nothing is
stored until the whole form is right.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet import actions
from sovet.errors import FileFormatError, InputError, NotFound, SovetError
from sovet.model import LandDivision
from sovet.planning.land import recompute
from sovet.planning.land_report import per_household
from sovet.planning.land_table import parse_households, parse_parcels
from sovet.web.charts import land_bars
from sovet.web.i18n import N_, Language
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    act,
    form_of,
    redirect,
    render,
    with_error,
)
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)

NORMS = {
    "per_eater": N_("per eater: everyone a household feeds counts"),
    "per_worker": N_("per worker: a household's workers count"),
}
CUTS = {
    "strips": N_("strips: every household gets its share of every parcel"),
    "blocks": N_("blocks: parcels taken by quality and cut into consecutive blocks"),
    "whole": N_("whole: no parcel is cut; each goes to the household with least land per head"),
}


def exact(lang: Language, x: Fraction | None) -> str:
    """An exact figure as published, with a rounded decimal beside it when it helps."""
    if x is None:
        return "—"
    if x.denominator == 1:
        return lang.number(x.numerator)
    return f"{x.numerator}/{x.denominator} ≈ {lang.number(f'{float(x):.2f}')}"


@router.get("/land", response_class=HTMLResponse)
def land_list(request: Request) -> HTMLResponse:
    """Every published division of land or housing, newest first."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        found = sorted(s.land.values(), key=lambda d: (d.at, d.id), reverse=True)
        rows = [(d, s.units[d.unit].name if d.unit in s.units else d.unit) for d in found]
        values = {"title": ctx._("Land and housing"), "rows": rows}
        return render(request, "land_list.html", values, state=s)


def _division(request: Request, d: LandDivision) -> dict[str, Any]:
    ctx = PageContext(request)
    lang = ctx.lang
    households = per_household(d)
    bars = [
        (
            h.name,
            h.per_head or Fraction(0),
            h.entitled_per_head or Fraction(0),
            ctx._(
                "%(got)s a head, entitled to %(entitled)s",
                got=exact(lang, h.per_head),
                entitled=exact(lang, h.entitled_per_head),
            ),
        )
        for h in households
        if h.heads
    ]
    check = recompute(d)
    return {
        "d": d,
        "norm_text": ctx._(NORMS.get(d.norm, d.norm)),
        "cut_text": ctx._(CUTS.get(d.cut, d.cut)),
        "parcels": [
            (
                p,
                exact(lang, Fraction(p.area)),
                exact(lang, Fraction(p.quality)),
                exact(lang, Fraction(p.area) * Fraction(p.quality)),
            )
            for p in d.parcels
        ],
        "households": [
            (
                h,
                exact(lang, h.entitlement),
                exact(lang, h.received),
                exact(lang, h.per_head),
                exact(lang, h.entitled_per_head),
                [(parcel, exact(lang, area)) for parcel, area in h.shares],
            )
            for h in households
        ],
        "envy": exact(lang, Fraction(d.envy)),
        "envy_zero": Fraction(d.envy) == 0,
        "proportionality": exact(lang, Fraction(d.proportionality)),
        "proportional": Fraction(d.proportionality) >= 1,
        "check": check,
        "chart": land_bars(
            bars, label=ctx._("Effective land per head of each household and its entitlement")
        ),
    }


@router.get("/land/{division_id}", response_class=HTMLResponse)
def land_division(request: Request, division_id: str) -> HTMLResponse:
    """One division: parcels, households, shares, land per head, envy, proportionality."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        d = s.land.get(division_id)
        if d is None:
            raise NotFound(f"no land division {division_id!r}")
        by = s.members[d.by].name if d.by in s.members else d.by
        unit = s.units[d.unit].name if d.unit in s.units else d.unit
        values = {"title": d.title, "unit_name": unit, "by_name": by, **_division(request, d)}
        values["title"] = ctx._("Land division: %(title)s", title=d.title)
        return render(request, "land.html", values, state=s)


def new_division_view(
    request: Request,
    unit_id: str,
    *,
    form: dict[str, Any] | None = None,
    error: SovetError | None = None,
    problems: list[str] | None = None,
) -> HTMLResponse:
    """The convenor's form to divide the unit's land or housing."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        u = s.units.get(unit_id)
        if u is None:
            raise NotFound(f"no unit {unit_id!r}")
        rules = s.rules().land
        values: dict[str, Any] = {
            "title": ctx._("Divide land or housing"),
            "u": u,
            "norm_text": ctx._(NORMS.get(rules.norm, rules.norm)),
            "cuts": [(cut, ctx._(text)) for cut, text in CUTS.items()],
            "default_cut": rules.cut,
            "form": form or {},
            "problems": problems or [],
            "is_convenor": ctx.actor in u.convenors,
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "land_new.html", values, status=status, state=s)


@router.get("/units/{unit_id}/land/new", response_class=HTMLResponse)
def new_division(request: Request, unit_id: str) -> HTMLResponse:
    """The form to divide a unit's land or housing."""
    return new_division_view(request, unit_id)


@router.post("/units/{unit_id}/land/new")
async def divide(request: Request, unit_id: str) -> Response:
    """A convenor of the unit divides its land; a bad line shows the form again with
    every problem, and nothing is stored."""
    form: dict[str, Any] = {}
    try:
        form = await form_of(request)
        problems: list[str] = []
        parcels: list[tuple[str, Fraction, Fraction]] = []
        households: list[tuple[str, int, int]] = []
        try:
            parcels = parse_parcels(str(form.get("parcels", "")))
        except FileFormatError as exc:
            problems += [f"parcels: {line}" for line in exc.message.splitlines()]
        try:
            households = parse_households(str(form.get("households", "")))
        except FileFormatError as exc:
            problems += [f"households: {line}" for line in exc.message.splitlines()]
        if problems:
            error = InputError(f"{len(problems)} line(s) to put right; nothing was stored")
            return await run_in_threadpool(
                new_division_view, request, unit_id, form=form, error=error, problems=problems
            )
        cut = str(form.get("cut", "")) or None
        d = await run_in_threadpool(
            act,
            request,
            actions.divide_land,
            unit=unit_id,
            title=str(form.get("title", "")),
            parcels=parcels,
            households=households,
            cut=cut,
        )
    except SovetError as exc:
        return await run_in_threadpool(new_division_view, request, unit_id, form=form, error=exc)
    return redirect(f"/land/{d.id}")
