"""The account's own page (a notice of a password reset by someone else, faction,
password, API tokens, the account's public history) and the instance operator's page
(accounts and suspensions).

The operator's forms call the same actions as the API, under the same rules: the
operator manages sign-ins — every account event it causes is in the public log — but
founds no body, names no officer, and no form here changes a vote, a result, a mandate
or the log's past. Members found units and councils themselves
(:mod:`sovet.web.pages_founding`), and factions (:mod:`sovet.web.pages_petitions`)."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from sovet import actions
from sovet.errors import Forbidden, InputError, NotFound, SovetError
from sovet.storage import accounts as store_accounts
from sovet.web import auth
from sovet.web.pages_common import (
    PageContext,
    PageRoute,
    act,
    form_of,
    redirect,
    render,
    with_error,
)
from sovet.web.schemas import (
    AccountCreate,
    PasswordIn,
    TokenCreate,
)
from sovet.web.store import store_of

__all__ = ["ids_in", "parsed", "router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)

M = TypeVar("M", bound=BaseModel)


def parsed(schema: type[M], data: dict[str, Any]) -> M:
    """A form checked by the API's own schema; the first problem named by its field."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "form"
        raise InputError(f"{field}: {first['msg']}") from None


def ids_in(value: Any) -> list[str]:
    """Ids from a multi-select or a text field (one per line or separated by commas)."""
    items = value if isinstance(value, list) else str(value).replace(",", "\n").splitlines()
    return [i.strip() for i in items if i.strip()]


# ---- the account's own page -------------------------------------------------------------------


def account_view(
    request: Request,
    *,
    error: SovetError | None = None,
    new_token: str | None = None,
    notice: str | None = None,
) -> Response:
    """Faction, password and API tokens of the signed-in account."""
    ctx = PageContext(request)
    account = auth.current_account(request)
    if account is None:
        return redirect("/login?next=/account")
    tokens = store_accounts.list_tokens(store_of(request).db, account.id)
    with store_of(request).read() as s:
        member = s.members.get(account.member) if account.member else None
        record = s.accounts.get(account.id)
        values: dict[str, Any] = {
            "title": ctx._("My account"),
            "account": account,
            "reset": None if account.notice is None else json.loads(account.notice),
            "history": record.history if record is not None else (),
            "member": member,
            "factions": sorted(s.factions.values(), key=lambda f: f.name),
            "tokens": [t for t in tokens if not t.revoked],
            "new_token": new_token,
            "notice": notice,
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "account.html", values, status=status, state=s)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request) -> Response:
    """The signed-in account's settings."""
    return account_view(request)


@router.post("/account/notice")
async def acknowledge(request: Request) -> Response:
    """The member has seen the notice that someone else reset their password."""
    try:
        await form_of(request)
        account = auth.require_account(request)
        store_accounts.set_notice(store_of(request).db, account.id, None)
    except SovetError as exc:
        return await run_in_threadpool(account_view, request, error=exc)
    return redirect("/account")


@router.post("/account/faction")
async def faction(request: Request) -> Response:
    """The member declares their faction (or none)."""
    try:
        form = await form_of(request)
        chosen = str(form.get("faction", "")).strip() or None
        await run_in_threadpool(act, request, actions.set_faction, faction=chosen)
    except SovetError as exc:
        return await run_in_threadpool(account_view, request, error=exc)
    return redirect("/account")


@router.post("/account/password")
async def password(request: Request) -> Response:
    """A new password; the account's other sessions end."""
    try:
        form = await form_of(request)
        account = auth.require_account(request)
        if form.get("password") != form.get("repeat"):
            raise InputError("repeat: the two passwords differ")
        new = parsed(PasswordIn, {"password": form.get("password", "")})
        await run_in_threadpool(auth.change_password, request, account, new.password)
    except SovetError as exc:
        return await run_in_threadpool(account_view, request, error=exc)
    ctx = PageContext(request)
    return await run_in_threadpool(
        account_view, request, notice=ctx._("Your password is changed; other sessions are ended.")
    )


@router.post("/account/tokens")
async def new_token(request: Request) -> Response:
    """A new API token, shown once."""
    try:
        form = await form_of(request)
        account = auth.require_account(request)
        name = parsed(TokenCreate, {"name": str(form.get("name", "")).strip()}).name
        token = await run_in_threadpool(auth.issue_api_token, request, account, name)
    except SovetError as exc:
        return await run_in_threadpool(account_view, request, error=exc)
    return await run_in_threadpool(account_view, request, new_token=token)


