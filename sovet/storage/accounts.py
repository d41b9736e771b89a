"""Accounts of this installation: who signs in as which member, and how.

Private data, kept beside the log and never in it: sign-in names, password hashes
(computed by the caller; this module never sees a password), invitation links per
unit, API tokens and sign-in sessions (stored only as the SHA-256 of their random
secret) and the sign-in throttle. What is *done* to an account (created, password
reset, suspended, token issued or revoked) is public: :mod:`sovet.actions.accounts`
changes these rows and appends the log entry in one transaction.
Rights never come from here: an account only names the member (or the instance
operator) it acts as; what that member may do is decided by the rules.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sovet.errors import InputError, NotFound
from sovet.storage.database import Database
from sovet.storage.schema import instance

__all__ = [
    "Account",
    "ApiToken",
    "Invitation",
    "Limit",
    "account_by_id",
    "account_by_login",
    "account_by_member",
    "account_by_token",
    "accounts",
    "add_login_attempt",
    "api_tokens",
    "create_account",
    "create_api_token",
    "create_invitation",
    "create_session",
    "end_access",
    "end_session",
    "failed_logins_since",
    "invitation",
    "invitations",
    "is_known",
    "list_accounts",
    "list_invitations",
    "list_tokens",
    "login_attempts",
    "login_sessions",
    "login_throttle",
    "metadata",
    "new_account_id",
    "record_success",
    "reserve_attempt",
    "reset_notice",
    "revoke_token",
    "session_account",
    "session_secret",
    "set_notice",
    "set_password",
    "use_invitation",
]

metadata = sa.MetaData()

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("login", sa.String(200), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("member", sa.String(200), nullable=True, unique=True),
    sa.Column("operator", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("notice", sa.Text, nullable=True),
)

login_sessions = sa.Table(
    "login_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("account", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)

login_throttle = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("key", sa.String(400), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_at", sa.String(32), nullable=False),
    sa.Column("next_at", sa.String(32), nullable=False),
)

invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("unit", sa.String(200), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("expires_at", sa.String(32), nullable=False),
    sa.Column("used_by", sa.String(200), nullable=True),
    sa.Column("used_at", sa.String(32), nullable=True),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("account", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False),
)

login_attempts = sa.Table(
    "login_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("login", sa.String(200), nullable=False),
    sa.Column("client", sa.String(100), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Account:
    """A way to sign in: as one member, or as the instance operator (``member`` is None)."""

    id: str
    login: str
    password_hash: str
    member: str | None
    operator: bool
    created_at: str
    disabled: bool = False
    notice: str | None = None  # JSON {"at", "by"}: a password reset not yet acknowledged

    @property
    def actor(self) -> str:
        """The actor id the rules know: the member's id, or ``"operator"``."""
        return "operator" if self.operator else (self.member or "")


@dataclass(frozen=True, slots=True)
class Invitation:
    token_hash: str
    unit: str
    created_by: str
    created_at: str
    expires_at: str
    used_by: str | None
    used_at: str | None


@dataclass(frozen=True, slots=True)
class ApiToken:
    token_hash: str
    account: str
    name: str
    created_at: str
    revoked: bool


def _account(row: sa.Row[tuple[object, ...]] | None) -> Account | None:
    if row is None:
        return None
    m = row._mapping
    return Account(
        id=str(m["id"]),
        login=str(m["login"]),
        password_hash=str(m["password_hash"]),
        member=None if m["member"] is None else str(m["member"]),
        operator=bool(m["operator"]),
        created_at=str(m["created_at"]),
        disabled=bool(m["disabled"]),
        notice=None if m["notice"] is None else str(m["notice"]),
    )


def _one_account(db: Database, where: sa.ColumnElement[bool]) -> Account | None:
    with db.engine.connect() as conn:
        return _account(conn.execute(sa.select(accounts).where(where)).first())


def account_by_id(db: Database, account_id: str) -> Account | None:
    return _one_account(db, accounts.c.id == account_id)


def account_by_login(db: Database, login: str) -> Account | None:
    return _one_account(db, accounts.c.login == login)


def account_by_member(db: Database, member: str) -> Account | None:
    return _one_account(db, accounts.c.member == member)


def list_accounts(db: Database) -> list[Account]:
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(accounts).order_by(accounts.c.login)).all()
    return [a for a in (_account(r) for r in rows) if a is not None]


def new_account_id() -> str:
    return f"acc-{secrets.token_hex(8)}"


