"""Pages of participatory budgets: the list (overall and per body), a budget with its
ballot (approvals, or points per project) and the running total, the receipt, the
results with the chart of projects by support and cost, the recount from the published
instance, and the convenor's forms to open and close a budget."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet import actions
from sovet.counting.budgets import BUDGET_RULES
from sovet.counting.pabulib import parse_pabulib
from sovet.errors import InputError, NotOpen, SovetError
from sovet.model import Budget, ElectionStatus
from sovet.web.api_budgets import approvals_of, recount_summary
from sovet.web.charts import turnout_bar
from sovet.web.charts_budgets import ProjectBar, budget_bars
from sovet.web.i18n import N_
from sovet.web.limits import heavy
from sovet.web.options import convenes
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    act,
    body_href,
    form_of,
    redirect,
    render,
    with_error,
)
from sovet.web.store import store_of

__all__ = [
    "LineProblem",
    "approved_from_form",
    "points_from_form",
    "projects_from_text",
    "router",
]

router = APIRouter(include_in_schema=False, route_class=PageRoute)

RULE_WORDS: dict[str, str] = {
    "greedy": N_("greedy: most approved first, while the money lasts"),
    "equal-shares": N_("Method of Equal Shares"),
    "equal-shares-add1": N_("Method of Equal Shares, completed (add1)"),
    "equal-shares-add1-comparison": N_("Method of Equal Shares, completed and compared"),
}
"""Each budgeting rule in words (the ones a convenor may choose)."""

LINE_PROBLEMS: dict[str, str] = {
    "shape": N_("Line %(n)s: write “id; name; cost” or “name; cost”."),
    "cost": N_("Line %(n)s: the cost “%(value)s” is not a positive whole number."),
    "id": N_("Line %(n)s: the id “%(value)s” may not contain spaces, “;” or “,”."),
    "twice": N_("Line %(n)s: the id “%(value)s” is already used on another line."),
    "name": N_("Line %(n)s: the project needs a name."),
}
"""What is wrong with one line of the projects box, in words."""

TIE_HOW: dict[str, str] = {
    "cheaper": N_("the cheaper project went first"),
    "more-supporters": N_("the project with more supporters went first"),
    "lot": N_("decided by the recorded lot"),
    "file-order": N_("decided by the order of the list"),
}
"""How a tie between projects was broken, in words."""

LineProblem = tuple[int, str, str]


def _whole(text: str) -> bool:
    """Whether ``text`` is a whole number of at most 15 ASCII digits.

    >>> _whole("600"), _whole("3O"), _whole("١٢"), _whole("9" * 16)
    (True, False, False, False)
    """
    return text.isascii() and text.isdigit() and len(text) <= 15


def projects_from_text(text: str) -> tuple[list[tuple[str, str, int]], list[LineProblem]]:
    """The projects of the box, one per line ``id; name; cost`` (or ``name; cost``,
    numbered ``p<line>``), and every line's problem as ``(line, kind, value)``.

    >>> projects_from_text("stove; New stove; 60\\nLibrary; 3O")
    ([('stove', 'New stove', 60)], [(2, 'cost', '3O')])
    """
    projects: list[tuple[str, str, int]] = []
    problems: list[LineProblem] = []
    seen: set[str] = set()
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split(";")]
        if len(parts) == 2:
            parts = [f"p{n}", *parts]
        if len(parts) != 3:
            problems.append((n, "shape", raw.strip()))
            continue
        pid, name, cost_text = parts
        cost_digits = cost_text.replace(" ", "").replace("\u00a0", "").replace("_", "")
        if not _whole(cost_digits) or int(cost_digits) <= 0:
            problems.append((n, "cost", cost_text))
            continue
        if not pid or any(c.isspace() or c in ";," for c in pid):
            problems.append((n, "id", pid))
            continue
        if pid in seen:
            problems.append((n, "twice", pid))
            continue
        if not name:
            problems.append((n, "name", ""))
            continue
        seen.add(pid)
        projects.append((pid, name, int(cost_digits)))
    return projects, problems


def approved_from_form(b: Budget, form: dict[str, Any]) -> list[str]:
    """The projects ticked on the ballot, in the budget's order (unknown ids ignored)."""
    chosen = form.get("approve", [])
    chosen = chosen if isinstance(chosen, list) else [chosen]
    return [p.id for p in b.projects if p.id in chosen]


