"""Pages of what bodies decide: motions and their roll calls, council sessions (agenda,
attendance, speaker list, minutes), recall petitions and ratifications."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet import actions
from sovet.constitution import format_fraction
from sovet.errors import InputError, SovetError
from sovet.federation import State
from sovet.model import (
    Choice,
    Motion,
    MotionKind,
    MotionStatus,
    PetitionStatus,
    Ratification,
    Session,
    SessionStatus,
    VoteTally,
)
from sovet.rules import body_rules, open_session_of
from sovet.web.charts import progress_bars, turnout_bar
from sovet.web.options import convenes, motion_options, ratification_options
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

__all__ = ["motion_view", "ratification_progress", "ratification_view", "router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def _roll_call(s: State, m: Motion) -> list[dict[str, Any]]:
    flagged = {s.mandates[f].member for f in m.flagged if f in s.mandates}
    seated = s.seated(m.body) if m.body in s.councils else {}
    rows = []
    for member, choice in m.roll_call:
        mandate = seated.get(member)
        faction = s.members[member].faction if member in s.members else None
        rows.append(
            {
                "name": s.members[member].name if member in s.members else member,
                "mandate": mandate.id if mandate else None,
                "constituency": s.body_name(mandate.constituency) if mandate else "",
                "faction": s.factions[faction].name if faction in s.factions else None,
                "choice": choice,
                "flagged": member in flagged,
            }
        )
    return rows


def _tally_chart(ctx: PageContext, tally: VoteTally, eligible: int, voted: int) -> str:
    return turnout_bar(
        voted,
        eligible,
        label=ctx._("Turnout"),
        shown=ctx._(
            "%(voted)s of %(electorate)s voted (%(share)s)",
            voted=ctx.lang.number(voted),
            electorate=ctx.lang.number(eligible),
            share=ctx.lang.percent(voted, eligible),
        ),
        fmt=ctx.lang.number,
    )


# ---- motions ------------------------------------------------------------------------------


@router.get("/motions", response_class=HTMLResponse)
def motions(request: Request) -> HTMLResponse:
    """Motions under debate and decided."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        rows = [
            (m, s.body_name(m.body), body_href(s, m.body))
            for m in sorted(s.motions.values(), key=lambda m: m.proposed_at, reverse=True)
        ]
        values = {
            "title": ctx._("Motions"),
            "current": [r for r in rows if r[0].status in (MotionStatus.OPEN, MotionStatus.VOTING)],
            "decided": [
                r for r in rows if r[0].status not in (MotionStatus.OPEN, MotionStatus.VOTING)
            ],
        }
        return render(request, "motions.html", values, state=s)


def motion_view(
    request: Request, motion_id: str, *, error: SovetError | None = None, receipt: str | None = None
) -> HTMLResponse:
    """A motion: text, tally, roll call, the vote form and the convenor's buttons."""
    ctx = PageContext(request)
    now = store_of(request).db.clock()  # the clock the actions take
    with store_of(request).read() as s:
        m: Motion = s.get("motions", motion_id)
        voters = s.voters_of(m.body)
        council = m.body in s.councils
        due = m.deadline is not None and now >= m.deadline
        electorate = m.electorate if m.status is MotionStatus.VOTING else voters
        everyone_voted = not ((m.electorate & voters) - m.voters)
        may_close = m.status is MotionStatus.VOTING and (
            (due and ctx.actor is not None)
            or (
                everyone_voted
                and (
                    ctx.actor in voters
                    if m.kind is MotionKind.RECALL
                    else convenes(s, ctx.actor, m.body)
                )
            )
        )
        values: dict[str, Any] = {
            "title": m.title,
            "m": m,
            "body": s.body_name(m.body),
            "body_href": body_href(s, m.body),
            "council": council,
            "proposer": s.members[m.proposed_by].name
            if m.proposed_by in s.members
            else m.proposed_by,
            "roll_call": _roll_call(s, m),
            "tally_chart": _tally_chart(ctx, m.tally, len(electorate), len(m.voters)),
            "can_vote": m.status is MotionStatus.VOTING
            and not due
            and ctx.actor in voters
            and ctx.actor in m.electorate
            and ctx.actor not in m.voters,
            "may_close": may_close,
            "due": due,
            "has_voted": ctx.actor in m.voters,
            "convenes": convenes(s, ctx.actor, m.body),
            "choices": list(Choice),
            "ratification": s.ratifications.get(m.id),
            "petition": next((p for p in s.petitions.values() if p.vote_motion == m.id), None),
            "receipt": receipt,
            "live": m.status in (MotionStatus.OPEN, MotionStatus.VOTING),
            "instructions": [
                (s.body_name(i.constituency), i.position)
                for i in s.instructions.values()
                if i.motion == m.id
            ],
            "target_motion": s.motions.get(m.payload.get("motion", "")) if m.payload else None,
            **motion_options(s, ctx.actor, m),
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "motion.html", values, status=status, state=s)


