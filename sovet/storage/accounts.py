"""Accounts of this installation: who signs in as which member, and how.

Private data, kept beside the log and never in it: sign-in names, password hashes
(computed by the caller; this module never sees a password), invitation links per
unit, API tokens (stored only as their SHA-256) and login attempts for rate limiting.
Rights never come from here: an account only names the member (or the instance
operator) it acts as; what that member may do is decided by the rules.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from sovet.errors import InputError, NotFound
from sovet.storage.database import Database
from sovet.storage.schema import instance

__all__ = [
    "Account",
    "ApiToken",
    "Invitation",
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
    "failed_logins_since",
    "invitation",
    "invitations",
    "list_accounts",
    "list_invitations",
    "list_tokens",
    "login_attempts",
    "metadata",
    "revoke_token",
    "session_secret",
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


def create_account(
    db: Database,
    *,
    login: str,
    password_hash: str,
    member: str | None,
    operator: bool = False,
    at: str,
) -> Account:
    """Store a new account; the sign-in name and the member each have at most one."""
    login = login.strip()
    if not login:
        raise InputError("login: a sign-in name is needed")
    if operator == (member is not None):
        raise InputError("an account signs in either as one member or as the operator")
    with db.engine.begin() as conn:
        if conn.execute(sa.select(accounts.c.id).where(accounts.c.login == login)).first():
            raise InputError(f"login: the sign-in name {login!r} is taken")
        if (
            member is not None
            and conn.execute(sa.select(accounts.c.id).where(accounts.c.member == member)).first()
        ):
            raise InputError(f"member {member} already has an account")
        account_id = f"acc-{secrets.token_hex(8)}"
        conn.execute(
            sa.insert(accounts).values(
                id=account_id,
                login=login,
                password_hash=password_hash,
                member=member,
                operator=operator,
                created_at=at,
            )
        )
    account = account_by_id(db, account_id)
    assert account is not None
    return account


def set_password(db: Database, login: str, password_hash: str) -> None:
    with db.engine.begin() as conn:
        done = conn.execute(
            sa.update(accounts).where(accounts.c.login == login).values(password_hash=password_hash)
        )
    if done.rowcount == 0:
        raise NotFound(f"no account {login!r}")


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


def create_api_token(db: Database, *, token_hash: str, account: str, name: str, at: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(api_tokens).values(
                token_hash=token_hash, account=account, name=name, created_at=at, revoked=False
            )
        )


def account_by_token(db: Database, token_hash: str) -> Account | None:
    """The account a (not revoked) token signs in as."""
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(accounts)
            .join(api_tokens, api_tokens.c.account == accounts.c.id)
            .where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked.is_(False))
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


def revoke_token(db: Database, *, account: str, token_prefix: str) -> int:
    """Revoke the account's tokens whose hash starts with ``token_prefix``; how many."""
    if len(token_prefix) < 8:
        raise InputError("name a token by at least 8 characters of its id")
    with db.engine.begin() as conn:
        done = conn.execute(
            sa.update(api_tokens)
            .where(
                api_tokens.c.account == account,
                api_tokens.c.token_hash.startswith(token_prefix, autoescape=True),
            )
            .values(revoked=True)
        )
    if done.rowcount == 0:
        raise NotFound(f"no token {token_prefix!r}")
    return int(done.rowcount)


# ---- login attempts -------------------------------------------------------------------


def add_login_attempt(db: Database, *, login: str, client: str, at: str, ok: bool) -> None:
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
