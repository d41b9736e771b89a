"""Server-rendered pages (Jinja2): what members and the public see.

This module holds the federation-wide pages (home with the federation graph, the
reader's own page, signing in, language, constitution, factions, apportionment,
decisions) and gathers the pages of each noun from ``pages_*`` modules into one
``router`` that the app includes. Every page works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet.constitution import format_fraction
from sovet.errors import NotFound, SovetError
from sovet.federation import State
from sovet.model import ElectionStatus, MandateStatus, MotionStatus, PetitionStatus
from sovet.rules import body_rules, delegate_seats
from sovet.web import auth
from sovet.web.charts import GraphNode, federation_graph
from sovet.web.i18n import COOKIE, LANGUAGES, catalogs_of
from sovet.web.pages_account import router as account_router
from sovet.web.pages_bodies import router as bodies_router
from sovet.web.pages_budgets import router as budgets_router
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    body_href,
    error_message,
    form_of,
    redirect,
    render,
    with_error,
)
from sovet.web.pages_elections import router as elections_router
from sovet.web.pages_founding import router as founding_router
from sovet.web.pages_land import router as land_router
from sovet.web.pages_ledger import router as ledger_router
from sovet.web.pages_membership import router as membership_router
from sovet.web.pages_motions import router as motions_router
from sovet.web.pages_petitions import router as petitions_router
from sovet.web.pages_planning import router as planning_router
from sovet.web.pages_planning_forms import router as planning_forms_router
from sovet.web.pages_proposals import router as proposals_router
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)
DECIDED = (
    MotionStatus.PASSED,
    MotionStatus.REJECTED,
    MotionStatus.RATIFIED,
    MotionStatus.NOT_RATIFIED,
    MotionStatus.RATIFYING,
    MotionStatus.FORWARDED,
)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never another site) to go back to."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/lang/{code}")
def choose_language(code: str, next: str | None = None) -> Response:
    """Switch language by link; the choice is remembered in a cookie for a year."""
    if code not in LANGUAGES:
        raise NotFound(f"no language {code!r}")
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, code, max_age=365 * 86400, samesite="lax", httponly=False)
    return response


def graph_svg(s: State, label: str) -> str:
    """The federation graph of the live (not dissolved) units and councils."""
    nodes = [
        GraphNode(u.id, u.name, (), f"/units/{u.id}")
        for u in sorted(s.units.values(), key=lambda u: u.name)
        if not u.dissolved
    ] + [
        GraphNode(c.id, c.name, c.constituents, f"/councils/{c.id}", council=True)
        for c in s.councils.values()
        if not c.dissolved
    ]
    return federation_graph(nodes, label=label)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """The federation at a glance: its graph, open elections and motions, the latest decisions."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        decided = [m for m in s.motions.values() if m.status in DECIDED]
        decided.sort(key=lambda m: m.proposed_at, reverse=True)
        values: dict[str, Any] = {
            "title": s.name or "Sovet",
            "graph": graph_svg(
                s, ctx._("The federation: base units and the councils they send delegates to")
            ),
            "members": len(s.members),
            "units": sum(not u.dissolved for u in s.units.values()),
            "councils": sum(not c.dissolved for c in s.councils.values()),
            "open_elections": [
                (e, s.body_name(e.target), s.body_name(e.constituency))
                for e in s.elections.values()
                if e.status is ElectionStatus.OPEN
            ],
            "decisions": [(m, s.body_name(m.body)) for m in decided[:8]],
            "open_budgets": [
                (b, s.body_name(b.body))
                for b in s.budgets.values()
                if b.status is ElectionStatus.OPEN
            ],
            "open_motions": [
                (m, s.body_name(m.body))
                for m in s.motions.values()
                if m.status in (MotionStatus.OPEN, MotionStatus.VOTING)
            ],
        }
        return render(request, "home.html", values, state=s)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    """The sign-in form."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        return render(
            request,
            "login.html",
            {"title": ctx._("Sign in"), "next": _safe_next(next)},
            state=s,
        )


@router.post("/login")
async def login(request: Request) -> Response:
    """Sign in by name and password (rate-limited); back to where the reader came from."""
    lang = catalogs_of(request).for_request(request)
    form: dict[str, Any] = {}
    try:
        await auth.check_login_csrf(request)
        form = await form_of(request)
        account = await run_in_threadpool(
            auth.sign_in, request, str(form.get("login", "")), str(form.get("password", ""))
        )
    except SovetError as exc:
        message, _detail = error_message(lang, exc)
        if exc.code == "not_signed_in":
            message = lang.gettext("Wrong sign-in name or password.")
        with store_of(request).read() as s:
            return render(
                request,
                "login.html",
                {"title": lang.gettext("Sign in"), "next": "/", "error": message},
                status=401
                if exc.code == "not_signed_in"
                else 429
                if exc.code == "too_many_attempts"
                else 403,
                state=s,
            )
    if account.notice is not None:  # someone else reset the password: say so first
        return redirect("/account#notice")
    target = _safe_next(str(form.get("next", "")))
    return redirect("/me" if target == "/" else target)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Sign out (a new session, so a new CSRF token)."""
    try:
        await form_of(request)
    except SovetError:
        return redirect("/")
    auth.sign_out(request)
    return redirect("/")