@router.get("/motions/{motion_id}", response_class=HTMLResponse)
def motion(request: Request, motion_id: str) -> HTMLResponse:
    """One motion's page."""
    return motion_view(request, motion_id)


@router.post("/motions/{motion_id}/vote")
async def vote(request: Request, motion_id: str) -> Response:
    """A delegate votes by roll call (public), or a member in their assembly (secret
    when the constitution says so: the page shows the receipt)."""
    try:
        form = await form_of(request)
        receipt = await run_in_threadpool(
            act, request, actions.vote, motion=motion_id, choice=str(form.get("choice", ""))
        )
    except SovetError as exc:
        return await run_in_threadpool(motion_view, request, motion_id, error=exc)
    if receipt:
        return await run_in_threadpool(motion_view, request, motion_id, receipt=receipt)
    return redirect(f"/motions/{motion_id}#roll-call")


@router.post("/motions/{motion_id}/open-voting")
async def open_voting(request: Request, motion_id: str) -> Response:
    """The convenor opens the vote on a motion."""
    try:
        await form_of(request)
        await run_in_threadpool(act, request, actions.open_voting, motion=motion_id)
    except SovetError as exc:
        return await run_in_threadpool(motion_view, request, motion_id, error=exc)
    return redirect(f"/motions/{motion_id}")


@router.post("/motions/{motion_id}/close")
async def close_motion(request: Request, motion_id: str) -> Response:
    """The convenor closes the vote once everyone has voted, or anyone after its deadline;
    the motion passes or fails by the body's majority, or is not decided without quorum."""
    try:
        await form_of(request)
        await run_in_threadpool(act, request, actions.close_motion, motion=motion_id)
    except SovetError as exc:
        return await run_in_threadpool(motion_view, request, motion_id, error=exc)
    return redirect(f"/motions/{motion_id}")


# ---- sessions -----------------------------------------------------------------------------


def session_view(
    request: Request, session_id: str, *, error: SovetError | None = None
) -> HTMLResponse:
    """A sitting: agenda, attendance against the quorum rule, speaker list, roll calls, minutes."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        x: Session = s.get("sessions", session_id)
        # a council's seated delegates, or a unit assembly's members
        seated = s.voters_of(x.council)
        # the seats the quorum rule counts: the apportioned ones, else those seated
        seats = sum(s.seats[x.council].values()) if x.council in s.seats else len(seated)
        quorum = body_rules(s, x.council).quorum
        present = sorted(x.present & set(seated), key=lambda m: s.members[m].name)
        waiting = [m for m in x.speakers if m not in x.spoken]
        motions_here = sorted(
            (
                m
                for m in s.motions.values()
                if m.session == session_id
                or (
                    m.body == x.council
                    and m.status in (MotionStatus.OPEN, MotionStatus.VOTING)
                    and x.status is SessionStatus.OPEN
                )
            ),
            key=lambda m: m.proposed_at,
        )

        def name(m: str) -> str:
            return s.members[m].name if m in s.members else m

        values: dict[str, Any] = {
            "title": ctx._("Session of %(body)s", body=s.body_name(x.council)),
            "x": x,
            "council": s.body_name(x.council),
            "council_id": x.council,
            "open": x.status is SessionStatus.OPEN,
            "present": [(m, name(m)) for m in present],
            "absent": sorted(name(m) for m in seated if m not in x.present),
            "seats": seats,
            "quorum": quorum,
            "quorum_met": seats > 0
            and len(present) * quorum.denominator >= quorum.numerator * seats,
            "needed": -(-quorum.numerator * seats // quorum.denominator),
            "waiting": [(m, name(m)) for m in waiting],
            "spoken": [name(m) for m in x.spoken],
            "motions": [(m, _roll_call(s, m)) for m in motions_here],
            "is_delegate": ctx.actor in seated,
            "is_present": ctx.actor in x.present,
            "on_list": ctx.actor in x.speakers and ctx.actor not in x.spoken,
            "convenes": convenes(s, ctx.actor, x.council),
            "live": x.status is SessionStatus.OPEN,
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "session.html", values, status=status, state=s)


@router.get("/sessions/{session_id}", response_class=HTMLResponse)
def session(request: Request, session_id: str) -> HTMLResponse:
    """One session's page (followed live when JavaScript is on)."""
    return session_view(request, session_id)


