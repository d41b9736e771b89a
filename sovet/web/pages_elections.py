"""Pages of elections: nominations (stand with a statement, nominate, withdraw, open the
vote), the ballot (ranked, approval or choose-one) with the candidates' statements, the
receipt, the results with the stage chart and turnout, the published ballots, the
recount, and the convenor's form to open an election on the constitution's terms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet import actions
from sovet.actions.elections import APPROVAL_METHODS, count_ballots
from sovet.errors import InputError, SovetError
from sovet.federation import State
from sovet.model import Election, ElectionPurpose, ElectionStatus
from sovet.rules import election_terms
from sovet.web.charts import stage_bars, turnout_bar
from sovet.web.limits import heavy
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    act,
    body_href,
    form_of,
    redirect,
    render,
    with_error,
    word,
)
from sovet.web.store import store_of

__all__ = ["ballot_kind", "ranking_from_form", "router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)
SINGLE_CHOICE = frozenset({"plurality", "two-round"})
BALLOTS_SHOWN = 300


def ballot_kind(method: str) -> str:
    """Which ballot a method takes: ``approval`` (tick any), ``single`` (choose one from
    the list) or ``ranked`` (number the candidates in order of preference).

    >>> ballot_kind("scottish-stv"), ballot_kind("approval"), ballot_kind("plurality")
    ('ranked', 'approval', 'single')
    """
    if method in APPROVAL_METHODS:
        return "approval"
    if method in SINGLE_CHOICE:
        return "single"
    return "ranked"


def ranking_from_form(e: Election, form: dict[str, Any]) -> list[str]:
    """The ballot a form says: approved candidates, the one chosen, or the candidates
    in the order of the preference numbers given (blank means no preference).

    >>> from sovet.model import Candidate
    >>> e = Election("e", "u", "u", ElectionPurpose.COMMITTEE, 1, "irv",
    ...              (Candidate("a", "A"), Candidate("b", "B")), "", "")
    >>> ranking_from_form(e, {"rank-a": "2", "rank-b": "1"})
    ['b', 'a']
    """
    kind = ballot_kind(e.method)
    candidates = [c.member for c in e.candidates]
    if kind == "approval":
        chosen = form.get("approve", [])
        chosen = chosen if isinstance(chosen, list) else [chosen]
        return [c for c in candidates if c in chosen]
    if kind == "single":
        choice = form.get("choice")
        return [choice] if isinstance(choice, str) and choice in candidates else []
    numbered: list[tuple[int, str]] = []
    for c in candidates:
        raw = form.get(f"rank-{c}", "")
        if not isinstance(raw, str) or not raw.strip():
            continue
        try:
            n = int(raw)
        except ValueError:
            raise InputError(f"preference for {c}: {raw!r} is not a number") from None
        if not 1 <= n <= len(candidates):
            raise InputError(f"preference for {c}: {n} is not between 1 and {len(candidates)}")
        numbered.append((n, c))
    numbers = [n for n, _ in numbered]
    if len(set(numbers)) != len(numbers):
        raise InputError("each preference number may be given to one candidate only")
    return [c for _, c in sorted(numbered)]


@router.get("/elections", response_class=HTMLResponse)
def elections(request: Request) -> HTMLResponse:
    """Open and closed elections."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        rows = [
            (e, s.body_name(e.target), s.body_name(e.constituency))
            for e in sorted(s.elections.values(), key=lambda e: e.opened_at, reverse=True)
        ]
        values = {
            "title": ctx._("Elections"),
            "nominating": [r for r in rows if r[0].status is ElectionStatus.NOMINATING],
            "open": [r for r in rows if r[0].status is ElectionStatus.OPEN],
            "closed": [
                r
                for r in rows
                if r[0].status not in (ElectionStatus.OPEN, ElectionStatus.NOMINATING)
            ],
        }
        return render(request, "elections.html", values, state=s)