def points_from_form(b: Budget, form: dict[str, Any]) -> dict[str, int]:
    """The points given on a scoring ballot (``points-<id>``; blank means 0).

    >>> from sovet.model import BudgetProject
    >>> b = Budget("b", "u", "t", 9, (BudgetProject("x", "X", 5),), "greedy", "", "",
    ...            vote_type="scoring", max_points=3)
    >>> points_from_form(b, {"points-x": "2"})
    {'x': 2}
    """
    given: dict[str, int] = {}
    for p in b.projects:
        raw = form.get(f"points-{p.id}", "")
        raw = raw.strip() if isinstance(raw, str) else ""
        if not raw:
            continue
        if not _whole(raw) or int(raw) > b.max_points:
            raise InputError(
                f"points for {p.id}: {raw!r} is not a whole number from 0 to {b.max_points}"
            )
        given[p.id] = int(raw)
    return given


@router.get("/budgets", response_class=HTMLResponse)
def budgets(request: Request, body: str | None = None) -> HTMLResponse:
    """Open and counted budgets, of the whole federation or of one body (``?body=``)."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        if body is not None:
            s.body_name(body)  # 404 for an unknown body
        rows = [
            (b, s.body_name(b.body))
            for b in sorted(s.budgets.values(), key=lambda b: (b.opened_at, b.id), reverse=True)
            if body is None or b.body == body
        ]
        values = {
            "title": ctx._("Budgets of %(body)s", body=s.body_name(body))
            if body
            else ctx._("Participatory budgets"),
            "body": body,
            "body_name": s.body_name(body) if body else "",
            "body_href": body_href(s, body) if body else None,
            "convenes": body is not None and convenes(s, ctx.actor, body),
            "open": [r for r in rows if r[0].status is ElectionStatus.OPEN],
            "closed": [r for r in rows if r[0].status is not ElectionStatus.OPEN],
        }
        return render(request, "budgets.html", values, state=s)


def _results(b: Budget, ctx: PageContext, voters: int) -> dict[str, Any]:
    approvals, points = approvals_of(b)
    lang = ctx.lang
    scoring = b.vote_type == "scoring"
    support = points if scoring else approvals
    rows = [
        ProjectBar(
            name=p.name,
            approvals=support.get(p.id, 0),
            cost=p.cost,
            funded=p.id in b.selected,
            shown_approvals=ctx._("points: %(n)s", n=lang.number(support.get(p.id, 0)))
            if scoring
            else ctx._("approvals: %(n)s", n=lang.number(support.get(p.id, 0))),
            shown_cost=ctx._("costs %(cost)s", cost=lang.number(p.cost)),
        )
        for p in b.projects
    ]
    order = sorted(
        zip(rows, [approvals.get(p.id, 0) for p in b.projects], strict=True),
        key=lambda t: (-t[0].approvals, t[0].cost, t[0].name),
    )
    result = b.result or {}
    return {
        "chart": budget_bars(
            rows,
            voters=voters * (b.max_points if scoring else 1),
            total=b.total,
            label=ctx._("Projects by points and by cost; funded ones are marked “funded”")
            if scoring
            else ctx._("Projects by approvals and by cost; funded ones are marked “funded”"),
            funded_word=ctx._("funded"),
            not_funded_word=ctx._("not funded"),
        ),
        "table": order,
        "scoring": scoring,
        "funded": [p for p in b.projects if p.id in b.selected],
        "used": lang.percent(b.cost, b.total),
        "left": b.total - b.cost,
        "ties": [
            (t["among"], t["chosen"], ctx._(TIE_HOW[t["how"]]) if t["how"] in TIE_HOW else t["how"])
            for t in list(result.get("ties", []) or [])  # type: ignore[call-overload]
        ],
        "seed": result.get("seed"),
        "names": {p.id: p.name for p in b.projects},
    }


def _find_ballot(b: Budget, receipt: str, ctx: PageContext) -> dict[str, Any]:
    """The published ballot under ``receipt``: the projects it chose (with their points)."""
    instance = parse_pabulib(b.instance, path=f"budget {b.id}")
    start = instance.ballot_start
    for i, voter in enumerate(instance.voter_ids):
        if voter != receipt:
            continue
        chosen = instance.ballot_projects[start[i] : start[i + 1]].tolist()
        names = [instance.projects[j].name for j in chosen]
        if instance.ballot_points is not None:
            given = instance.ballot_points[start[i] : start[i + 1]].tolist()
            names = [f"{n} ({ctx.lang.number(p)})" for n, p in zip(names, given, strict=True)]
        return {"match_found": True, "match": names}
    return {"match_found": False, "match": []}


def budget_view(
    request: Request,
    budget_id: str,
    *,
    error: SovetError | None = None,
    receipt: str | None = None,
    ticked: list[str] | None = None,
    given: dict[str, int] | None = None,
    found: str | None = None,
) -> HTMLResponse:
    """A budget: the ballot while open; what it funds and the published ballots once
    counted (``found`` is a receipt looked up among them)."""
    ctx = PageContext(request)
    now = store_of(request).db.clock()  # the clock the actions take
    with store_of(request).read() as s:
        b: Budget = s.get("budgets", budget_id)
        members = s.voters_of(b.body)
        opened = b.status is ElectionStatus.OPEN
        electorate = len(b.electorate if opened else members)
        is_voter = ctx.actor is not None and ctx.actor in members
        due = b.deadline is not None and now >= b.deadline
        everyone_voted = not ((b.electorate & members) - b.voters)
        may_close = opened and (
            (due and ctx.actor is not None) or (everyone_voted and convenes(s, ctx.actor, b.body))
        )
        voted = len(b.voters)
        share = ctx.lang.percent(voted, electorate)
        chosen = (ticked or []) + [pid for pid, n in (given or {}).items() if n > 0]
        costs = {p.id: p.cost for p in b.projects}
        running = sum(costs.get(c, 0) for c in chosen)
        values: dict[str, Any] = {
            "title": ctx._("Budget: %(title)s", title=b.title),
            "b": b,
            "body": s.body_name(b.body),
            "body_href": body_href(s, b.body),
            "rule_words": ctx._(RULE_WORDS.get(b.rule, b.rule)),
            "can_vote": opened
            and not due
            and is_voter
            and ctx.actor in b.electorate
            and ctx.actor not in b.voters,
            "may_close": may_close,
            "due": due,
            "has_voted": ctx.actor in b.voters,
            "is_voter": is_voter,
            "convenes": convenes(s, ctx.actor, b.body),
            "turnout": turnout_bar(
                voted,
                electorate,
                label=ctx._("Turnout"),
                shown=ctx._(
                    "%(voted)s of %(electorate)s voted (%(share)s)",
                    voted=ctx.lang.number(voted),
                    electorate=ctx.lang.number(electorate),
                    share=share,
                ),
                fmt=ctx.lang.number,
            ),
            "voted": voted,
            "electorate": electorate,
            "share": share,
            "receipt": receipt,
            "found_receipt": found,
            "ticked": chosen,
            "given": given or {},
            "scoring": b.vote_type == "scoring",
            "running": running,
            "over": running > b.total,
            "live": b.status is ElectionStatus.OPEN,
        }
        if b.status is ElectionStatus.COUNTED:
            values.update(_results(b, ctx, voted))
            if found:
                values.update(_find_ballot(b, found, ctx))
        status = with_error(values, ctx.lang, error)
        return render(request, "budget.html", values, status=status, state=s)


@router.get("/budgets/{budget_id}", response_class=HTMLResponse)
def budget(request: Request, budget_id: str) -> HTMLResponse:
    """One budget's page (a receipt is looked up by POST: :func:`find_receipt`)."""
    return budget_view(request, budget_id)