_SESSION_ACTIONS = {
    "attend": actions.attend,
    "request-floor": actions.request_floor,
    "close": actions.close_session,
}


@router.post("/sessions/{session_id}/{what}")
async def session_act(request: Request, session_id: str, what: str) -> Response:
    """Attend, ask for the floor, give it (convenor), minute, or close the session."""
    try:
        form = await form_of(request)
        if what in _SESSION_ACTIONS:
            await run_in_threadpool(act, request, _SESSION_ACTIONS[what], session=session_id)
        elif what == "give-floor":
            await run_in_threadpool(
                act,
                request,
                actions.give_floor,
                session=session_id,
                member=str(form.get("member", "")),
            )
        elif what == "minutes":
            text = str(form.get("text", "")).strip()
            if not text:
                raise InputError("minutes: write something to record")
            await run_in_threadpool(
                act, request, actions.add_minutes, session=session_id, text=text
            )
        else:
            raise InputError(f"no session action {what!r}")
    except SovetError as exc:
        return await run_in_threadpool(session_view, request, session_id, error=exc)
    return redirect(f"/sessions/{session_id}")


def new_session_view(
    request: Request, council: str, *, error: SovetError | None = None
) -> HTMLResponse:
    """The convenor's form to open a session with its agenda."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        c = s.get("councils", council)
        values: dict[str, Any] = {
            "title": ctx._("Open a session"),
            "c": c,
            "current": open_session_of(s, council),
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "session_new.html", values, status=status, state=s)


@router.get("/councils/{council}/sessions/new", response_class=HTMLResponse)
def new_session(request: Request, council: str) -> HTMLResponse:
    """The form to open a session."""
    return new_session_view(request, council)


@router.post("/councils/{council}/sessions/new")
async def open_session(request: Request, council: str) -> Response:
    """A convenor opens a sitting with its agenda (one item per line)."""
    try:
        form = await form_of(request)
        agenda = [line.strip() for line in str(form.get("agenda", "")).splitlines() if line.strip()]
        x = await run_in_threadpool(
            act, request, actions.open_session, council=council, agenda=agenda
        )
    except SovetError as exc:
        return await run_in_threadpool(new_session_view, request, council, error=exc)
    return redirect(f"/sessions/{x.id}")


# ---- recalls ------------------------------------------------------------------------------


@router.get("/recalls", response_class=HTMLResponse)
def recalls(request: Request) -> HTMLResponse:
    """Every recall petition."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        rows = []
        for p in sorted(s.petitions.values(), key=lambda p: p.opened_at, reverse=True):
            mandate = s.mandates[p.mandate]
            rows.append(
                (
                    p,
                    s.members[mandate.member].name,
                    s.body_name(mandate.body),
                    s.body_name(mandate.constituency),
                )
            )
        return render(request, "recalls.html", {"title": ctx._("Recalls"), "rows": rows}, state=s)


