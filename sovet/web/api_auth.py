"""API: signing in and out, API tokens, invitation links, and the operator's accounts.

Every account event that is not the member's own business (an account made, a password
reset by the operator, a suspension, a token issued or revoked) is a public log entry
made by :mod:`sovet.actions.accounts`; secrets never leave in a URL: invitation tokens
travel in request bodies."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from sovet import actions
from sovet.errors import Forbidden, InputError, NotFound
from sovet.storage import accounts as store_accounts
from sovet.storage.accounts import Account
from sovet.web import auth
from sovet.web.schemas import (
    AccountCreate,
    AccountOut,
    InvitationAccept,
    InvitationIn,
    InvitationInfo,
    InvitationOut,
    InvitationToken,
    LoginIn,
    Ok,
    PasswordIn,
    SignedIn,
    TokenCreate,
    TokenIssued,
    TokenOut,
)
from sovet.web.store import store_of

__all__ = ["account_out", "router"]

router = APIRouter(tags=["accounts"])
Actor = Annotated[str, Depends(auth.require_actor)]
SignedInAccount = Annotated[Account, Depends(auth.require_account)]
Operator = Annotated[Account, Depends(auth.require_operator)]


def account_out(request: Request, account: Account) -> dict[str, Any]:
    """The account with what the member holds: units, bodies convened, active mandates."""
    out: dict[str, Any] = {
        "login": account.login,
        "member": account.member,
        "operator": account.operator,
        "password_reset": None if account.notice is None else json.loads(account.notice),
    }
    if account.member is None:
        return out
    with store_of(request).read() as s:
        member = s.members.get(account.member)
        if member is None:
            return out
        convenes = [u.id for u in s.units.values() if member.id in u.convenors]
        convenes += [c.id for c in s.councils.values() if member.id in c.convenors]
        out.update(
            name=member.name,
            units=sorted(member.units),
            convenes=sorted(convenes),
            mandates=sorted(
                m.id
                for m in s.mandates.values()
                if m.member == member.id and m.status.value == "active"
            ),
        )
    return out


def _signed_in(request: Request, account: Account) -> SignedIn:
    return SignedIn(
        account=AccountOut(**account_out(request, account)), csrf_token=auth.csrf_token(request)
    )


@router.post("/auth/login", response_model=SignedIn)
def login(request: Request, body: LoginIn) -> SignedIn:
    """Sign in with a name and password: sets the session cookie and answers with the
    CSRF token that cookie-authenticated calls send as ``X-CSRF-Token``. Failed tries
    are throttled per name and client with growing delays (429 with ``Retry-After``).
    ``account.password_reset`` says when someone else reset the password, until
    acknowledged (``POST /auth/notice``). Only a JSON body is accepted, so no other
    site's form can sign a browser in."""
    auth.require_json(request)
    account = auth.sign_in(request, body.login, body.password)
    return _signed_in(request, account)


@router.post("/auth/logout", response_model=Ok)
def logout(request: Request) -> Ok:
    """Sign out: the session ends on the server, so its cookie signs nobody in again."""
    auth.sign_out(request)
    return Ok()


@router.post("/auth/notice", response_model=Ok)
def acknowledge(request: Request, account: SignedInAccount) -> Ok:
    """The member has seen that their password was reset by someone else."""
    store_accounts.set_notice(store_of(request).db, account.id, None)
    return Ok()


@router.get("/auth/me", response_model=SignedIn)
def me(request: Request, account: SignedInAccount) -> SignedIn:
    """Who is signed in, what they hold, and the session's CSRF token."""
    return _signed_in(request, account)


@router.post("/auth/tokens", response_model=TokenIssued, status_code=201)
def create_token(request: Request, body: TokenCreate) -> TokenIssued:
    """A new API token for scripts (shown once; send it as ``Authorization: Bearer``).

    Signed in, it is made for the session's account; a script without a session sends
    ``login`` and ``password`` (under the same rate limit as signing in)."""
    auth.require_json(request)
    account = auth.current_account(request)
    if body.login is not None or body.password is not None:
        if body.login is None or body.password is None:
            raise InputError("send both login and password, or neither (when signed in)")
        account = auth.verify_password(request, body.login, body.password)
    if account is None:
        raise auth.NotSignedIn("sign in, or send login and password, to get a token")
    token = auth.issue_api_token(request, account, body.name)
    return TokenIssued(token=token, id=auth.hash_token(token)[:16], name=body.name)


@router.get("/auth/tokens", response_model=list[TokenOut])
def tokens(request: Request, account: SignedInAccount) -> list[dict[str, Any]]:
    """The account's tokens, by id (the first 16 hex digits of the token's hash)."""
    return [
        {"id": t.token_hash[:16], "name": t.name, "created_at": t.created_at, "revoked": t.revoked}
        for t in store_accounts.list_tokens(store_of(request).db, account.id)
    ]