@router.post("/budgets/{budget_id}/receipt", response_class=HTMLResponse)
async def find_receipt(request: Request, budget_id: str) -> Response:
    """Find a ballot in the published instance by its receipt (sent in the form's body,
    so that the secret stays out of addresses and logs)."""
    form = await form_of(request)
    found = str(form.get("receipt", "")).strip().lower() or None
    return await run_in_threadpool(budget_view, request, budget_id, found=found)


@router.post("/budgets/{budget_id}/ballot")
async def cast(request: Request, budget_id: str) -> Response:
    """Cast the secret ballot (approvals, or points on a scoring budget), or (``check``)
    only show the running total of the chosen projects against the budget, for readers
    without scripts."""
    ticked: list[str] = []
    given: dict[str, int] = {}
    try:
        form = await form_of(request)

        def work() -> str | None:
            nonlocal ticked, given
            with store_of(request).read() as s:
                b = s.get("budgets", budget_id)
            if b.vote_type == "scoring":
                given = points_from_form(b, form)
            else:
                ticked = approved_from_form(b, form)
            if form.get("check"):
                return None
            if b.vote_type == "scoring":
                return act(request, actions.cast_budget_ballot, budget_id=budget_id, points=given)
            if not ticked:
                raise InputError("the ballot is empty: approve at least one project")
            return act(request, actions.cast_budget_ballot, budget_id=budget_id, approved=ticked)

        receipt = await run_in_threadpool(work)
    except SovetError as exc:
        return await run_in_threadpool(
            budget_view, request, budget_id, error=exc, ticked=ticked, given=given
        )
    if receipt:
        return await run_in_threadpool(budget_view, request, budget_id, receipt=receipt)
    return await run_in_threadpool(budget_view, request, budget_id, ticked=ticked, given=given)


