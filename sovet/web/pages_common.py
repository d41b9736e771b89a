"""What every page shares: the template environment, rendering in the reader's
language, the signed-in actor, forms with their CSRF token, and errors on the page.

A page handler reads the state under the store's lock, builds plain values, and
renders a template; a form handler checks the CSRF token, calls the same action as
the JSON API (never SQL), and then redirects (POST-redirect-GET) or, when the
action refuses, shows the same page again with the refusal in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from sovet import errors
from sovet.federation import State
from sovet.model import BodyKind
from sovet.rules import OPERATOR
from sovet.web.auth import check_csrf, csrf_token, current_actor
from sovet.web.errors import status_for
from sovet.web.i18n import LANGUAGES, N_, Language, catalogs_of
from sovet.web.store import store_of

__all__ = [
    "ERROR_TEXT",
    "WORDS",
    "FormError",
    "PageContext",
    "PageRoute",
    "act",
    "actor_of",
    "error_page",
    "form_of",
    "redirect",
    "render",
    "templates_of",
    "with_error",
    "word",
]

TEMPLATES = Path(__file__).parent / "templates"
T = TypeVar("T")

ERROR_TEXT: dict[str, str] = {
    "not_signed_in": N_("Please sign in first."),
    "forbidden": N_("You may not do this: the rules give this right to others."),
    "csrf_failed": N_("The form has expired or did not come from this site. Reload and retry."),
    "base_protected": N_("Power flows from the base: a higher body may not override a lower one."),
    "already_voted": N_("You have already voted here."),
    "not_open": N_("This is not open for that now."),
    "quorum_not_met": N_("Too few delegates are present to decide: there is no quorum."),
    "rule_violation": N_("The rules do not allow this."),
    "invalid_input": N_("Please check what you entered."),
    "not_found": N_("Not found."),
    "too_many_attempts": N_("Too many failed sign-ins. Wait a few minutes and try again."),
    "counting_error": N_("The count could not be made."),
    "unresolved_tie": N_("The count could not be made."),
    "storage_error": N_("The database could not be reached. Try again in a moment."),
    "rate_limited": N_(
        "Too many requests from your address. Wait a minute, or sign in, and try again."
    ),
}
"""Each error code, said to the reader in their language (the detail follows in English)."""

WORDS: dict[str, str] = {
    # statuses
    "open": N_("open"),
    "closed": N_("closed"),
    "counted": N_("counted"),
    "nominating": N_("taking nominations"),
    "voting": N_("voting"),
    "passed": N_("passed"),
    "rejected": N_("rejected"),
    "ratifying": N_("awaiting ratification"),
    "ratified": N_("ratified"),
    "not-ratified": N_("not ratified"),
    "forwarded": N_("forwarded"),
    "not-decided": N_("not decided"),
    "pending": N_("pending"),
    "failed": N_("failed"),
    "recalled": N_("recalled"),
    "active": N_("active"),
    "ended": N_("ended"),
    "proposed": N_("proposed"),
    "accepted": N_("accepted"),
    "met": N_("met"),
    "lapsed": N_("lapsed"),
    # what a members' petition demands
    "session": N_("convene a session"),
    "motion": N_("put a motion on the agenda"),
    "election": N_("hold an election"),
    # choices
    "yes": N_("yes"),
    "no": N_("no"),
    "abstain": N_("abstain"),
    # election purposes
    "committee": N_("committee"),
    "delegation": N_("delegation"),
    "by-election": N_("by-election"),
    "office": N_("office"),
    # offices
    "convenor": N_("convenor"),
    "secretary": N_("secretary"),
    # motion kinds
    "ordinary": N_("ordinary"),
    "reserved": N_("reserved matter"),
    "constitution-amendment": N_("constitution amendment"),
    "recall": N_("recall vote"),
    "instruction": N_("binding instruction"),
    "ratification": N_("ratification"),
    # unit kinds and council levels
    "workplace": N_("workplace"),
    "village": N_("village"),
    "neighbourhood": N_("neighbourhood"),
    "union-local": N_("union local"),
    "coop": N_("co-operative"),
    "military": N_("military unit"),
    "other": N_("other"),
    "territorial": N_("territorial"),
    "industrial": N_("industrial"),
    "congress": N_("congress"),
    "city": N_("city"),
    "district": N_("district"),
    "regional": N_("regional"),
    "federation": N_("federation"),
    # counting methods
    "plurality": N_("plurality"),
    "two-round": N_("two-round system"),
    "approval": N_("approval voting"),
    "borda": N_("Borda count"),
    "irv": N_("instant-runoff vote"),
    "scottish-stv": N_("single transferable vote (Scottish rules)"),
    "meek-stv": N_("single transferable vote (Meek)"),
    "schulze": N_("Schulze method"),
    "ranked-pairs": N_("ranked pairs"),
    "copeland": N_("Copeland method"),
    "minimax": N_("minimax"),
    "phragmen": N_("Phragmén's method"),
    "non-party": N_("non-party"),
}


def word(lang: Language, key: object) -> str:
    """A status, kind or method in the reader's language (unknown ones as they are)."""
    text = str(getattr(key, "value", key))
    return lang.gettext(WORDS[text]) if text in WORDS else text


