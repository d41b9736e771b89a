"""API: signing in and out, API tokens, invitation links, and the operator's accounts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from sovet.errors import Forbidden, InputError, NotFound
from sovet.storage import accounts as store_accounts
from sovet.storage import utc_now
from sovet.storage.accounts import Account
from sovet.web import auth
from sovet.web.schemas import (
    AccountCreate,
    AccountOut,
    InvitationAccept,
    InvitationIn,
    InvitationInfo,
    InvitationOut,
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
    CSRF token that cookie-authenticated calls send as ``X-CSRF-Token``. Five failed
    tries for one name within 15 minutes get 429 until the window passes."""
    account = auth.sign_in(request, body.login, body.password)
    return _signed_in(request, account)


@router.post("/auth/logout", response_model=Ok)
def logout(request: Request) -> Ok:
    auth.sign_out(request)
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
    account = auth.current_account(request)
    if body.login is not None or body.password is not None:
        if body.login is None or body.password is None:
            raise InputError("send both login and password, or neither (when signed in)")
        account = auth.verify_password(request, body.login, body.password)
    if account is None:
        raise auth.NotSignedIn("sign in, or send login and password, to get a token")
    token = auth.issue_api_token(store_of(request).db, account, body.name, utc_now())
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
    if not all(c in "0123456789abcdef" for c in token_id):
        raise NotFound(f"no token {token_id!r}")
    store_accounts.revoke_token(store_of(request).db, account=account.id, token_prefix=token_id)
    return Ok()


@router.post("/auth/password", response_model=Ok)
def change_password(request: Request, body: PasswordIn, account: SignedInAccount) -> Ok:
    """The signed-in account sets a new password; its other sessions end."""
    auth.change_password(request, account, body.password)
    return Ok()


# ---- invitations --------------------------------------------------------------------------


@router.post("/units/{unit_id}/invitations", response_model=InvitationOut, status_code=201)
def invite(request: Request, unit_id: str, body: InvitationIn, actor: Actor) -> InvitationOut:
    """A convenor of the unit (or the operator) makes a single-use invitation link."""
    token, expires = auth.new_invitation(request, actor, unit_id, body.days)
    return InvitationOut(token=token, unit=unit_id, path=f"/invite/{token}", expires_at=expires)


@router.get("/invitations/{token}", response_model=InvitationInfo)
def invitation(request: Request, token: str) -> InvitationInfo:
    """What an invitation link is for, while it is still open."""
    found = auth.invitation_for(request, token)
    with store_of(request).read() as s:
        name = s.body_name(found.unit)
    return InvitationInfo(unit=found.unit, unit_name=name, expires_at=found.expires_at)


@router.post("/invitations/{token}/accept", response_model=SignedIn, status_code=201)
def accept(request: Request, token: str, body: InvitationAccept) -> SignedIn:
    """Accept an invitation: become a member of the unit, with an account, signed in."""
    account = auth.accept_invitation(
        request, token, name=body.name, login=body.login, password=body.password
    )
    return _signed_in(request, account)


# ---- the operator's accounts ----------------------------------------------------------------


@router.get("/accounts", response_model=list[AccountOut])
def accounts(request: Request, _: Operator) -> list[dict[str, Any]]:
    """Every account (operator only): sign-in names and whom they act as."""
    return [
        {"login": a.login, "member": a.member, "operator": a.operator}
        for a in store_accounts.list_accounts(store_of(request).db)
    ]


@router.post("/accounts", response_model=AccountOut, status_code=201)
def create_account(request: Request, body: AccountCreate, _: Operator) -> dict[str, Any]:
    """The operator gives an existing member (or another operator) an account."""
    if body.member is not None:
        with store_of(request).read() as s:
            s.member(body.member)
    elif not body.operator:
        raise InputError("member: name the member the account acts as (or operator: true)")
    hasher = request.app.state.hasher
    account = store_accounts.create_account(
        store_of(request).db,
        login=body.login,
        password_hash=hasher.hash(body.password),
        member=body.member,
        operator=body.operator,
        at=utc_now(),
    )
    return {"login": account.login, "member": account.member, "operator": account.operator}


@router.post("/accounts/{login}/password", response_model=Ok)
def reset_password(request: Request, login: str, body: PasswordIn, account: SignedInAccount) -> Ok:
    """The operator (or the account itself) sets an account's password."""
    if not account.operator and account.login != login:
        raise Forbidden("only the operator or the account itself sets its password")
    target = store_accounts.account_by_login(store_of(request).db, login)
    if target is None:
        raise NotFound(f"no account {login!r}")
    auth.change_password(request, target, body.password)
    return Ok()
