"""Commands that run the web app and manage its accounts: serve, accounts.

Accounts are private data of this installation (sign-in names and argon2id password
hashes), kept beside the log and never in it; what the operator does to them (an account
made, a password reset, a suspension) is a public log entry all the same.
"""

from __future__ import annotations

import os

import click
from argon2 import PasswordHasher
from rich.console import Console
from rich.table import Table

from sovet import actions
from sovet.cli.common import echo_json
from sovet.cli.federation import DB_OPTION, open_from
from sovet.errors import InputError, NotFound
from sovet.model import ElectionStatus
from sovet.rules import OPERATOR
from sovet.settings import load_settings
from sovet.storage import Database, open_database
from sovet.storage import accounts as store_accounts

__all__ = ["DEMO_PASSWORD", "accounts", "demo_accounts", "serve"]

DEMO_PASSWORD = "sovet-demo"


@click.command()
@DB_OPTION
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default 8000).")
@click.option("--workers", type=int, default=None, help="Worker processes (default 1).")
def serve(
    database_url: str | None, host: str | None, port: int | None, workers: int | None
) -> None:
    """Serve the web pages and the JSON API (/api/v1) with uvicorn.

    Each worker process opens the database itself. Behind a reverse proxy, name it in
    the ``trusted_proxies`` setting: only then are its X-Forwarded-For (the client's
    address, which the sign-in throttle counts by) and X-Forwarded-Proto (TLS, so that
    cookies are marked Secure) believed; from anyone else they are ignored.

    Example: sovet serve --host 0.0.0.0 --port 8000 --workers 2 --db sqlite:///sovet.db
    """
    import uvicorn

    settings = load_settings(database_url=database_url, host=host, port=port, workers=workers)
    if settings.workers < 1:
        raise InputError(f"--workers must be at least 1, not {settings.workers}")
    db = open_database(settings.database_url)  # migrate once, before the workers start
    if db.size() == 0:
        click.echo(
            f"note: {settings.database_url} holds no federation yet; run `sovet init` or "
            "`sovet demo`",
            err=True,
        )
    db.engine.dispose()
    os.environ["SOVET_DATABASE_URL"] = settings.database_url
    click.echo(f"Sovet on http://{settings.host}:{settings.port} ({settings.database_url})")
    uvicorn.run(
        "sovet.web.app:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
        log_level="info",
    )


@click.group()
def accounts() -> None:
    """Manage the accounts members sign in with.

    Example: sovet accounts create --login anna --member m-3f9a1c2b7d
    """


def _hash(password: str) -> str:
    if len(password) < 8:
        raise InputError("a password has at least 8 characters")
    return PasswordHasher().hash(password)


@accounts.command("create")
@DB_OPTION
@click.option("--login", required=True, help="The sign-in name.")
@click.option("--member", default=None, help="The member id the account acts as.")
@click.option("--operator", is_flag=True, help="An account of the instance operator.")
@click.password_option(help="The password (asked for when not given).")
def create(
    database_url: str | None, login: str, member: str | None, operator: bool, password: str
) -> None:
    """Create an account for a member, or for the instance operator.

    Example: sovet accounts create --login admin --operator
    """
    db = open_from(database_url)
    actions.create_account(
        db,
        actor=OPERATOR,
        login=login,
        password_hash=_hash(password),
        member=member,
        operator=operator,
    )
    click.echo(f"Created the account {login!r} ({'operator' if operator else member})")


@accounts.command("password")
@DB_OPTION
@click.argument("login")
@click.password_option(help="The new password (asked for when not given).")
def password(database_url: str | None, login: str, password: str) -> None:
    """Reset an account's password, as the operator: a public log entry, every session
    and API token of the account ends, and the member is told at their next sign-in.

    Example: sovet accounts password anna
    """
    db = open_from(database_url)
    actions.reset_password(db, actor=OPERATOR, login=login, password_hash=_hash(password))
    click.echo(f"Reset the password of {login!r} (in the public log)")