@router.post("/account/tokens/{token_id}/revoke")
async def revoke(request: Request, token_id: str) -> Response:
    """Revoke one of the account's tokens."""
    try:
        await form_of(request)
        account = auth.require_account(request)
        if not token_id or not all(c in "0123456789abcdef" for c in token_id):
            raise NotFound(f"no token {token_id!r}")
        await run_in_threadpool(
            store_of(request).act,
            actions.revoke_tokens,
            actor=account.actor,
            account=account,
            token_prefix=token_id,
        )
    except SovetError as exc:
        return await run_in_threadpool(account_view, request, error=exc)
    return redirect("/account")


# ---- the operator's page ----------------------------------------------------------------------


def operator_view(
    request: Request,
    *,
    error: SovetError | None = None,
    form: dict[str, Any] | None = None,
    notice: str | None = None,
) -> Response:
    """Accounts and the federation's structure, for the instance operator."""
    ctx = PageContext(request)
    account = auth.current_account(request)
    if account is None:
        return redirect("/login?next=/operator")
    if not account.operator:
        raise Forbidden("only the instance operator has this page")
    accounts = store_accounts.list_accounts(store_of(request).db)
    with store_of(request).read() as s:
        values: dict[str, Any] = {
            "title": ctx._("Instance operator"),
            "accounts": accounts,
            "with_account": {a.member for a in accounts if a.member},
            "members": sorted(s.members.values(), key=lambda m: m.name),
            "form": form or {},
            "notice": notice,
        }
        status = with_error(values, ctx.lang, error)
        return render(request, "operator.html", values, status=status, state=s)


@router.get("/operator", response_class=HTMLResponse)
def operator(request: Request) -> Response:
    """The instance operator's page."""
    return operator_view(request)


async def _operator_form(request: Request) -> dict[str, Any]:
    form = await form_of(request)
    account = auth.require_account(request)
    if not account.operator:
        raise Forbidden("only the instance operator manages accounts")
    return form


def _create_account(request: Request, form: dict[str, Any]) -> str:
    member = str(form.get("member", "")).strip() or None
    operator_account = form.get("operator") == "yes"
    body = parsed(
        AccountCreate,
        {
            "login": str(form.get("login", "")).strip(),
            "password": form.get("password", ""),
            "member": member,
            "operator": operator_account,
        },
    )
    if body.member is None and not body.operator:
        raise InputError("member: name the member the account acts as (or make an operator)")
    act(
        request,
        actions.create_account,
        login=body.login,
        password_hash=request.app.state.hasher.hash(body.password),
        member=body.member,
        operator=body.operator,
    )
    return body.login


def _reset_password(request: Request, form: dict[str, Any]) -> str:
    login = str(form.get("login", "")).strip()
    new = parsed(PasswordIn, {"password": form.get("password", "")})
    target = store_accounts.account_by_login(store_of(request).db, login)
    if target is None:
        raise NotFound(f"login: no account {login!r}")
    operator = auth.require_account(request)
    if target.id == operator.id:
        auth.change_password(request, target, new.password)
    else:
        auth.reset_password(request, operator.actor, login, new.password)
    return login


def _suspend(request: Request, form: dict[str, Any]) -> str:
    login = str(form.get("login", "")).strip()
    if form.get("restore") == "yes":
        act(request, actions.enable_account, login=login)
    else:
        act(request, actions.disable_account, login=login)
    return login


_OPERATOR_FORMS = {
    "accounts": _create_account,
    "password": _reset_password,
    "suspend": _suspend,
}


@router.post("/operator/{what}")
async def operator_act(request: Request, what: str) -> Response:
    """One of the operator's forms; a refused one shows why and changes nothing."""
    handler = _OPERATOR_FORMS.get(what)
    if handler is None:
        raise NotFound(f"no operator form {what!r}")
    form: dict[str, Any] = {}
    try:
        form = await _operator_form(request)
        done = await run_in_threadpool(handler, request, form)
    except SovetError as exc:
        form.pop("password", None)
        return await run_in_threadpool(operator_view, request, error=exc, form=form)
    notice = PageContext(request)._("Done: %(what)s", what=done)
    return await run_in_threadpool(operator_view, request, notice=notice)