def create_account(
    db: Database,
    *,
    login: str,
    password_hash: str,
    member: str | None,
    operator: bool = False,
    at: str,
    account_id: str | None = None,
    conn: Connection | None = None,
) -> Account:
    """Store a new account; the sign-in name and the member each have at most one.

    Inside an action, ``conn`` is the action's transaction (the row and the log entry
    commit together); alone, the row is written in a transaction of its own.
    """
    login = login.strip()
    if not login:
        raise InputError("login: a sign-in name is needed")
    if operator == (member is not None):
        raise InputError("an account signs in either as one member or as the operator")
    account_id = account_id or new_account_id()
    row: dict[str, object] = {
        "id": account_id,
        "login": login,
        "password_hash": password_hash,
        "member": member,
        "operator": operator,
        "created_at": at,
        "disabled": False,
    }
    if conn is None:
        with db.engine.begin() as own:
            _insert_account(own, row)
    else:
        _insert_account(conn, row)
    return Account(
        id=account_id,
        login=login,
        password_hash=password_hash,
        member=member,
        operator=operator,
        created_at=at,
    )


def _insert_account(conn: Connection, row: dict[str, object]) -> None:
    login, member = row["login"], row["member"]
    if conn.execute(sa.select(accounts.c.id).where(accounts.c.login == login)).first():
        raise InputError(f"login: the sign-in name {login!r} is taken")
    if (
        member is not None
        and conn.execute(sa.select(accounts.c.id).where(accounts.c.member == member)).first()
    ):
        raise InputError(f"member {member} already has an account")
    conn.execute(sa.insert(accounts).values(**row))


def set_password(
    db: Database,
    login: str,
    password_hash: str,
    *,
    conn: Connection | None = None,
    notice: str | None = None,
) -> None:
    """Set the hash (the caller ends the account's sessions and tokens: :func:`end_access`)."""
    values: dict[str, object] = {"password_hash": password_hash}
    if notice is not None:
        values["notice"] = notice
    query = sa.update(accounts).where(accounts.c.login == login).values(**values)
    if conn is None:
        with db.engine.begin() as own:
            done = own.execute(query)
    else:
        done = conn.execute(query)
    if done.rowcount == 0:
        raise NotFound(f"no account {login!r}")


def set_notice(db: Database, account_id: str, notice: str | None) -> None:
    """Set (or, with None, clear once acknowledged) the notice shown at sign-in."""
    with db.engine.begin() as conn:
        conn.execute(sa.update(accounts).where(accounts.c.id == account_id).values(notice=notice))


def reset_notice(at: str, by: str) -> str:
    return json.dumps({"at": at, "by": by}, sort_keys=True)


# ---- invitations ----------------------------------------------------------------------


def _invitation(row: sa.Row[tuple[object, ...]] | None) -> Invitation | None:
    if row is None:
        return None
    m = row._mapping
    return Invitation(**{k: m[k] for k in Invitation.__slots__})


def create_invitation(
    db: Database, *, token_hash: str, unit: str, created_by: str, at: str, expires_at: str
) -> Invitation:
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(invitations).values(
                token_hash=token_hash,
                unit=unit,
                created_by=created_by,
                created_at=at,
                expires_at=expires_at,
            )
        )
    found = invitation(db, token_hash)
    assert found is not None
    return found


def invitation(db: Database, token_hash: str) -> Invitation | None:
    with db.engine.connect() as conn:
        return _invitation(
            conn.execute(
                sa.select(invitations).where(invitations.c.token_hash == token_hash)
            ).first()
        )


def list_invitations(db: Database, unit: str) -> list[Invitation]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(invitations)
            .where(invitations.c.unit == unit)
            .order_by(invitations.c.created_at)
        ).all()
    return [i for i in (_invitation(r) for r in rows) if i is not None]


def use_invitation(db: Database, token_hash: str, *, member: str, at: str) -> None:
    """Mark an invitation used, once: a second use finds it taken."""
    with db.engine.begin() as conn:
        done = conn.execute(
            sa.update(invitations)
            .where(invitations.c.token_hash == token_hash, invitations.c.used_by.is_(None))
            .values(used_by=member, used_at=at)
        )
    if done.rowcount == 0:
        raise InputError("this invitation has already been used")


# ---- API tokens -----------------------------------------------------------------------