def templates_of(request: Request) -> Environment:
    """The app's Jinja2 environment (autoescaping), built once and kept on app.state."""
    state = request.app.state
    env = getattr(state, "sovet_templates", None)
    if not isinstance(env, Environment):
        env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html", "xml", "svg"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["urlquote"] = lambda v: quote(str(v), safe="")
        state.sovet_templates = env
    return env


class FormError(Exception):
    """A form refused: the page is shown again with this message (already translated)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class PageContext:
    """Who is reading, in which language: the values every template gets."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.lang = catalogs_of(request).for_request(request)
        self.actor = current_actor(request)

    def _(self, message: str, **variables: object) -> str:
        text = self.lang.gettext(message)
        return text % variables if variables else text

    def base(self, s: State | None = None) -> dict[str, Any]:
        """The values every template gets: the reader, their language, the federation."""
        actor = self.actor
        name = None
        if actor is not None and s is not None:
            name = s.members[actor].name if actor in s.members else None
        return {
            "request": self.request,
            "path": self.request.url.path,
            "query": self.request.url.query,
            "languages": LANGUAGES,
            "actor": actor,
            "actor_name": name,
            "operator": actor == OPERATOR,
            "federation": s.name if s is not None else "",
            "word": lambda key: word(self.lang, key),
            "csrf": lambda: csrf_token(self.request),
            **self.lang.jinja_globals(),
        }


class PageRoute(APIRoute):
    """A page's route: a refusal or a missing record is answered with a page in the
    reader's language (the API keeps its JSON errors)."""

    def get_route_handler(self) -> Callable[[Request], Any]:
        """The route's handler, answering refusals with a localized page."""
        handler = super().get_route_handler()

        async def localized(request: Request) -> Response:
            try:
                response: Response = await handler(request)
            except errors.SovetError as exc:
                return await run_in_threadpool(error_page, request, exc)
            return response

        return localized


def actor_of(request: Request) -> str | None:
    """The member (or operator) id of the signed-in account, or None."""
    return current_actor(request)


def render(
    request: Request,
    template: str,
    values: Mapping[str, Any],
    *,
    status: int = 200,
    state: State | None = None,
) -> HTMLResponse:
    """Render ``template`` in the reader's language with the common values."""
    ctx = PageContext(request)
    env = templates_of(request)
    html = env.get_template(template).render({**ctx.base(state), **values})
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Language"] = ctx.lang.code
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


def error_message(lang: Language, exc: errors.SovetError) -> tuple[str, str]:
    """The refusal in the reader's words, and the precise detail (in English)."""
    code = exc.code
    text = ERROR_TEXT.get(code) or ERROR_TEXT["rule_violation"]
    if isinstance(exc, errors.InputError):
        text = ERROR_TEXT["invalid_input"]
    if code in ERROR_TEXT:
        text = ERROR_TEXT[code]
    return lang.gettext(text), exc.message


def with_error(values: dict[str, Any], lang: Language, error: errors.SovetError | None) -> int:
    """Put a refused action's message into a page's values; the page's HTTP status."""
    if error is None:
        return 200
    values["error"], values["error_detail"] = error_message(lang, error)
    return status_for(error)


def error_page(request: Request, exc: errors.SovetError) -> HTMLResponse:
    """A whole page that says what went wrong, in the reader's language."""
    lang = catalogs_of(request).for_request(request)
    message, detail = error_message(lang, exc)
    with store_of(request).read() as s:
        page = render(
            request,
            "error.html",
            {"message": message, "detail": detail, "status": status_for(exc)},
            status=status_for(exc),
            state=s,
        )
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int):  # 429: say when to come back, as the API does
        page.headers["Retry-After"] = str(retry_after)
    return page


async def form_of(request: Request) -> dict[str, Any]:
    """The posted form after its CSRF check; multiple values of a field come as a list."""
    await check_csrf(request)
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = values if len(values) > 1 else (values[0] if values else "")
    return out


def redirect(url: str) -> RedirectResponse:
    """See other: after a form that changed something, show the page anew (PRG)."""
    return RedirectResponse(url, status_code=303)


def act(request: Request, action: Callable[..., T], /, **kwargs: Any) -> T:
    """Run one action as the signed-in member (the same actions the API calls)."""
    actor = current_actor(request)
    if actor is None:
        from sovet.web.errors import NotSignedIn

        raise NotSignedIn("sign in first")
    return store_of(request).act(action, actor=actor, **kwargs)


def body_href(s: State, body: str) -> str:
    """The page of a unit or a council."""
    if body not in s.units and body not in s.councils:
        return "/"
    return (
        f"/units/{quote(body)}" if s.kind_of(body) is BodyKind.UNIT else f"/councils/{quote(body)}"
    )
