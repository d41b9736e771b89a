"""Accounts, sessions, CSRF, the login rate limit, API tokens and invitations.

* **Sessions** are signed cookies (``sovet_session``: HttpOnly, SameSite=Lax, Secure
  when the request came over TLS) holding a random nonce and, once signed in, a random
  session id whose SHA-256 is kept server-side (``login_sessions``). Signing out ends
  that session; a new password, a reset and a suspension end every session and every
  API token of the account at once, so a captured cookie or token stops working.
* **CSRF**: :func:`csrf_token` gives the token of the current session (an HMAC of its
  nonce); :func:`check_csrf` refuses an unsafe request that carries the session cookie
  unless it sends that token, as the ``csrf_token`` form field or the ``X-CSRF-Token``
  header. Calls with ``Authorization: Bearer <token>`` carry no cookie authority and
  need no CSRF token. The sign-in form needs its token even without a session
  (:func:`check_login_csrf`), so no other site can sign a browser in as someone else.
* **Passwords** are hashed with argon2id. Sign-in tries are throttled per (name,
  client), per client and per name (the last not for a client that has signed in to
  that name before), each with growing delays after a few free failures — never a
  hard lockout of the rightful owner; each try is checked and counted in one
  write-locked transaction, so parallel tries cannot overtake the limit.
* **Rights** come only from the rules: an account names the member it acts as (or the
  instance operator), and :func:`require_actor` hands that id to the actions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from sovet import actions, rules
from sovet.actions.common import new_id
from sovet.errors import Forbidden, InputError, NotFound
from sovet.storage import Database, utc_now
from sovet.storage import accounts as store_accounts
from sovet.storage.accounts import Account
from sovet.web.errors import CsrfError, NotSignedIn, TooManyAttempts
from sovet.web.store import store_of

__all__ = [
    "COOKIE",
    "SESSION_DAYS",
    "THROTTLE",
    "NotSignedIn",
    "Session",
    "SessionMiddleware",
    "accept_invitation",
    "change_password",
    "check_csrf",
    "check_login_csrf",
    "csrf_token",
    "current_account",
    "current_actor",
    "hash_token",
    "invitation_for",
    "issue_api_token",
    "make_hasher",
    "new_invitation",
    "require_account",
    "require_actor",
    "require_json",
    "require_member",
    "require_operator",
    "reset_password",
    "sign_in",
    "sign_out",
    "verify_password",
]

COOKIE = "sovet_session"
SESSION_DAYS = 14
THROTTLE = {"pair": (3, 900), "client": (20, 900), "login": (10, 300)}
"""Per key kind: (free failures, longest delay in seconds); delays double from 1 s."""
INVITATION_DAYS = 7
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def make_hasher(*, fast: bool = False) -> PasswordHasher:
    """An argon2id hasher: the library's recommended cost, or a cheap one for tests."""
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def hash_token(token: str) -> str:
    """Tokens (API, invitation) are stored only as their SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---- sessions ---------------------------------------------------------------------------


@dataclass
class Session:
    """The signed cookie's content: a nonce and, when signed in, the session's random id
    (whose hash names the server-side session row)."""

    data: dict[str, str] = field(default_factory=dict)
    had_cookie: bool = False
    modified: bool = False

    @property
    def session_id(self) -> str | None:
        return self.data.get("s")

    def nonce(self) -> str:
        if "n" not in self.data:
            self.data["n"] = secrets.token_urlsafe(18)
            self.modified = True
        return self.data["n"]

    def start(self, session_id: str | None) -> None:
        """A fresh nonce (new CSRF token) on every sign-in and sign-out."""
        self.data = {"n": secrets.token_urlsafe(18)}
        if session_id is not None:
            self.data["s"] = session_id
        self.modified = True


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SessionMiddleware:
    """Read the signed session cookie into ``request.state.session``; write it back
    when it changed (pure ASGI, so streamed responses pass through untouched)."""

    def __init__(self, app: ASGIApp, *, secret: Callable[[], str]) -> None:
        self.app = app
        self.secret = secret

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret(), salt="sovet-session")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = Session()
        raw = _cookie(scope, COOKIE)
        if raw is not None:
            session.had_cookie = True
            try:
                data = self._serializer().loads(raw, max_age=SESSION_DAYS * 86400)
                if isinstance(data, dict):
                    session.data = {str(k): str(v) for k, v in data.items()}
            except (BadSignature, json.JSONDecodeError, UnicodeDecodeError):
                session.had_cookie = False
        scope.setdefault("state", {})["session"] = session
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.modified:
                value = self._serializer().dumps(session.data)
                attrs = f"{COOKIE}={value}; Path=/; Max-Age={SESSION_DAYS * 86400}; HttpOnly"
                attrs += "; SameSite=Lax" + ("; Secure" if secure else "")
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", attrs.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            text: str = value.decode("latin-1")
            for part in text.split(";"):
                k, _, v = part.strip().partition("=")
                if k == name and v:
                    return str(v)
    return None


def _session(request: Request) -> Session:
    session = getattr(request.state, "session", None)
    if not isinstance(session, Session):  # outside the middleware (never in the app)
        session = Session()
        request.state.session = session
    return session


def _secret(request: Request) -> bytes:
    secret = request.app.state.secret()
    assert isinstance(secret, str)
    return secret.encode("utf-8")


def csrf_token(request: Request) -> str:
    """The CSRF token of this request's session, for a form's hidden ``csrf_token``
    field (or the ``X-CSRF-Token`` header of a script's call). Starts a session if
    there is none, so the cookie it belongs to is set on this response."""
    nonce = _session(request).nonce()
    return hmac.new(_secret(request), f"csrf:{nonce}".encode(), hashlib.sha256).hexdigest()


def require_json(request: Request) -> None:
    """Sign-in calls take only a JSON body: a page of another site can send a form or
    text/plain across sites, never application/json without the browser asking first."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise CsrfError("send the sign-in as application/json")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def check_login_csrf(request: Request) -> None:
    """The sign-in form must carry the token of the session its page started: without
    it, another site could sign the browser in to an account of its choosing."""
    session = _session(request)
    form = await request.form()
    value = form.get("csrf_token")
    sent = value if isinstance(value, str) else request.headers.get("x-csrf-token")
    if not session.had_cookie or sent is None or not hmac.compare_digest(sent, csrf_token(request)):
        raise CsrfError("the sign-in form has expired or did not come from this site; reload it")


async def check_csrf(request: Request) -> None:
    """Dependency: an unsafe request sent with the session cookie must carry its token.

    Bearer-token calls are exempt (a browser never adds that header across sites);
    requests without the cookie carry no authority to abuse.
    """
    if request.method in SAFE_METHODS or _bearer(request) is not None:
        return
    session = _session(request)
    if not session.had_cookie:
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
    expected = csrf_token(request)
    if sent is None or not hmac.compare_digest(sent, expected):
        raise CsrfError("the form has expired or did not come from this site; reload and retry")


# ---- who is asking ----------------------------------------------------------------------


def current_account(request: Request) -> Account | None:
    """The signed-in account: by API token when the request has one (and then only by
    it), else by the session cookie's server-side session; None for an anonymous request."""
    if hasattr(request.state, "account"):
        cached = request.state.account
        return cached if isinstance(cached, Account) else None
    db = store_of(request).db
    token = _bearer(request)
    account: Account | None = None
    if token is not None:
        account = store_accounts.account_by_token(db, hash_token(token))
        if account is None:
            raise NotSignedIn("the API token is not valid (unknown, revoked or suspended)")
    else:
        session_id = _session(request).session_id
        if session_id is not None:
            since = _minus_minutes(_now(request), SESSION_DAYS * 24 * 60)
            account = store_accounts.session_account(db, hash_token(session_id), since=since)
    request.state.account = account
    return account


def current_actor(request: Request) -> str | None:
    account = current_account(request)
    return None if account is None else account.actor


def require_account(request: Request) -> Account:
    """Dependency: the signed-in account, or 401."""
    account = current_account(request)
    if account is None:
        raise NotSignedIn("sign in first (a session, or an API token as a Bearer header)")
    return account


def require_actor(request: Request) -> str:
    """Dependency: the actor id of the signed-in account, for the actions."""
    return require_account(request).actor


def require_member(request: Request) -> str:
    """Dependency: the member id of the signed-in account (the operator is no member)."""
    account = require_account(request)
    if account.member is None:
        raise Forbidden("the instance operator is not a member; sign in as a member")
    return account.member


def require_operator(request: Request) -> Account:
    account = require_account(request)
    if not account.operator:
        raise Forbidden("only the instance operator manages accounts")
    return account


# ---- signing in -------------------------------------------------------------------------


def _client(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _now(request: Request) -> str:
    clock = getattr(request.app.state, "clock", utc_now)
    now = clock()
    assert isinstance(now, str)
    return now


def _minus_minutes(at: str, minutes: int) -> str:
    moment = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    return (moment - dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _limits(db: Database, login: str, client: str) -> list[store_accounts.Limit]:
    pair = f"pair|{login}|{client}"
    kinds = [("pair", pair), ("client", f"client|{client}")]
    if not store_accounts.is_known(db, pair):
        kinds.append(("login", f"login|{login}"))
    return [store_accounts.Limit(key, *THROTTLE[kind]) for kind, key in kinds]


def verify_password(request: Request, login: str, password: str) -> Account:
    """Check a sign-in name and password under the throttle; every try is recorded."""
    db = store_of(request).db
    now, client = _now(request), _client(request)
    limits = _limits(db, login, client)
    wait = store_accounts.reserve_attempt(db, limits=limits, at=now)
    if wait:
        raise TooManyAttempts(
            f"too many failed sign-ins; try again in {wait} seconds", retry_after=wait
        )
    hasher: PasswordHasher = request.app.state.hasher
    account = store_accounts.account_by_login(db, login)
    ok = False
    if account is None:
        hasher.hash(password)  # the same work whether or not the name exists
    else:
        try:
            ok = hasher.verify(account.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    store_accounts.add_login_attempt(db, login=login, client=client, at=now, ok=ok)
    if not ok or account is None:
        raise NotSignedIn("wrong sign-in name or password")
    store_accounts.record_success(
        db, keys=[limits[0].key], refund=[x.key for x in limits[1:]], at=now
    )
    if account.disabled:
        raise Forbidden("this account is suspended by the instance operator")
    if hasher.check_needs_rehash(account.password_hash):
        store_accounts.set_password(db, account.login, hasher.hash(password))
        account = store_accounts.account_by_login(db, account.login) or account
    return account


def _open_session(request: Request, account: Account | None) -> None:
    """End the request's session (if any) and start a new one: signed in as ``account``
    (a new server-side session row), or anonymous."""
    session = _session(request)
    db = store_of(request).db
    if session.session_id is not None:
        store_accounts.end_session(db, hash_token(session.session_id))
    if account is None:
        session.start(None)
    else:
        session_id = secrets.token_urlsafe(32)
        now = _now(request)
        store_accounts.create_session(
            db,
            id_hash=hash_token(session_id),
            account=account.id,
            at=now,
            expired_before=_minus_minutes(now, SESSION_DAYS * 24 * 60),
        )
        session.start(session_id)
    request.state.account = account


def sign_in(request: Request, login: str, password: str) -> Account:
    """Verify, then start a new session for the account (a new CSRF token too)."""
    account = verify_password(request, login, password)
    _open_session(request, account)
    return account


def change_password(request: Request, account: Account, password: str) -> None:
    """The account's own new password: every session and token of the account ends;
    this session (if it is the account's own, by cookie) goes on under a new id."""
    store = store_of(request)
    hasher: PasswordHasher = request.app.state.hasher
    current = current_account(request)
    own_session = current is not None and current.id == account.id and _bearer(request) is None
    actions.change_own_password(store.db, account, hasher.hash(password))
    renewed = store_accounts.account_by_id(store.db, account.id)
    if own_session and renewed is not None:
        _session(request).start(None)  # its row is gone already
        _open_session(request, renewed)


def reset_password(request: Request, actor: str, login: str, password: str) -> None:
    """Someone other than the account's member (the operator) sets its password: a
    public log entry; the account's sessions and tokens end; the member is told."""
    hasher: PasswordHasher = request.app.state.hasher
    password_hash = hasher.hash(password)
    store_of(request).act(
        actions.reset_password, actor=actor, login=login, password_hash=password_hash
    )


def sign_out(request: Request) -> None:
    """End this session server-side: the cookie, even if kept, signs nobody in."""
    _open_session(request, None)


def issue_api_token(request: Request, account: Account, name: str) -> str:
    """A new API token for scripts (a public log entry with its name); only its hash is
    kept, so it is shown once."""
    token = "sovet_" + secrets.token_urlsafe(32)
    store_of(request).act(
        actions.issue_token,
        actor=account.actor,
        account=account,
        token_hash=hash_token(token),
        name=name,
    )
    return token


# ---- invitations ------------------------------------------------------------------------


def new_invitation(request: Request, actor: str, unit: str, days: int) -> tuple[str, str]:
    """A convenor of ``unit`` makes a single-use invitation (never the operator, who
    admits nobody); returns (token, expiry). The token travels outside every URL the
    server sees: in a link's fragment (``/invite#<token>``) or a form's body."""
    store = store_of(request)
    with store.read() as s:
        if unit not in s.units:
            raise NotFound(f"no unit {unit!r}")
        rules.check_member_actor(s, actor, "admit members to a unit (its convenors invite)")
        rules.check_convenor(s, actor, unit)
    if not 1 <= days <= 90:
        raise InputError("days: an invitation lasts from 1 to 90 days")
    now = _now(request)
    expires = (
        dt.datetime.fromisoformat(now.replace("Z", "+00:00")) + dt.timedelta(days=days)
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    token = secrets.token_urlsafe(24)
    store_accounts.create_invitation(
        store.db,
        token_hash=hash_token(token),
        unit=unit,
        created_by=actor,
        at=now,
        expires_at=expires,
    )
    return token, expires


def invitation_for(request: Request, token: str) -> store_accounts.Invitation:
    """The open invitation behind a token, or NotFound/InputError saying why not."""
    found = store_accounts.invitation(store_of(request).db, hash_token(token))
    if found is None:
        raise NotFound("no such invitation")
    if found.used_by is not None:
        raise InputError("this invitation has already been used")
    if found.expires_at < _now(request):
        raise InputError(f"this invitation expired at {found.expires_at}")
    return found


def accept_invitation(
    request: Request, token: str, *, name: str, login: str, password: str
) -> Account:
    """Accepting an invitation registers the member (an operator's act the invitation
    stands for) and makes their account (both public); the member then joins the unit
    on the inviting convenor's word — or, where the assembly admits, asks it to."""
    store = store_of(request)
    invitation = invitation_for(request, token)
    if store_accounts.account_by_login(store.db, login.strip()) is not None:
        raise InputError(f"login: the sign-in name {login.strip()!r} is taken")
    if len(password) < 8:
        raise InputError("password: at least 8 characters")
    if not name.strip():
        raise InputError("name: a member needs a name")
    with store.read() as s:
        rules.check_invitation(s, invitation.created_by, invitation.unit)
        by_assembly = rules.body_rules(s, invitation.unit).admission == "assembly"
    now = _now(request)
    hasher: PasswordHasher = request.app.state.hasher
    password_hash = hasher.hash(password)
    member_id = new_id("m")
    # taken first, atomically, so that one link admits one member
    store_accounts.use_invitation(store.db, invitation.token_hash, member=member_id, at=now)
    store.act(actions.register_member, actor=rules.OPERATOR, name=name.strip(), member_id=member_id)
    account = store.act(
        actions.create_account,
        actor=member_id,
        login=login.strip(),
        password_hash=password_hash,
        member=member_id,
    )
    if by_assembly:
        store.act(actions.request_admission, actor=member_id, unit=invitation.unit)
    else:
        store.act(
            actions.join_unit,
            actor=member_id,
            unit=invitation.unit,
            member=member_id,
            invited_by=invitation.created_by,
        )
    _open_session(request, account)
    return account