def _results(s: State, e: Election, ctx: PageContext) -> dict[str, Any]:
    names = {c.member: c.name for c in e.candidates}
    result = e.result or {}
    rounds = list(result.get("rounds", []) or [])  # type: ignore[call-overload]
    quota = result.get("quota")
    chart = None
    if rounds:
        chart = stage_bars(
            rounds,
            names,
            label=ctx._("Votes of each candidate at each stage of the count"),
            stage_word=ctx._("stage"),
            quota=str(quota) if quota is not None else None,
            quota_word=ctx._("quota"),
            fmt=ctx.lang.number,
        )
    table = [
        (
            c.member,
            c.name,
            [dict(r.get("tallies", {})).get(c.member) for r in rounds],
            c.member in e.elected,
        )
        for c in e.candidates
    ]
    scores = dict(result.get("scores", {}) or {})  # type: ignore[call-overload]
    return {
        "stage_chart": chart,
        "rounds": rounds,
        "stage_table": table,
        "quota": quota,
        "scores": [(names.get(k, k), v) for k, v in scores.items()],
        "elected_names": [names.get(m, m) for m in e.elected],
        "reserve_names": [names.get(m, m) for m in e.reserve],
        "ties": result.get("ties", []),
    }


def election_view(
    request: Request,
    election_id: str,
    *,
    error: SovetError | None = None,
    receipt: str | None = None,
    found: str | None = None,
) -> HTMLResponse:
    """An election: the ballot while open; results, stages and ballots once counted
    (``found`` is a receipt looked up among them)."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        e: Election = s.get("elections", election_id)
        names = {c.member: c.name for c in e.candidates}
        voted = len(e.voters)
        can_vote = (
            e.status is ElectionStatus.OPEN
            and ctx.actor is not None
            and ctx.actor in e.electors
            and ctx.actor not in e.voters
        )
        is_voter = ctx.actor is not None and ctx.actor in s.voters_of(e.constituency)
        nominating = e.status is ElectionStatus.NOMINATING
        mine = next((n for n in e.nominations if n.member == ctx.actor), None)
        faction_of = {f: x.name for f, x in s.factions.items()}
        constituency = e.constituency
        convenors = s.convenors_of(constituency)
        convenes = ctx.actor is not None and (
            ctx.actor in convenors
            # a body with no convenor closes its office election by any of its voters
            or (e.office is not None and not convenors and ctx.actor in s.voters_of(constituency))
        )
        share = ctx.lang.percent(voted, e.electorate)
        values: dict[str, Any] = {
            "title": ctx._("Election: %(body)s", body=s.body_name(e.target)),
            "e": e,
            "target": s.body_name(e.target),
            "target_href": body_href(s, e.target),
            "constituency": s.body_name(e.constituency),
            "constituency_href": body_href(s, e.constituency),
            "kind": ballot_kind(e.method),
            "candidates": [
                (c, s.factions[c.faction].name if c.faction in s.factions else ctx._("non-party"))
                for c in e.candidates
            ],
            "positions": list(range(1, len(e.candidates) + 1)),
            "can_vote": can_vote,
            "has_voted": ctx.actor in e.voters,
            "is_voter": is_voter,
            "is_elector": ctx.actor is not None and ctx.actor in e.electors,
            "convenes": convenes,
            "nominating": nominating,
            "nominations": [
                (n, faction_of.get(n.faction or "", ctx._("non-party")))
                for n in e.nominations
                if not n.withdrawn
            ],
            "mine": mine,
            "can_stand": nominating and is_voter and not (mine is not None and mine.valid),
            "can_withdraw": nominating and mine is not None and mine.valid,
            "nominees": [
                (m, s.members[m].name)
                for m in sorted(s.voters_of(e.constituency), key=lambda m: s.members[m].name)
                if m != ctx.actor
            ]
            if nominating and is_voter
            else [],
            "may_move": is_voter or convenes,
            "turnout": turnout_bar(
                voted,
                e.electorate,
                label=ctx._("Turnout"),
                shown=ctx._(
                    "%(voted)s of %(electorate)s voted (%(share)s)",
                    voted=ctx.lang.number(voted),
                    electorate=ctx.lang.number(e.electorate),
                    share=share,
                ),
                fmt=ctx.lang.number,
            ),
            "voted": voted,
            "share": share,
            "receipt": receipt,
            "found_receipt": found,
            "live": e.status is ElectionStatus.OPEN,
        }
        if e.status is ElectionStatus.COUNTED and not e.unopposed:
            values.update(_results(s, e, ctx))
            published = [(list(k), r) for k, r in e.ballots_published]
            match = [b for b in published if found and b[1] == found]
            values["ballots"] = published[:BALLOTS_SHOWN]
            values["ballots_total"] = len(published)
            values["match"] = [[names.get(c, c) for c in k] for k, _ in match]
            values["match_found"] = bool(match)
            values["names"] = names
        status = with_error(values, ctx.lang, error)
        return render(request, "election.html", values, status=status, state=s)


@router.get("/elections/{election_id}", response_class=HTMLResponse)
def election(request: Request, election_id: str) -> HTMLResponse:
    """One election's page. A receipt is looked up by POST (:func:`find_receipt`), never
    in the address, which access logs keep."""
    return election_view(request, election_id)


@router.post("/elections/{election_id}/receipt", response_class=HTMLResponse)
async def find_receipt(request: Request, election_id: str) -> Response:
    """Find a ballot among the published ones by its receipt (sent in the form's body,
    so that the secret stays out of addresses and logs)."""
    form = await form_of(request)
    found = str(form.get("receipt", "")).strip().lower() or None
    return await run_in_threadpool(election_view, request, election_id, found=found)


@router.post("/elections/{election_id}/ballot")
async def cast(request: Request, election_id: str) -> Response:
    """Cast the secret ballot; the page shows the receipt to find it among the published
    ballots once the election is counted."""
    try:
        form = await form_of(request)

        def work() -> str:
            with store_of(request).read() as s:
                e = s.get("elections", election_id)
            ranking = ranking_from_form(e, form)
            if not ranking:
                raise InputError("the ballot is empty: choose at least one candidate")
            return act(request, actions.cast_ballot, election=election_id, ranking=ranking)

        receipt = await run_in_threadpool(work)
    except SovetError as exc:
        return await run_in_threadpool(election_view, request, election_id, error=exc)
    return await run_in_threadpool(election_view, request, election_id, receipt=receipt)


async def _move(
    request: Request, election_id: str, action: Callable[..., object], **fields: str
) -> Response:
    """Run one election action from a form (its named ``fields``); back to the election."""
    try:
        form = await form_of(request)
        kwargs = {k: str(form.get(name, "")) for k, name in fields.items()}
        await run_in_threadpool(act, request, action, election=election_id, **kwargs)
    except SovetError as exc:
        return await run_in_threadpool(election_view, request, election_id, error=exc)
    return redirect(f"/elections/{election_id}")


@router.post("/elections/{election_id}/close")
async def close(request: Request, election_id: str) -> Response:
    """Close the vote at its deadline (or once every elector has voted); it is counted
    and the ballots are published."""
    return await _move(request, election_id, actions.close_election)


@router.post("/elections/{election_id}/stand")
async def stand(request: Request, election_id: str) -> Response:
    """Stand as a candidate, or accept a nomination, with a statement to the voters."""
    return await _move(request, election_id, actions.stand, statement="statement")


@router.post("/elections/{election_id}/nominate")
async def nominate(request: Request, election_id: str) -> Response:
    """Sign the nomination of a fellow voter."""
    return await _move(request, election_id, actions.nominate, member="member")


@router.post("/elections/{election_id}/withdraw")
async def withdraw(request: Request, election_id: str) -> Response:
    """Withdraw your own candidacy before voting opens."""
    return await _move(request, election_id, actions.withdraw)


@router.post("/elections/{election_id}/begin")
async def begin(request: Request, election_id: str) -> Response:
    """Close nominations and open the vote, once the nomination period is over."""
    return await _move(request, election_id, actions.begin_voting)


@router.get(
    "/elections/{election_id}/recount", response_class=HTMLResponse, dependencies=[Depends(heavy)]
)
def recount(request: Request, election_id: str) -> HTMLResponse:
    """Count the published ballots again, by the method and the lot's seed in the log."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        e: Election = s.get("elections", election_id)
        if e.status is not ElectionStatus.COUNTED or e.unopposed:
            from sovet.errors import NotOpen

            raise NotOpen(f"election {election_id} has no ballots to recount")
        names = {c.member: c.name for c in e.candidates}
        result = count_ballots(e, [k for k, _ in e.ballots_published], e.seed or 0)
        json = result.to_json()
        rounds = list(json.get("rounds", []) or [])  # type: ignore[call-overload]
        values = {
            "title": ctx._("Recount"),
            "e": e,
            "target": s.body_name(e.target),
            "elected": [names.get(m, m) for m in result.elected_names],
            "recorded": [names.get(m, m) for m in e.elected],
            "matches": list(result.elected_names) == list(e.elected),
            "ballots": len(e.ballots_published),
            "stage_chart": stage_bars(
                rounds,
                names,
                label=ctx._("Votes of each candidate at each stage of the count"),
                stage_word=ctx._("stage"),
                quota=None if json.get("quota") is None else str(json.get("quota")),
                quota_word=ctx._("quota"),
                fmt=ctx.lang.number,
            )
            if rounds
            else None,
        }
        return render(request, "recount.html", values, state=s)