@router.delete("/auth/tokens/{token_id}", response_model=Ok)
def revoke_token(request: Request, token_id: str, account: SignedInAccount) -> Ok:
    """Revoke one of the account's tokens (a public log entry, by the token's name)."""
    if not all(c in "0123456789abcdef" for c in token_id):
        raise NotFound(f"no token {token_id!r}")
    store_of(request).act(
        actions.revoke_tokens, actor=account.actor, account=account, token_prefix=token_id
    )
    return Ok()


@router.post("/auth/password", response_model=Ok)
def change_password(request: Request, body: PasswordIn, account: SignedInAccount) -> Ok:
    """The signed-in account sets a new password; every other session and every API
    token of the account end (this session, if it is one, goes on)."""
    auth.change_password(request, account, body.password)
    return Ok()


# ---- invitations --------------------------------------------------------------------------


@router.post("/units/{unit_id}/invitations", response_model=InvitationOut, status_code=201)
def invite(request: Request, unit_id: str, body: InvitationIn, actor: Actor) -> InvitationOut:
    """A convenor of the unit makes a single-use invitation. The link carries the token
    in its fragment (``/invite#<token>``), which browsers never send to the server, so
    it stays out of every access log."""
    token, expires = auth.new_invitation(request, actor, unit_id, body.days)
    return InvitationOut(token=token, unit=unit_id, path=f"/invite#{token}", expires_at=expires)


@router.post("/invitations/lookup", response_model=InvitationInfo)
def invitation(request: Request, body: InvitationToken) -> InvitationInfo:
    """What an invitation is for, while it is still open (the token in the body)."""
    found = auth.invitation_for(request, body.token)
    with store_of(request).read() as s:
        name = s.body_name(found.unit)
    return InvitationInfo(unit=found.unit, unit_name=name, expires_at=found.expires_at)


@router.post("/invitations/accept", response_model=SignedIn, status_code=201)
def accept(request: Request, body: InvitationAccept) -> SignedIn:
    """Accept an invitation: become a member, with an account, signed in; the unit
    admits on the inviting convenor's word, or its assembly decides (``admission``)."""
    account = auth.accept_invitation(
        request, body.token, name=body.name, login=body.login, password=body.password
    )
    return _signed_in(request, account)


# ---- the operator's accounts ----------------------------------------------------------------


@router.get("/accounts", response_model=list[AccountOut])
def accounts(request: Request, _: Operator) -> list[dict[str, Any]]:
    """Every account (operator only): sign-in names and whom they act as."""
    return [
        {"login": a.login, "member": a.member, "operator": a.operator, "disabled": a.disabled}
        for a in store_accounts.list_accounts(store_of(request).db)
    ]


@router.post("/accounts", response_model=AccountOut, status_code=201)
def create_account(request: Request, body: AccountCreate, operator: Operator) -> dict[str, Any]:
    """The operator gives an existing member (or another operator) an account; the log
    shows that it did, for which member (never the sign-in name or password)."""
    if body.member is None and not body.operator:
        raise InputError("member: name the member the account acts as (or operator: true)")
    hasher = request.app.state.hasher
    account = store_of(request).act(
        actions.create_account,
        actor=operator.actor,
        login=body.login,
        password_hash=hasher.hash(body.password),
        member=body.member,
        operator=body.operator,
    )
    return {"login": account.login, "member": account.member, "operator": account.operator}


@router.post("/accounts/{login}/password", response_model=Ok)
def reset_password(request: Request, login: str, body: PasswordIn, account: SignedInAccount) -> Ok:
    """The account itself, or the operator, sets an account's password. A reset by the
    operator is a public log entry, ends the account's sessions and tokens, and the
    member is told at their next sign-in."""
    if account.login == login:
        auth.change_password(request, account, body.password)
        return Ok()
    if not account.operator:
        raise Forbidden("only the operator or the account itself sets its password")
    auth.reset_password(request, account.actor, login, body.password)
    return Ok()


@router.post("/accounts/{login}/suspend", response_model=Ok)
def suspend(request: Request, login: str, operator: Operator) -> Ok:
    """The operator suspends an account (a public log entry): its sessions and tokens
    end at once and it cannot sign in until restored."""
    store_of(request).act(actions.disable_account, actor=operator.actor, login=login)
    return Ok()


@router.post("/accounts/{login}/restore", response_model=Ok)
def restore(request: Request, login: str, operator: Operator) -> Ok:
    """The operator lifts a suspension (a public log entry)."""
    store_of(request).act(actions.enable_account, actor=operator.actor, login=login)
    return Ok()