def create_api_token(
    db: Database,
    *,
    token_hash: str,
    account: str,
    name: str,
    at: str,
    conn: Connection | None = None,
) -> None:
    query = sa.insert(api_tokens).values(
        token_hash=token_hash, account=account, name=name, created_at=at, revoked=False
    )
    if conn is None:
        with db.engine.begin() as own:
            own.execute(query)
    else:
        conn.execute(query)


def account_by_token(db: Database, token_hash: str) -> Account | None:
    """The account a (not revoked) token signs in as, unless it is suspended."""
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(accounts)
            .join(api_tokens, api_tokens.c.account == accounts.c.id)
            .where(
                api_tokens.c.token_hash == token_hash,
                api_tokens.c.revoked.is_(False),
                accounts.c.disabled.is_(False),
            )
        ).first()
    return _account(row)


def list_tokens(db: Database, account: str) -> list[ApiToken]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(api_tokens)
            .where(api_tokens.c.account == account)
            .order_by(api_tokens.c.created_at)
        ).all()
    return [
        ApiToken(
            token_hash=r.token_hash,
            account=r.account,
            name=r.name,
            created_at=r.created_at,
            revoked=bool(r.revoked),
        )
        for r in rows
    ]


def revoke_token(
    db: Database, *, account: str, token_prefix: str, conn: Connection | None = None
) -> list[str]:
    """Revoke the account's tokens whose hash starts with ``token_prefix``; their names."""
    if len(token_prefix) < 8:
        raise InputError("name a token by at least 8 characters of its id")
    where = (
        api_tokens.c.account == account,
        api_tokens.c.token_hash.startswith(token_prefix, autoescape=True),
        api_tokens.c.revoked.is_(False),
    )

    def run(c: Connection) -> list[str]:
        names = [str(n) for (n,) in c.execute(sa.select(api_tokens.c.name).where(*where))]
        c.execute(sa.update(api_tokens).where(*where).values(revoked=True))
        return names

    if conn is None:
        with db.engine.begin() as own:
            names = run(own)
    else:
        names = run(conn)
    if not names:
        raise NotFound(f"no token {token_prefix!r}")
    return names


def end_access(conn: Connection, account: str) -> None:
    """End every sign-in session and revoke every API token of the account, at once."""
    conn.execute(sa.delete(login_sessions).where(login_sessions.c.account == account))
    conn.execute(
        sa.update(api_tokens)
        .where(api_tokens.c.account == account, api_tokens.c.revoked.is_(False))
        .values(revoked=True)
    )


# ---- sign-in sessions -------------------------------------------------------------------


def create_session(
    db: Database, *, id_hash: str, account: str, at: str, expired_before: str | None = None
) -> None:
    """A new signed-in session; sessions opened before ``expired_before`` are removed."""
    with db.engine.begin() as conn:
        if expired_before is not None:
            conn.execute(
                sa.delete(login_sessions).where(login_sessions.c.created_at < expired_before)
            )
        conn.execute(
            sa.insert(login_sessions).values(id_hash=id_hash, account=account, created_at=at)
        )


def session_account(db: Database, id_hash: str, *, since: str) -> Account | None:
    """The account of a live session opened at or after ``since`` (not suspended)."""
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(accounts)
            .join(login_sessions, login_sessions.c.account == accounts.c.id)
            .where(
                login_sessions.c.id_hash == id_hash,
                login_sessions.c.created_at >= since,
                accounts.c.disabled.is_(False),
            )
        ).first()
    return _account(row)


def end_session(db: Database, id_hash: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.delete(login_sessions).where(login_sessions.c.id_hash == id_hash))


# ---- the sign-in throttle ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Limit:
    """A throttle key's rule: ``free`` failures, then a delay that doubles from one
    second with each further failure, up to ``cap`` seconds; never a hard lockout."""

    key: str
    free: int
    cap: int

    def delay(self, failures: int) -> int:
        """Seconds to wait after ``failures`` failed tries.

        >>> [Limit("k", 3, 60).delay(n) for n in (0, 3, 4, 5, 9, 20)]
        [0, 0, 1, 2, 32, 60]
        """
        if failures <= self.free:
            return 0
        return int(min(self.cap, 2 ** min(failures - self.free - 1, 30)))