def recall_view(
    request: Request, petition_id: str, *, error: SovetError | None = None
) -> HTMLResponse:
    """A recall petition: signatures against the constitution's threshold, the sign button."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        p = s.get("petitions", petition_id)
        mandate = s.mandates[p.mandate]
        constituents = s.voters_of(mandate.constituency)
        threshold = s.rules().recall.petition_threshold
        needed = -(-threshold.numerator * len(constituents) // threshold.denominator)
        values: dict[str, Any] = {
            "title": ctx._("Recall petition"),
            "p": p,
            "delegate": s.members[mandate.member].name,
            "mandate": mandate,
            "body": s.body_name(mandate.body),
            "constituency": s.body_name(mandate.constituency),
            "opener": s.members[p.opened_by].name if p.opened_by in s.members else p.opened_by,
            "signed": len(p.signatures),
            "needed": needed,
            "constituents": len(constituents),
            "chart": progress_bars(
                [
                    (
                        ctx._("Signatures"),
                        Fraction(len(p.signatures), max(1, len(constituents))),
                        threshold,
                        ctx._(
                            "%(n)s of %(needed)s needed",
                            n=ctx.lang.number(len(p.signatures)),
                            needed=ctx.lang.number(needed),
                        ),
                    )
                ],
                label=ctx._("Signatures gathered against the threshold"),
            ),
            "can_sign": p.status is PetitionStatus.OPEN
            and ctx.actor in constituents
            and ctx.actor not in p.signatures
            and ctx.actor != mandate.member,
            "has_signed": ctx.actor in p.signatures,
            "vote_motion": s.motions.get(p.vote_motion) if p.vote_motion else None,
            "done": request.query_params.get("done"),
        }
        status = with_error(values, ctx.lang, error)
        if values["done"] == "opened" and error is None:
            values["notice"] = ctx._("The petition is open, with your signature as the first.")
        return render(request, "recall.html", values, status=status, state=s)


@router.get("/recalls/{petition_id}", response_class=HTMLResponse)
def recall(request: Request, petition_id: str) -> HTMLResponse:
    """One recall petition."""
    return recall_view(request, petition_id)


@router.post("/recalls/{petition_id}/sign")
async def sign(request: Request, petition_id: str) -> Response:
    """A constituent signs a recall petition."""
    try:
        await form_of(request)
        await run_in_threadpool(act, request, actions.sign_petition, petition=petition_id)
    except SovetError as exc:
        return await run_in_threadpool(recall_view, request, petition_id, error=exc)
    return redirect(f"/recalls/{petition_id}")


# ---- ratifications --------------------------------------------------------------------------


@router.get("/ratifications", response_class=HTMLResponse)
def ratifications(request: Request) -> HTMLResponse:
    """Every decision waiting for (or done with) ratification by the base units."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        rows = [
            (
                r,
                s.motions[r.motion].title if r.motion in s.motions else r.motion,
                s.body_name(r.council),
                sum(1 for _, v in r.decisions if v),
                len(r.units),
            )
            for r in sorted(s.ratifications.values(), key=lambda r: r.opened_at, reverse=True)
        ]
        return render(
            request, "ratifications.html", {"title": ctx._("Ratifications"), "rows": rows}, state=s
        )


def ratification_progress(ctx: PageContext, s: State, r: Ratification) -> dict[str, Any]:
    """Ratification progress: units and members against both thresholds, as bars and figures."""
    m = s.motions.get(r.motion)
    c = s.rules()
    amendment = m is not None and m.kind is MotionKind.AMENDMENT
    rule = c.amendment.ratification if amendment else c.ratification
    counts = dict(r.members)
    decided = dict(r.decisions)
    yes_units = sum(1 for v in decided.values() if v)
    yes_members = sum(counts.get(u, 0) for u, v in decided.items() if v)
    total_members = sum(counts.values())
    chart = progress_bars(
        [
            (
                ctx._("Units that ratified"),
                Fraction(yes_units, max(1, len(r.units))),
                rule.units,
                ctx._(
                    "%(n)s of %(total)s",
                    n=ctx.lang.number(yes_units),
                    total=ctx.lang.number(len(r.units)),
                ),
            ),
            (
                ctx._("Members in those units"),
                Fraction(yes_members, max(1, total_members)),
                rule.members,
                ctx._(
                    "%(n)s of %(total)s",
                    n=ctx.lang.number(yes_members),
                    total=ctx.lang.number(total_members),
                ),
            ),
        ],
        label=ctx._("Ratification progress against the thresholds"),
    )
    return {
        "chart": chart,
        "rule": rule,
        "units": [(u, s.body_name(u), counts.get(u, 0), decided.get(u)) for u in r.units],
        "yes_units": yes_units,
        "yes_members": yes_members,
        "total_members": total_members,
        "frac": format_fraction,
    }


@router.get("/ratifications/{motion_id}", response_class=HTMLResponse)
def ratification(request: Request, motion_id: str) -> HTMLResponse:
    """Ratification progress: units and members against both thresholds, unit by unit."""
    return ratification_view(request, motion_id)


def ratification_view(
    request: Request, motion_id: str, *, error: SovetError | None = None
) -> HTMLResponse:
    """A ratification's page, with why an action on it was refused, if one was."""
    ctx = PageContext(request)
    now = store_of(request).db.clock()
    with store_of(request).read() as s:
        r = s.get("ratifications", motion_id)
        values = {
            "title": ctx._("Ratification"),
            "r": r,
            "m": s.motions.get(motion_id),
            "council": s.body_name(r.council),
            **ratification_progress(ctx, s, r),
            **ratification_options(s, ctx.actor, motion_id, now),
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "ratification.html", values, status=status, state=s)
