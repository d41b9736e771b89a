"""Accounts, sessions, CSRF, the login rate limit, API tokens and invitations.

* **Sessions** are signed cookies (``sovet_session``: HttpOnly, SameSite=Lax, Secure
  when the request came over TLS) holding a random nonce and, once signed in, the
  account id. The cookie is signed with the installation's key; nothing else is kept.
* **CSRF**: :func:`csrf_token` gives the token of the current session (an HMAC of its
  nonce); :func:`check_csrf` refuses an unsafe request that carries the session cookie
  unless it sends that token, as the ``csrf_token`` form field or the ``X-CSRF-Token``
  header. Calls with ``Authorization: Bearer <token>`` carry no cookie authority and
  need no CSRF token.
* **Passwords** are hashed with argon2id; five failed sign-ins for one name (or
  twenty from one client) within 15 minutes refuse further tries for a while.
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
    "MAX_FAILURES_PER_CLIENT",
    "MAX_FAILURES_PER_LOGIN",
    "SESSION_DAYS",
    "WINDOW_MINUTES",
    "NotSignedIn",
    "Session",
    "SessionMiddleware",
    "accept_invitation",
    "change_password",
    "check_csrf",
    "csrf_token",
    "current_account",
    "current_actor",
    "hash_token",
    "invitation_for",
    "issue_api_token",
    "make_hasher",
    "new_invitation",
    "password_fingerprint",
    "require_account",
    "require_actor",
    "require_member",
    "require_operator",
    "sign_in",
    "sign_out",
    "verify_password",
]

COOKIE = "sovet_session"
SESSION_DAYS = 14
WINDOW_MINUTES = 15
MAX_FAILURES_PER_LOGIN = 5
MAX_FAILURES_PER_CLIENT = 20
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
    """The signed cookie's content: a nonce and, when signed in, the account id."""

    data: dict[str, str] = field(default_factory=dict)
    had_cookie: bool = False
    modified: bool = False

    @property
    def account(self) -> str | None:
        return self.data.get("a")

    def nonce(self) -> str:
        if "n" not in self.data:
            self.data["n"] = secrets.token_urlsafe(18)
            self.modified = True
        return self.data["n"]

    def start(self, account: Account | None) -> None:
        """A fresh nonce (new CSRF token) on every sign-in and sign-out; a signed-in
        session also keeps a fingerprint of the password it was opened with."""
        self.data = {"n": secrets.token_urlsafe(18)}
        if account is not None:
            self.data["a"] = account.id
            self.data["p"] = password_fingerprint(account)
        self.modified = True


def password_fingerprint(account: Account) -> str:
    """A short digest of the account's password hash: when the password changes, every
    session opened with the old one stops signing in."""
    return hashlib.sha256(account.password_hash.encode("utf-8")).hexdigest()[:16]


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


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


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
    it), else by the session cookie; None for an anonymous request."""
    if hasattr(request.state, "account"):
        cached = request.state.account
        return cached if isinstance(cached, Account) else None
    db = store_of(request).db
    token = _bearer(request)
    account: Account | None
    if token is not None:
        account = store_accounts.account_by_token(db, hash_token(token))
        if account is None:
            raise NotSignedIn("the API token is not valid (unknown or revoked)")
    else:
        session = _session(request)
        account_id = session.account
        account = None if account_id is None else store_accounts.account_by_id(db, account_id)
        if account is not None and session.data.get("p") != password_fingerprint(account):
            account = None  # the password changed since this session signed in
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


def verify_password(request: Request, login: str, password: str) -> Account:
    """Check a sign-in name and password under the rate limit; every try is recorded."""
    db = store_of(request).db
    now, client = _now(request), _client(request)
    by_login, by_client = store_accounts.failed_logins_since(
        db, since=_minus_minutes(now, WINDOW_MINUTES), login=login, client=client
    )
    if by_login >= MAX_FAILURES_PER_LOGIN or by_client >= MAX_FAILURES_PER_CLIENT:
        raise TooManyAttempts(
            f"too many failed sign-ins; try again in {WINDOW_MINUTES} minutes",
            retry_after=WINDOW_MINUTES * 60,
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
    if hasher.check_needs_rehash(account.password_hash):
        store_accounts.set_password(db, account.login, hasher.hash(password))
        account = store_accounts.account_by_login(db, account.login) or account
    return account


def sign_in(request: Request, login: str, password: str) -> Account:
    """Verify, then start a new session for the account (a new CSRF token too)."""
    account = verify_password(request, login, password)
    _session(request).start(account)
    request.state.account = account
    return account


def change_password(request: Request, account: Account, password: str) -> None:
    """Set a new password; other sessions of the account end, this one (if it is the
    account's own) continues under the new password."""
    db = store_of(request).db
    hasher: PasswordHasher = request.app.state.hasher
    store_accounts.set_password(db, account.login, hasher.hash(password))
    current = current_account(request)
    if current is not None and current.id == account.id and _bearer(request) is None:
        renewed = store_accounts.account_by_id(db, account.id)
        _session(request).start(renewed)
        request.state.account = renewed


def sign_out(request: Request) -> None:
    _session(request).start(None)
    request.state.account = None


def issue_api_token(db: Database, account: Account, name: str, at: str) -> str:
    """A new API token for scripts; only its hash is kept, so it is shown once."""
    token = "sovet_" + secrets.token_urlsafe(32)
    store_accounts.create_api_token(
        db, token_hash=hash_token(token), account=account.id, name=name, at=at
    )
    return token


# ---- invitations ------------------------------------------------------------------------


def new_invitation(request: Request, actor: str, unit: str, days: int) -> tuple[str, str]:
    """A convenor of ``unit`` (or the operator) makes a single-use invitation link;
    returns (token, expiry)."""
    store = store_of(request)
    with store.read() as s:
        if unit not in s.units:
            raise NotFound(f"no unit {unit!r}")
        if actor != rules.OPERATOR:
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
    stands for), the member joins the unit by themselves, and the account signs in."""
    store = store_of(request)
    invitation = invitation_for(request, token)
    if store_accounts.account_by_login(store.db, login.strip()) is not None:
        raise InputError(f"login: the sign-in name {login.strip()!r} is taken")
    if len(password) < 8:
        raise InputError("password: at least 8 characters")
    if not name.strip():
        raise InputError("name: a member needs a name")
    now = _now(request)
    hasher: PasswordHasher = request.app.state.hasher
    password_hash = hasher.hash(password)
    member_id = new_id("m")
    # taken first, atomically, so that one link admits one member
    store_accounts.use_invitation(store.db, invitation.token_hash, member=member_id, at=now)
    store.act(actions.register_member, actor=rules.OPERATOR, name=name.strip(), member_id=member_id)
    store.act(actions.join_unit, actor=member_id, unit=invitation.unit, member=member_id)
    account = store_accounts.create_account(
        store.db, login=login, password_hash=password_hash, member=member_id, at=now
    )
    _session(request).start(account)
    request.state.account = account
    return account