@router.post("/budgets/{budget_id}/close")
async def close(request: Request, budget_id: str) -> Response:
    """A convenor closes the vote: it is counted and the instance published."""
    try:
        await form_of(request)
        await run_in_threadpool(act, request, actions.close_budget, budget_id=budget_id)
    except SovetError as exc:
        return await run_in_threadpool(budget_view, request, budget_id, error=exc)
    return redirect(f"/budgets/{budget_id}")


@router.get(
    "/budgets/{budget_id}/recount", response_class=HTMLResponse, dependencies=[Depends(heavy)]
)
def recount(request: Request, budget_id: str) -> HTMLResponse:
    """Count the published instance again, by the rule and the seed in the log."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        b: Budget = s.get("budgets", budget_id)
        if b.status is not ElectionStatus.COUNTED:
            raise NotOpen(f"budget {budget_id} is not counted yet; its ballots are sealed")
        recount = recount_summary(b)
        names = {p.id: p.name for p in b.projects}
        values = {
            "title": ctx._("Recount"),
            "b": b,
            "body": s.body_name(b.body),
            "rule_words": ctx._(RULE_WORDS.get(b.rule, b.rule)),
            **{k: recount[k] for k in ("ballots", "cost", "matches", "seed")},
            "selected": [names.get(p, p) for p in recount["selected"]],
            "recorded": [names.get(p, p) for p in recount["recorded"]],
        }
        return render(request, "budget_recount.html", values, state=s)


def new_budget_view(
    request: Request,
    body: str,
    *,
    error: SovetError | None = None,
    entered: dict[str, Any] | None = None,
    problems: list[LineProblem] | None = None,
) -> HTMLResponse:
    """The convenor's form to open a budget of the body."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        values: dict[str, Any] = {
            "title": ctx._("Open a participatory budget"),
            "body": body,
            "name": s.body_name(body),
            "body_href": body_href(s, body),
            "rules": [(r, ctx._(RULE_WORDS[r])) for r in BUDGET_RULES if r in RULE_WORDS],
            "entered": entered or {"rule": "equal-shares-add1", "max_points": "5"},
            "problems": [
                ctx._(LINE_PROBLEMS[kind], n=ctx.lang.number(n), value=value)
                for n, kind, value in (problems or [])
            ],
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "budget_new.html", values, status=status, state=s)


@router.get("/bodies/{body}/budgets/new", response_class=HTMLResponse)
def new_budget(request: Request, body: str) -> HTMLResponse:
    """The form to open a budget."""
    return new_budget_view(request, body)


@router.post("/bodies/{body}/budgets/new")
async def open_budget(request: Request, body: str) -> Response:
    """A convenor of the body opens a participatory budget over the projects listed."""
    entered: dict[str, Any] = {}
    problems: list[LineProblem] = []
    try:
        form = await form_of(request)
        fields = ("title", "total", "projects", "rule", "vote_type", "max_points")
        entered = {k: str(form.get(k, "")) for k in fields}
        projects, problems = projects_from_text(entered["projects"])
        if problems:
            raise InputError(f"projects: {len(problems)} line(s) need correcting")
        if not projects:
            raise InputError("projects: list at least one project, one per line")
        if not entered["title"].strip():
            raise InputError("title: give the budget a title")
        total_text = entered["total"].replace(" ", "").replace("_", "")
        if not _whole(total_text) or int(total_text) <= 0:
            raise InputError("total: give a positive whole amount")
        scoring = entered["vote_type"] == "scoring"
        most = entered["max_points"].strip()
        if scoring and not _whole(most):
            raise InputError("max_points: give the most points a project may get, a whole number")
        b = await run_in_threadpool(
            act,
            request,
            actions.open_budget,
            body=body,
            title=entered["title"].strip(),
            total=int(total_text),
            projects=projects,
            rule=entered["rule"] or "equal-shares-add1",
            vote_type="scoring" if scoring else "approval",
            max_points=int(most) if scoring else 0,
        )
    except SovetError as exc:
        return await run_in_threadpool(
            new_budget_view, request, body, error=exc, entered=entered, problems=problems
        )
    return redirect(f"/budgets/{b.id}")