@router.get("/me", response_class=HTMLResponse)
def me(request: Request) -> Response:
    """The member's own page: units, councils, delegates to recall, votes open to them."""
    ctx = PageContext(request)
    actor = ctx.actor
    if actor is None:
        return redirect("/login?next=/me")
    with store_of(request).read() as s:
        member = s.members.get(actor)
        units = sorted(member.units) if member else []
        my_bodies = set(units) | {
            m.body
            for m in s.mandates.values()
            if m.member == actor and m.status is MandateStatus.ACTIVE
        }
        councils = sorted(
            {c for u in units for c in s.councils_of(u)} | {b for b in my_bodies if b in s.councils}
        )
        delegates = [
            m
            for m in s.mandates.values()
            if m.constituency in units
            and m.status is MandateStatus.ACTIVE
            and m.member != actor
            and m.office is None  # officers are on their body's page, recalled from there too
        ]
        delegates.sort(key=lambda m: (m.body, s.members[m.member].name))
        petitions = {
            p.mandate: p
            for p in s.petitions.values()
            if p.status in (PetitionStatus.OPEN, PetitionStatus.VOTING)
        }
        values = {
            "title": ctx._("My page"),
            "member": member,
            "units": [s.units[u] for u in units],
            "councils": [(s.councils[c], len(s.seated(c))) for c in councils],
            "mandates": [
                (m, s.body_name(m.body))
                for m in s.mandates.values()
                if m.member == actor and m.status is MandateStatus.ACTIVE
            ],
            "delegates": [
                (
                    m,
                    s.members[m.member].name,
                    s.body_name(m.body),
                    s.body_name(m.constituency),
                    petitions.get(m.id),
                )
                for m in delegates
            ],
            "elections": [
                (e, s.body_name(e.target), actor in e.voters)
                for e in s.elections.values()
                if e.status in (ElectionStatus.OPEN, ElectionStatus.NOMINATING)
                and actor in s.voters_of(e.constituency)
            ],
            "budgets": [
                (b, s.body_name(b.body), actor in b.voters)
                for b in s.budgets.values()
                if b.status is ElectionStatus.OPEN and actor in s.voters_of(b.body)
            ],
            "motions": [
                (m, s.body_name(m.body), actor in m.voters)
                for m in s.motions.values()
                if m.status in (MotionStatus.OPEN, MotionStatus.VOTING) and m.body in my_bodies
            ],
            "convenes": sorted(
                [u.id for u in s.units.values() if actor in u.convenors]
                + [c.id for c in s.councils.values() if actor in c.convenors]
            ),
            "body_name": s.body_name,
            "body_href": lambda b: body_href(s, b),
            "history": [h for r in s.accounts.values() if r.member == actor for h in r.history],
        }
        return render(request, "me.html", values, state=s)


@router.get("/constitution", response_class=HTMLResponse)
def constitution(request: Request) -> HTMLResponse:
    """The rules in force: per council, recall, ratification, and the full text."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        c = s.constitution
        rows = [
            (council.name, body_rules(s, council.id))
            for council in sorted(s.councils.values(), key=lambda c: c.name)
        ]
        values = {
            "title": ctx._("Constitution"),
            "c": c,
            "version": s.constitution_version,
            "rows": rows,
            "frac": format_fraction,
        }
        return render(request, "constitution.html", values, state=s)


def factions_view(
    request: Request, *, error: SovetError | None = None, form: dict[str, Any] | None = None
) -> HTMLResponse:
    """Factions with their members and seats; proposals to found one; the founding form."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        seats: dict[str | None, int] = {}
        for m in s.mandates.values():
            if m.status is MandateStatus.ACTIVE and m.body in s.councils and m.office is None:
                seats[m.faction] = seats.get(m.faction, 0) + 1
        members: dict[str | None, int] = {}
        for mem in s.members.values():
            members[mem.faction] = members.get(mem.faction, 0) + 1
        values: dict[str, Any] = {
            "title": ctx._("Factions"),
            "factions": [
                (f, members.get(f.id, 0), seats.get(f.id, 0))
                for f in sorted(s.factions.values(), key=lambda f: f.name)
            ],
            "nonparty": (members.get(None, 0), seats.get(None, 0)),
            "proposals": sorted(
                (f for f in s.foundings.values() if not f.founded), key=lambda f: f.name
            ),
            "founders": s.rules().factions.founders,
            "can_found": ctx.actor in s.members,
            "form": form or {},
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "factions.html", values, status=status, state=s)


