"""Actions on accounts: each changes the account's private row and appends one public
log entry, in one transaction — never the secret itself (no sign-in name, no hash, no
token), only that it happened, to which member's account, and by whom.

So the operator, who hosts the installation, cannot sign in as a member unseen: making
an account for a member, resetting its password, suspending it and every API token
issued or revoked are in the log, on the member's page and on their unit's page, and a
member whose password someone else reset is told so at their next sign-in. A new
password, a reset and a suspension end every session and every token of the account.

A member's change of their own password is no public event (only they did it); it too
ends every session and token (:func:`change_own_password`).
"""

from __future__ import annotations

from sovet import rules
from sovet.storage import Database
from sovet.storage import accounts as store
from sovet.storage.accounts import Account

__all__ = [
    "change_own_password",
    "create_account",
    "disable_account",
    "enable_account",
    "issue_token",
    "reset_password",
    "revoke_tokens",
]


def _target(db: Database, login: str) -> Account:
    account = store.account_by_login(db, login)
    if account is None:
        from sovet.errors import NotFound

        raise NotFound(f"no account {login!r}")
    return account


def _about(account: Account) -> dict[str, object]:
    return {"account": account.id, "member": account.member}


def create_account(
    db: Database,
    *,
    actor: str,
    login: str,
    password_hash: str,
    member: str | None,
    operator: bool = False,
    at: str | None = None,
) -> Account:
    """A new account for ``member`` (or an operator account): logged as
    ``account.created`` with the member it signs in as and who made it."""
    with db.writing() as w:
        rules.check_create_account(w.state, actor, member, operator)
        account_id = store.new_account_id()
        entry = w.append(
            "account.created",
            actor,
            {"account": account_id, "member": member, "operator": operator},
            at=at,
        )
        return store.create_account(
            db,
            login=login,
            password_hash=password_hash,
            member=member,
            operator=operator,
            at=entry.at,
            account_id=account_id,
            conn=w.conn,
        )


def reset_password(
    db: Database, *, actor: str, login: str, password_hash: str, at: str | None = None
) -> None:
    """Someone other than the member (the operator) sets an account's password: logged
    as ``account.password_reset``; every session and token of the account ends, and
    the member is told at their next sign-in until they acknowledge it."""
    account = _target(db, login)
    with db.writing() as w:
        rules.check_reset_password(w.state, actor, account.member)
        entry = w.append("account.password_reset", actor, _about(account), at=at)
        notice = store.reset_notice(entry.at, actor) if account.member is not None else None
        store.set_password(db, login, password_hash, conn=w.conn, notice=notice)
        store.end_access(w.conn, account.id)


def change_own_password(db: Database, account: Account, password_hash: str) -> None:
    """The account's own new password (no public event: only its owner acted); every
    session and token of the account ends (the caller may open a new session)."""
    with db.engine.begin() as conn:
        store.set_password(db, account.login, password_hash, conn=conn)
        store.end_access(conn, account.id)


def disable_account(db: Database, *, actor: str, login: str, at: str | None = None) -> None:
    """The operator suspends an account: logged; its sessions and tokens end at once."""
    account = _target(db, login)
    with db.writing() as w:
        rules.check_suspend(w.state, actor, account.disabled, suspend=True)
        w.append("account.disabled", actor, _about(account), at=at)
        w.conn.execute(
            store.accounts.update().where(store.accounts.c.id == account.id).values(disabled=True)
        )
        store.end_access(w.conn, account.id)


def enable_account(db: Database, *, actor: str, login: str, at: str | None = None) -> None:
    """The operator lifts a suspension: logged."""
    account = _target(db, login)
    with db.writing() as w:
        rules.check_suspend(w.state, actor, account.disabled, suspend=False)
        w.append("account.enabled", actor, _about(account), at=at)
        w.conn.execute(
            store.accounts.update().where(store.accounts.c.id == account.id).values(disabled=False)
        )


def issue_token(
    db: Database, *, actor: str, account: Account, token_hash: str, name: str, at: str | None = None
) -> None:
    """An account makes itself an API token: logged with the token's name only."""
    with db.writing() as w:
        rules.check_own_account(actor, account.actor)
        entry = w.append("account.token_issued", actor, {**_about(account), "name": name}, at=at)
        store.create_api_token(
            db, token_hash=token_hash, account=account.id, name=name, at=entry.at, conn=w.conn
        )


def revoke_tokens(
    db: Database, *, actor: str, account: Account, token_prefix: str, at: str | None = None
) -> None:
    """An account revokes its tokens named by the start of their id: logged by name."""
    with db.writing() as w:
        rules.check_own_account(actor, account.actor)
        names = store.revoke_token(db, account=account.id, token_prefix=token_prefix, conn=w.conn)
        w.append(
            "account.token_revoked", actor, {**_about(account), "name": ", ".join(names)}, at=at
        )