def _plus_seconds(at: str, seconds: int) -> str:
    moment = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    return (moment + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _seconds_between(start: str, end: str) -> int:
    a = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
    b = dt.datetime.fromisoformat(end.replace("Z", "+00:00"))
    return max(1, int((b - a).total_seconds()))


def _throttle_transaction(db: Database) -> Connection:
    conn = db.engine.connect()
    if db.engine.dialect.name == "sqlite":
        return conn.execution_options(sovet_write=True)  # BEGIN IMMEDIATE: one writer
    return conn


def reserve_attempt(db: Database, *, limits: Sequence[Limit], at: str, window: int = 900) -> int:
    """Check and charge one sign-in try atomically: 0 when it may go ahead (each key then
    counts it as a failure until :func:`record_success` says otherwise), else the seconds
    to wait (and nothing is charged). Failures older than ``window`` seconds are
    forgotten. Parallel tries queue on one write lock (SQLite's ``BEGIN IMMEDIATE``, a
    PostgreSQL advisory lock), so none overtakes the limit."""
    since = _plus_seconds(at, -window)
    with _throttle_transaction(db) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(1918)")
        keys = [limit.key[:400] for limit in limits]
        rows = {
            r.key: r
            for r in conn.execute(sa.select(login_throttle).where(login_throttle.c.key.in_(keys)))
        }
        wait = max(
            (_seconds_between(at, r.next_at) for r in rows.values() if r.next_at > at), default=0
        )
        if wait:
            return wait
        for limit, key in zip(limits, keys, strict=True):
            row = rows.get(key)
            failures = (row.failures if row is not None and row.last_at >= since else 0) + 1
            values = {
                "failures": failures,
                "last_at": at,
                "next_at": _plus_seconds(at, limit.delay(failures)),
            }
            if row is not None:
                conn.execute(
                    sa.update(login_throttle).where(login_throttle.c.key == key).values(**values)
                )
            else:
                conn.execute(sa.insert(login_throttle).values(key=key, **values))
    return 0


def record_success(
    db: Database, *, keys: Sequence[str], refund: Sequence[str] = (), at: str
) -> None:
    """A right password: the failures of ``keys`` are forgiven (their rows removed), the
    try charged to each of ``refund`` is given back, and the first key (name and client)
    is remembered as a client known to this account."""
    known = f"known|{keys[0]}"[:400]
    with _throttle_transaction(db) as conn, conn.begin():
        conn.execute(sa.delete(login_throttle).where(login_throttle.c.key.in_([*keys, known])))
        row = {"key": known, "failures": 0, "last_at": at, "next_at": at}
        conn.execute(sa.insert(login_throttle).values(**row))
        if refund:
            conn.execute(
                sa.update(login_throttle)
                .where(login_throttle.c.key.in_([k[:400] for k in refund]))
                .where(login_throttle.c.failures > 0)
                .values(failures=login_throttle.c.failures - 1, next_at=at)
            )


def is_known(db: Database, key: str) -> bool:
    """Whether a right password was ever given for this (name, client) key."""
    query = sa.select(login_throttle.c.key).where(login_throttle.c.key == f"known|{key}"[:400])
    with db.engine.connect() as conn:
        return conn.execute(query).first() is not None


def add_login_attempt(db: Database, *, login: str, client: str, at: str, ok: bool) -> None:
    """Every sign-in try, kept for the operator's audit (the throttle has its own table)."""
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(login_attempts).values(login=login[:200], client=client[:100], at=at, ok=ok)
        )


def failed_logins_since(db: Database, *, since: str, login: str, client: str) -> tuple[int, int]:
    """Failed attempts since ``since``: (for this sign-in name, from this client)."""
    with db.engine.connect() as conn:

        def failures(where: sa.ColumnElement[bool]) -> int:
            query = (
                sa.select(sa.func.count())
                .select_from(login_attempts)
                .where(where, login_attempts.c.at >= since, login_attempts.c.ok.is_(False))
            )
            return int(conn.execute(query).scalar_one())

        return failures(login_attempts.c.login == login), failures(
            login_attempts.c.client == client
        )


# ---- the key that signs session cookies ------------------------------------------------


def session_secret(db: Database) -> str:
    """This installation's cookie-signing key, made once and kept in the instance table,
    so that every worker process and every restart signs alike."""
    query = sa.select(instance.c.value).where(instance.c.key == "session_key")
    with db.engine.connect() as conn:
        key = conn.execute(query).scalar_one_or_none()
    if key is not None:
        return str(key)
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.insert(instance).values(key="session_key", value=secrets.token_hex(32)))
    except sa.exc.IntegrityError:
        pass  # another worker made it first
    with db.engine.connect() as conn:
        return str(conn.execute(query).scalar_one())