@router.get("/factions", response_class=HTMLResponse)
def factions(request: Request) -> HTMLResponse:
    """Factions with their members and their seats in councils."""
    return factions_view(request)


@router.get("/apportionment", response_class=HTMLResponse)
def apportionment(request: Request) -> HTMLResponse:
    """How many delegates each body sends to each council (the apportionment rule)."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        tables = []
        for c in sorted(s.councils.values(), key=lambda c: c.name):
            r = body_rules(s, c.id)
            rows = [
                (s.body_name(k), body_href(s, k), s.membership(k), n)
                for k, n in sorted(
                    ((k, delegate_seats(s, c.id, k)) for k in c.constituents),
                    key=lambda kv: s.body_name(kv[0]),
                )
            ]
            tables.append((c, r, rows, sum(n for *_, n in rows)))
        values = {"title": ctx._("Apportionment"), "tables": tables}
        return render(request, "apportionment.html", values, state=s)


@router.get("/decisions", response_class=HTMLResponse)
def decisions(request: Request) -> HTMLResponse:
    """Every decided motion and every closed election: the public record."""
    ctx = PageContext(request)
    with store_of(request).read() as s:
        decided = sorted(
            (m for m in s.motions.values() if m.status in DECIDED),
            key=lambda m: m.proposed_at,
            reverse=True,
        )
        counted = sorted(
            (e for e in s.elections.values() if e.status is not ElectionStatus.OPEN),
            key=lambda e: e.opened_at,
            reverse=True,
        )
        values = {
            "title": ctx._("Decisions"),
            "motions": [(m, s.body_name(m.body)) for m in decided],
            "elections": [(e, s.body_name(e.target), s.body_name(e.constituency)) for e in counted],
        }
        return render(request, "decisions.html", values, state=s)


router.include_router(account_router)
router.include_router(bodies_router)
router.include_router(membership_router)
router.include_router(founding_router)
router.include_router(elections_router)
router.include_router(motions_router)
router.include_router(proposals_router)
router.include_router(ledger_router)
router.include_router(planning_router)
router.include_router(planning_forms_router)
router.include_router(budgets_router)
router.include_router(land_router)
router.include_router(petitions_router)


# ---- invitations ------------------------------------------------------------------------------


def invitation_view(
    request: Request,
    token: str | None,
    *,
    error: SovetError | None = None,
    name: str = "",
    login: str = "",
) -> HTMLResponse:
    """The joining form of an open invitation (and why it was refused, if it was); with
    no token, the form that asks for the invitation's code."""
    ctx = PageContext(request)
    values: dict[str, Any] = {"title": ctx._("Join"), "token": None, "name": name, "login": login}
    if token:
        try:
            invitation = auth.invitation_for(request, token)
        except SovetError as exc:
            error = error or exc
        else:
            with store_of(request).read() as s:
                values.update(
                    title=ctx._("Join %(unit)s", unit=s.body_name(invitation.unit)),
                    unit=s.body_name(invitation.unit),
                    token=token,
                    expires=invitation.expires_at,
                    by_assembly=body_rules(s, invitation.unit).admission == "assembly",
                )
    with store_of(request).read() as s:
        status = with_error(values, ctx.lang, error)
        return render(request, "invite.html", values, status=status, state=s)


@router.get("/invite", response_class=HTMLResponse)
def invitation(request: Request) -> HTMLResponse:
    """The page an invitation link opens (``/invite#<code>``): the code stays in the
    fragment, which the browser never sends; the form takes it (typed in, or filled in
    by a small script) and posts it."""
    return invitation_view(request, None)


@router.get("/invite/{_old}", response_class=HTMLResponse)
def old_invitation(request: Request, _old: str) -> Response:
    """Links of the older form: the code is never read from the path; ask for it."""
    return redirect("/invite")


@router.post("/invite", response_class=HTMLResponse)
async def open_invitation(request: Request) -> HTMLResponse:
    """The code posted: the unit it is for, and the joining form."""
    form: dict[str, Any] = {}
    try:
        form = await form_of(request)
    except SovetError as exc:
        return await run_in_threadpool(invitation_view, request, None, error=exc)
    return await run_in_threadpool(invitation_view, request, str(form.get("token", "")).strip())


@router.post("/invite/accept")
async def accept(request: Request) -> Response:
    """Join: the new member is registered, gets an account, is admitted (or asks the
    assembly to admit them), and is signed in."""
    form: dict[str, Any] = {}
    try:
        form = await form_of(request)
        await run_in_threadpool(
            auth.accept_invitation,
            request,
            str(form.get("token", "")).strip(),
            name=str(form.get("name", "")),
            login=str(form.get("login", "")).strip(),
            password=str(form.get("password", "")),
        )
    except SovetError as exc:
        return await run_in_threadpool(
            invitation_view,
            request,
            str(form.get("token", "")).strip(),
            error=exc,
            name=str(form.get("name", "")),
            login=str(form.get("login", "")),
        )
    return redirect("/me")
