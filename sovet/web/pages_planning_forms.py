"""Forms of production planning: a workplace's convenor declares its techniques (one per
row), a council's convenor declares its needs (one product per row).

Every row is checked before anything is stored: a wrong row is shown again with the
reader's entries and a message beside each wrong field, and nothing is stored until
every row is right. Then the form calls the same action as the API (which checks the
convenorship and appends one ledger entry). "More rows" shows the form again with
empty rows added, without script and without storing anything.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet import actions
from sovet.errors import SovetError
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    act,
    form_of,
    redirect,
    render,
    with_error,
)
from sovet.web.pages_planning import check_period, convened_councils, producing_units
from sovet.web.store import store_of

__all__ = ["parse_inputs", "parse_number", "router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)
SPARE = 2
"""Empty rows shown after the declared ones."""
MAX_ROWS = 100
TECHNIQUE_FIELDS = ("name", "product", "labour", "capacity", "inputs")
NEED_FIELDS = ("product", "quantity")


def parse_number(text: str) -> str | None:
    """A quantity typed in (a decimal point or comma), as a decimal string; None if it is
    not a number ≥ 0.

    >>> parse_number("0,8"), parse_number(" 12 "), parse_number("-1"), parse_number("x")
    ('0.8', '12', None, None)
    """
    try:
        number = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0 or (number and number.adjusted() > 15):
        return None
    return format(round(number, 9).normalize(), "f")


def parse_inputs(text: str) -> dict[str, str] | None:
    """Inputs typed as ``product = amount``, one per line or separated by ``;``; None if
    one of them is not so written.

    >>> parse_inputs("steel = 0,8; grain: 2"), parse_inputs(""), parse_inputs("steel")
    ({'steel': '0.8', 'grain': '2'}, {}, None)
    """
    out: dict[str, str] = {}
    for item in re.split(r"[;\n]+", text):
        if not item.strip():
            continue
        found = re.fullmatch(r"\s*(.+?)\s*[=:]\s*([^=:]+?)\s*", item)
        amount = parse_number(found[2]) if found else None
        if found is None or amount is None or found[1].strip() in out:
            return None
        out[found[1].strip()] = amount
    return out


def _rows(form: dict[str, Any], fields: tuple[str, ...]) -> list[dict[str, str]]:
    raw = str(form.get("rows", ""))
    count = min(MAX_ROWS, int(raw)) if raw.isdigit() else 0
    return [{f: str(form.get(f"{f}-{i}", "")).strip() for f in fields} for i in range(1, count + 1)]


def _check_techniques(
    ctx: PageContext, rows: list[dict[str, str]]
) -> tuple[list[dict[str, Any]], dict[int, dict[str, str]]]:
    """The techniques of the filled rows, and the errors of each wrong row by field."""
    techniques: list[dict[str, Any]] = []
    errors: dict[int, dict[str, str]] = {}
    names: set[str] = set()
    for i, row in enumerate(rows, start=1):
        if not any(row.values()):
            continue
        wrong: dict[str, str] = {}
        if not row["name"]:
            wrong["name"] = ctx._("Give the technique a name.")
        elif row["name"] in names:
            wrong["name"] = ctx._("Another row already has this name.")
        names.add(row["name"])
        if not row["product"]:
            wrong["product"] = ctx._("Say which product it makes.")
        labour = parse_number(row["labour"])
        if labour is None:
            wrong["labour"] = ctx._("Labour hours per unit: a number, 0 or more.")
        capacity = parse_number(row["capacity"]) if row["capacity"] else None
        if row["capacity"] and capacity is None:
            wrong["capacity"] = ctx._("Capacity: a number, 0 or more, or blank for no limit.")
        inputs = parse_inputs(row["inputs"])
        if inputs is None:
            wrong["inputs"] = ctx._(
                "Inputs: write each as product = amount per unit (a number, 0 or more), "
                "one per line."
            )
        elif Decimal(inputs.get(row["product"], "0")) >= 1:
            wrong["inputs"] = ctx._(
                "A technique cannot use one unit or more of its own product per unit."
            )
        if wrong:
            errors[i] = wrong
            continue
        techniques.append(
            {
                "name": row["name"],
                "product": row["product"],
                "labour": labour,
                "capacity": capacity,
                "inputs": inputs,
            }
        )
    return techniques, errors


def _declared_rows(period: str, body: str, kind: str, request: Request) -> list[dict[str, str]]:
    with store_of(request).read() as s:
        d = s.declarations.get(f"{period}|{body}")
    if d is None or d["kind"] != kind:
        return []
    if kind == "needs":
        return [{"product": p, "quantity": q} for p, q in d["needs"]]
    return [
        {
            "name": t["name"],
            "product": t["product"],
            "labour": t["labour"],
            "capacity": t["capacity"] or "",
            "inputs": "\n".join(f"{p} = {a}" for p, a in t["inputs"]),
        }
        for t in d["techniques"]
    ]


def _form_view(
    request: Request,
    period: str,
    kind: str,
    *,
    body: str | None,
    rows: list[dict[str, str]] | None = None,
    row_errors: dict[int, dict[str, str]] | None = None,
    error: SovetError | None = None,
) -> HTMLResponse:
    """The production form (``kind`` "production") or the needs form ("needs")."""
    ctx = PageContext(request)
    check_period(period)
    fields = TECHNIQUE_FIELDS if kind == "production" else NEED_FIELDS
    with store_of(request).read() as s:
        bodies = (
            producing_units(s, ctx.actor)
            if kind == "production"
            else convened_councils(s, ctx.actor)
        )
    if body is None and bodies:
        body = bodies[0][0]
    if rows is None:
        rows = _declared_rows(period, body, kind, request) if body else []
        rows += [dict.fromkeys(fields, "") for _ in range(SPARE if rows else SPARE + 1)]
    with store_of(request).read() as s:
        values: dict[str, Any] = {
            "title": ctx._("Declare production for %(period)s", period=period)
            if kind == "production"
            else ctx._("Declare needs for %(period)s", period=period),
            "period": period,
            "kind": kind,
            "bodies": bodies,
            "body": body,
            "body_name": s.body_name(body) if body in s.units or body in s.councils else body,
            "rows": rows,
            "row_errors": row_errors or {},
        }
        status = with_error(values, ctx.lang, error)
        if row_errors:
            values["error"] = ctx._("Nothing was stored: please correct the rows marked below.")
            status = 422
        return render(request, "plan_declare.html", values, status=status, state=s)


@router.get("/plans/{period}/production", response_class=HTMLResponse)
def production_form(request: Request, period: str, unit: str | None = None) -> HTMLResponse:
    """A workplace's convenor declares what it can make: techniques, one per row."""
    return _form_view(request, period, "production", body=unit)


