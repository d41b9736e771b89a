"""``sovet close-due``: close every vote past its deadline, once (e.g. from cron)."""

from __future__ import annotations

import datetime as dt

import click

from sovet.actions.deadlines import CLOSERS
from sovet.cli.common import echo_json
from sovet.cli.federation import DB_OPTION, open_from
from sovet.errors import InputError

__all__ = ["close_due_command"]


@click.command("close-due")
@DB_OPTION
@click.option(
    "--at",
    "at",
    default=None,
    metavar="ISO",
    help="The time to close at, ISO-8601 UTC (default: now).",
)
@click.option("--json", "as_json", is_flag=True, help="Print how many were closed, as JSON.")
def close_due_command(database_url: str | None, at: str | None, as_json: bool) -> None:
    """Close every vote (motions, budgets, ratifications) whose deadline has passed, as
    the actor "deadline": one log entry per vote. `sovet serve` does this by itself every
    deadline_interval seconds; run this when no server is running.

    Example: sovet close-due --db sqlite:///sovet.db --at 2026-02-01T00:00:00Z
    """
    db = open_from(database_url)
    if db.size() == 0:
        raise InputError(f"{db.url} holds no federation yet; run `sovet init` or `sovet demo`")
    when = _moment(at) if at is not None else db.clock()
    closed = {kind: closer(db, at=when) for kind, closer in CLOSERS.items()}
    if as_json:
        echo_json({"at": when, "closed": closed, "total": sum(closed.values())})
        return
    parts = ", ".join(f"{n} {kind}" for kind, n in closed.items())
    click.echo(f"closed {sum(closed.values())} vote(s) past their deadline at {when}: {parts}")


def _moment(text: str) -> str:
    """``text`` as the log writes times (``YYYY-MM-DDTHH:MM:SSZ``)."""
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--at: {text!r} is not an ISO-8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