@accounts.command("suspend")
@DB_OPTION
@click.argument("login")
@click.option("--restore", is_flag=True, help="Lift the suspension instead.")
def suspend(database_url: str | None, login: str, restore: bool) -> None:
    """Suspend an account (a public log entry): its sessions and tokens end at once.

    Example: sovet accounts suspend anna
    """
    db = open_from(database_url)
    action = actions.enable_account if restore else actions.disable_account
    action(db, actor=OPERATOR, login=login)
    click.echo(
        f"{'Restored' if restore else 'Suspended'} the account {login!r} (in the public log)"
    )


@accounts.command("list")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the accounts as JSON.")
def list_command(database_url: str | None, as_json: bool) -> None:
    """List the accounts: sign-in names and whom they act as.

    Example: sovet accounts list --json
    """
    db = open_from(database_url)
    rows = [
        {
            "login": a.login,
            "member": a.member,
            "operator": a.operator,
            "created_at": a.created_at,
            "disabled": a.disabled,
        }
        for a in store_accounts.list_accounts(db)
    ]
    if as_json:
        echo_json(rows)
        return
    table = Table(title="Accounts")
    for column in ("login", "acts as", "created"):
        table.add_column(column)
    for a in store_accounts.list_accounts(db):
        table.add_row(a.login, "operator" if a.operator else str(a.member), a.created_at)
    Console().print(table)


def demo_accounts(db: Database) -> dict[str, tuple[str | None, str]]:
    """Pick one member per role in a demo federation: login -> (member, what they can do).

    * ``convenor`` convenes a council (opens sessions, votes, elections there);
    * ``delegate`` sits in that council without convening it (votes by roll call);
    * ``member`` belongs to the unit with an open election and has not voted in it.
    """
    s = db.state
    councils = sorted(s.councils.values(), key=lambda c: (-len(s.seated(c.id)), c.id))
    council = next((c for c in councils if c.convenors), None)
    election = next(
        (
            e
            for e in sorted(s.elections.values(), key=lambda e: e.id)
            if e.status is ElectionStatus.OPEN
        ),
        None,
    )
    if council is None or election is None:
        raise NotFound(
            "this federation has no convened council and open election; load `sovet demo`"
        )
    convenors = {m for u in s.units.values() for m in u.convenors}
    convenors |= {m for c in s.councils.values() for m in c.convenors}
    delegates = {m.member for m in s.mandates.values() if m.status.value == "active"}
    convenor = sorted(council.convenors)[0]
    delegate = next(m for m in sorted(s.seated(council.id)) if m not in convenors)
    member = next(
        m
        for m in sorted(s.voters_of(election.constituency))
        if m not in election.voters and m not in convenors and m not in delegates
    )
    return {
        OPERATOR: (None, "the instance operator: manages accounts and invitations"),
        "convenor": (convenor, f"convenes {council.name}: sessions, motions, roll calls"),
        "delegate": (delegate, f"a delegate in {council.name}: votes by roll call"),
        "member": (
            member,
            f"a member of {s.body_name(election.constituency)}: votes in its open election, "
            "can petition to recall its delegates",
        ),
    }


@accounts.command("demo")
@DB_OPTION
@click.option("--password", "demo_password", default=DEMO_PASSWORD, show_default=True)
def demo(database_url: str | None, demo_password: str) -> None:
    """Create the demo accounts (operator, convenor, delegate, member) on a demo federation.

    Example: sovet accounts demo --db sqlite:///sovet.db
    """
    db = open_from(database_url)
    picks = demo_accounts(db)
    table = Table(title=f"Demo accounts (password: {demo_password})")
    for column in ("sign in as", "member", "can"):
        table.add_column(column)
    for login, (member, what) in picks.items():
        if store_accounts.account_by_login(db, login) is None:
            actions.create_account(  # each its own hash (its own salt), each in the log
                db,
                actor=OPERATOR,
                login=login,
                password_hash=_hash(demo_password),
                member=member,
                operator=member is None,
            )
        name = "" if member is None else f"{db.state.members[member].name} ({member})"
        table.add_row(login, name, what)
    Console().print(table)