@router.get("/plans/{period}/needs", response_class=HTMLResponse)
def needs_form(request: Request, period: str, council: str | None = None) -> HTMLResponse:
    """A council's convenor declares its constituents' needs, one product per row."""
    return _form_view(request, period, "needs", body=council)


@router.post("/plans/{period}/production")
async def declare_production(request: Request, period: str) -> Response:
    """Check every row, then declare (replacing the unit's earlier declaration)."""
    form: dict[str, Any] = {}
    rows: list[dict[str, str]] = []
    unit = None
    try:
        form = await form_of(request)
        unit = str(form.get("body", "")) or None
        rows = _rows(form, TECHNIQUE_FIELDS)
        if form.get("more"):
            rows += [dict.fromkeys(TECHNIQUE_FIELDS, "") for _ in range(3)]
            return await run_in_threadpool(
                _form_view, request, period, "production", body=unit, rows=rows
            )
        ctx = PageContext(request)
        techniques, row_errors = _check_techniques(ctx, rows)
        if row_errors:
            return await run_in_threadpool(
                _form_view,
                request,
                period,
                "production",
                body=unit,
                rows=rows,
                row_errors=row_errors,
            )
        await run_in_threadpool(
            act,
            request,
            actions.declare_production,
            unit=unit or "",
            period=period,
            techniques=techniques,
        )
    except SovetError as exc:
        return await run_in_threadpool(
            _form_view, request, period, "production", body=unit, rows=rows or None, error=exc
        )
    return redirect(f"/plans/{quote(period)}?done=production#production")


def _check_needs(
    ctx: PageContext, rows: list[dict[str, str]]
) -> tuple[dict[str, str], dict[int, dict[str, str]]]:
    needs: dict[str, str] = {}
    errors: dict[int, dict[str, str]] = {}
    for i, row in enumerate(rows, start=1):
        if not any(row.values()):
            continue
        wrong: dict[str, str] = {}
        if not row["product"]:
            wrong["product"] = ctx._("Say which product is needed.")
        elif row["product"] in needs:
            wrong["product"] = ctx._("This product is already in another row.")
        quantity = parse_number(row["quantity"])
        if quantity is None:
            wrong["quantity"] = ctx._("Quantity: a number, 0 or more.")
        if wrong:
            errors[i] = wrong
        elif quantity is not None:
            needs[row["product"]] = quantity
    return needs, errors


@router.post("/plans/{period}/needs")
async def declare_needs(request: Request, period: str) -> Response:
    """Check every row, then declare the council's needs (replacing earlier ones)."""
    form: dict[str, Any] = {}
    rows: list[dict[str, str]] = []
    council = None
    try:
        form = await form_of(request)
        council = str(form.get("body", "")) or None
        rows = _rows(form, NEED_FIELDS)
        if form.get("more"):
            rows += [dict.fromkeys(NEED_FIELDS, "") for _ in range(3)]
            return await run_in_threadpool(
                _form_view, request, period, "needs", body=council, rows=rows
            )
        needs, row_errors = _check_needs(PageContext(request), rows)
        if row_errors:
            return await run_in_threadpool(
                _form_view, request, period, "needs", body=council, rows=rows, row_errors=row_errors
            )
        await run_in_threadpool(
            act, request, actions.declare_needs, council=council or "", period=period, needs=needs
        )
    except SovetError as exc:
        return await run_in_threadpool(
            _form_view, request, period, "needs", body=council, rows=rows or None, error=exc
        )
    return redirect(f"/plans/{quote(period)}?done=needs#needs")
