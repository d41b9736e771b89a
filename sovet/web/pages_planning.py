"""Pages of production planning: the periods, a period's declarations and the plan they
give (targets, labour values, shortages in words, binding capacities, the plan flows
picture), and the plan motion with its ratification by the base.

Forms (declaring production and needs, proposing the plan) are in
:mod:`sovet.web.pages_planning_forms`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet import actions
from sovet.actions.planning import PERIOD, PRODUCING
from sovet.errors import InputError, SovetError
from sovet.federation import State
from sovet.planning import Economy, PlanReport, plan_report
from sovet.web import views_planning
from sovet.web.charts_planning import FlowEdge, FlowNode, plan_flows
from sovet.web.limits import heavy
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    act,
    body_href,
    error_message,
    form_of,
    redirect,
    render,
    with_error,
)
from sovet.web.pages_motions import ratification_progress
from sovet.web.store import store_of

__all__ = ["check_period", "router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def check_period(period: str) -> str:
    """A period name fit for an address, or a refusal naming it."""
    if not PERIOD.fullmatch(period):
        raise InputError(f"period {period!r}: use letters, digits, '.', '-' or '_' (e.g. 1918-Q1)")
    return period


def figure(ctx: PageContext, x: float, places: int = 2) -> str:
    """A planner's quantity rounded for reading, in the reader's locale."""
    return ctx.lang.number(views_planning.figure(round(x, places)))


def producing_units(s: State, actor: str | None) -> list[tuple[str, str]]:
    """The producing units ``actor`` convenes, as (id, name)."""
    return [
        (u.id, u.name)
        for u in sorted(s.units.values(), key=lambda u: u.name)
        if actor in u.convenors and u.kind in PRODUCING and not u.dissolved
    ]


def convened_councils(s: State, actor: str | None) -> list[tuple[str, str]]:
    return [
        (c.id, c.name)
        for c in sorted(s.councils.values(), key=lambda c: c.name)
        if actor in c.convenors and not c.dissolved
    ]


def seated_councils(s: State, actor: str | None) -> list[tuple[str, str]]:
    return [
        (c.id, c.name)
        for c in sorted(s.councils.values(), key=lambda c: c.name)
        if actor is not None and actor in s.seated(c.id) and not c.dissolved
    ]


# ---- the periods -----------------------------------------------------------------------------


@router.get("/plans", response_class=HTMLResponse)
def plans(request: Request) -> HTMLResponse:
    """Every period with declarations, and where to declare for a new one."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        rows = []
        for p in views_planning.periods(s):
            out = views_planning.period_out(s, p)
            latest = s.motions.get(out["motions"][0]) if out["motions"] else None
            rows.append((out, latest))
        values = {
            "title": ctx._("Production plans"),
            "rows": rows,
            "declares": bool(producing_units(s, ctx.actor) or convened_councils(s, ctx.actor)),
        }
        return render(request, "plans.html", values, state=s)


@router.get("/plans/declare")
def declare(request: Request, period: str = "", what: str = "production") -> Response:
    """Go to the production or needs form of the period typed in (a form without script)."""
    check_period(period.strip())
    page = "needs" if what == "needs" else "production"
    return redirect(f"/plans/{quote(period.strip())}/{page}")


# ---- the period page -------------------------------------------------------------------------


def _shortages(ctx: PageContext, s: State, r: PlanReport) -> list[str]:
    """Each unmet need as a sentence: how much is needed, how much at most, what binds."""
    sentences = []
    for x in r.shortages:
        where = ", ".join(
            ctx._(
                "%(workplace)s (%(technique)s, %(capacity)s units)",
                workplace=s.body_name(c.workplace),
                technique=c.technique,
                capacity=figure(ctx, c.capacity),
            )
            for c in x.causes
        )
        values = {
            "need": figure(ctx, x.needed),
            "product": x.product,
            "most": figure(ctx, x.available),
        }
        if len(x.causes) > 1:
            sentences.append(
                ctx._(
                    "Need %(need)s of %(product)s; at most %(most)s can be made, because these "
                    "capacities bind: %(where)s.",
                    where=where,
                    **values,
                )
            )
        elif where:
            sentences.append(
                ctx._(
                    "Need %(need)s of %(product)s; at most %(most)s can be made, because the "
                    "capacity of %(where)s binds.",
                    where=where,
                    **values,
                )
            )
        else:
            sentences.append(
                ctx._("Need %(need)s of %(product)s; at most %(most)s can be made.", **values)
            )
    return sentences