def new_election_view(
    request: Request, body: str, *, error: SovetError | None = None
) -> HTMLResponse:
    """The convenor's form to open an election of the body's committee, its delegation or
    one of its offices (which any voter may open while the body has no convenor): it shows
    what the constitution sets."""
    ctx = PageContext(request)
    chosen = request.query_params.get("office", "")
    with store_of(request).read() as s:
        name = s.body_name(body)
        choices: list[tuple[str, str, ElectionPurpose, str, str | None]] = []
        if body in s.units:
            choices.append(
                (
                    "committee",
                    ctx._("Committee of %(body)s", body=name),
                    ElectionPurpose.COMMITTEE,
                    body,
                    None,
                )
            )
        for council in s.councils_of(body):
            label = ctx._("Delegation to %(body)s", body=s.body_name(council))
            choices.append((council, label, ElectionPurpose.DELEGATION, council, None))
        for post in s.rules().offices:
            label = ctx._(
                "Office of %(office)s of %(body)s", office=word(ctx.lang, post), body=name
            )
            choices.append((f"office:{post}", label, ElectionPurpose.OFFICE, body, post))
        # ``?office=convenor`` (a link from the body's officers) puts that office first
        choices.sort(key=lambda c: c[0] != f"office:{chosen}")
        targets = []
        for value, label, purpose, target, office in choices:
            terms = election_terms(s, body, target, purpose, office)
            targets.append((value, label, terms))
        values: dict[str, Any] = {
            "title": ctx._("Open an election"),
            "body": body,
            "name": name,
            "targets": targets,
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "election_new.html", values, status=status, state=s)


@router.get("/bodies/{body}/elections/new", response_class=HTMLResponse)
def new_election(request: Request, body: str) -> HTMLResponse:
    """The form to open an election."""
    return new_election_view(request, body)


@router.post("/bodies/{body}/elections/new")
async def open_election(request: Request, body: str) -> Response:
    """A convenor of the body opens an election of its committee, its delegation or an
    office; it takes nominations first. Seats and method are the constitution's."""
    try:
        form = await form_of(request)
        target = str(form.get("target", ""))
        office: str | None = None
        if target == "committee":
            purpose, target = ElectionPurpose.COMMITTEE, body
        elif target.startswith("office:"):
            purpose, office, target = ElectionPurpose.OFFICE, target.removeprefix("office:"), body
        else:
            purpose = ElectionPurpose.DELEGATION
        e = await run_in_threadpool(
            act,
            request,
            actions.open_election,
            constituency=body,
            target=target,
            purpose=purpose,
            office=office,
        )
    except SovetError as exc:
        return await run_in_threadpool(new_election_view, request, body, error=exc)
    return redirect(f"/elections/{e.id}")