def flows_chart(ctx: PageContext, s: State, r: PlanReport) -> tuple[str, list[dict[str, str]]]:
    """The plan flows picture, and its flows in words for the table beside it."""
    made: dict[tuple[str, str], float] = {}
    used: dict[tuple[str, str], float] = {}
    for t in r.targets:
        made[(t.workplace, t.product)] = made.get((t.workplace, t.product), 0.0) + t.quantity
        for p, a in t.inputs:
            if a > 1e-9:
                used[(t.workplace, p)] = used.get((t.workplace, p), 0.0) + a
    for n in r.economy.needs:
        if n.quantity > 0:
            used[(n.council, n.product)] = used.get((n.council, n.product), 0.0) + n.quantity
    order = {p: i for i, p in enumerate(r.economy.products)}
    makers_ids = sorted(
        {w for w, _ in made}, key=lambda w: min(order[p] for v, p in made if v == w)
    )
    users_ids = sorted({u for u, _ in used}, key=lambda u: (u in s.councils, s.body_name(u)))
    makers = [FlowNode(f"m:{w}", s.body_name(w), "workplace", body_href(s, w)) for w in makers_ids]
    products = [FlowNode(f"p:{p}", p, "product") for p in r.economy.products]
    users = [
        FlowNode(f"u:{u}", s.body_name(u), "council" if u in s.councils else "workplace")
        for u in users_ids
    ]
    edges: list[FlowEdge] = []
    words: list[dict[str, str]] = []
    for (w, p), q in sorted(made.items(), key=lambda kv: makers_ids.index(kv[0][0])):
        shown = ctx._("%(quantity)s %(product)s", quantity=figure(ctx, q), product=p)
        title = ctx._("%(maker)s makes %(shown)s", maker=s.body_name(w), shown=shown)
        edges.append(FlowEdge(f"m:{w}", f"p:{p}", q, shown, title))
        words.append({"from": s.body_name(w), "to": p, "what": shown})
    for (u, p), q in sorted(
        used.items(), key=lambda kv: (order[kv[0][1]], users_ids.index(kv[0][0]))
    ):
        shown = ctx._("%(quantity)s %(product)s", quantity=figure(ctx, q), product=p)
        title = (
            ctx._("%(council)s needs %(shown)s", council=s.body_name(u), shown=shown)
            if u in s.councils
            else ctx._("%(user)s uses %(shown)s as input", user=s.body_name(u), shown=shown)
        )
        edges.append(FlowEdge(f"p:{p}", f"u:{u}", q, shown, title))
        words.append({"from": p, "to": s.body_name(u), "what": shown})
    svg = plan_flows(
        makers,
        products,
        users,
        edges,
        label=ctx._("Plan flows: who makes each product and who uses it"),
        headings=(ctx._("Made by"), ctx._("Product"), ctx._("Used by")),
    )
    return svg, words


def _plan_values(ctx: PageContext, s: State, r: PlanReport) -> dict[str, Any]:
    chart, flows = flows_chart(ctx, s, r)
    return {
        "status": r.status,
        "labour": figure(ctx, r.labour),
        "shortages": _shortages(ctx, s, r),
        "targets": [
            {
                "workplace": s.body_name(t.workplace),
                "href": body_href(s, t.workplace),
                "technique": t.technique,
                "product": t.product,
                "quantity": figure(ctx, t.quantity),
                "labour": figure(ctx, t.labour),
                "inputs": ", ".join(
                    ctx._("%(quantity)s %(product)s", quantity=figure(ctx, a), product=p)
                    for p, a in t.inputs
                ),
            }
            for t in r.targets
        ],
        "binding": [
            {
                "workplace": s.body_name(b.workplace),
                "technique": b.technique,
                "product": b.product,
                "capacity": figure(ctx, b.capacity),
                "shadow": figure(ctx, b.shadow_price),
            }
            for b in r.binding
        ],
        "values": [(p, figure(ctx, v, 3)) for p, v in r.values],
        "chart": chart,
        "flows": flows,
    }


def period_view(request: Request, period: str, *, error: SovetError | None = None) -> HTMLResponse:
    """A period: declarations, labour values, the plan computed now, the plan motions."""
    ctx = PageContext(request)
    check_period(period)
    economy: Economy | None = None
    plan_error: SovetError | None = None
    with store_of(request).read() as s:
        detail = views_planning.period_detail(s, period)
        try:
            economy = views_planning.economy_of(s, period)
        except SovetError as exc:
            plan_error = exc
    report = None
    if economy is not None:
        try:
            report = plan_report(economy)  # outside the lock: reads only the economy
        except SovetError as exc:
            plan_error = exc
    with store_of(request).read() as s:
        motions = [(m, s.ratifications.get(m.id)) for m in views_planning.plan_motions(s, period)]
        latest = motions[0] if motions else None
        values: dict[str, Any] = {
            "title": ctx._("Plan for %(period)s", period=period),
            "period": period,
            "detail": detail,
            "hrefs": {
                b: body_href(s, b)
                for b in [w["workplace"] for w in detail["production"]]
                + [c["council"] for c in detail["needs"]]
            },
            "plan": None if report is None else _plan_values(ctx, s, report),
            "plan_error": None if plan_error is None else error_message(ctx.lang, plan_error),
            "motions": motions,
            "progress": (
                ratification_progress(ctx, s, latest[1])
                if latest is not None and latest[1] is not None
                else None
            ),
            "adopted": s.motions.get(detail["adopted_by"] or ""),
            "producing": producing_units(s, ctx.actor),
            "convenes": convened_councils(s, ctx.actor),
            "seated": seated_councils(s, ctx.actor),
        }
        status = with_error(values, ctx.lang, error)
        if request.query_params.get("done") in ("production", "needs") and error is None:
            values["notice"] = ctx._("Your declaration is recorded; the plan below includes it.")
        return render(request, "plan.html", values, status=status, state=s)


@router.get("/plans/{period}", response_class=HTMLResponse, dependencies=[Depends(heavy)])
def period_page(request: Request, period: str) -> HTMLResponse:
    """One period's page (public)."""
    return period_view(request, period)


@router.post("/plans/{period}/propose")
async def propose(request: Request, period: str) -> Response:
    """A delegate seated in a council (its convenor, typically) puts the plan to it as a
    motion on the reserved matter ``plan``; the page of the motion follows."""
    try:
        form = await form_of(request)
        check_period(period)
        m = await run_in_threadpool(
            act, request, actions.propose_plan, council=str(form.get("council", "")), period=period
        )
    except SovetError as exc:
        return await run_in_threadpool(period_view, request, period, error=exc)
    return redirect(f"/motions/{m.id}")
