"""``sovet petition``: members' petitions to their own body — open, sign, list, lapse."""

from __future__ import annotations

import click

from sovet import actions, rules
from sovet.cli.common import echo_json
from sovet.cli.federation import DB_OPTION, open_from
from sovet.federation import State
from sovet.model import Demand, DemandKind

__all__ = ["petition"]


def _data(s: State, d: Demand) -> dict[str, object]:
    signed, needed = rules.demand_progress(s, d)
    return {
        "id": d.id,
        "body": d.body,
        "kind": d.kind.value,
        "title": d.title,
        "office": d.office,
        "opened_by": d.opened_by,
        "opened_at": d.opened_at,
        "deadline": d.deadline,
        "signatures": signed,
        "needed": needed,
        "status": d.status.value,
        "outcome": d.outcome,
    }


def _line(s: State, d: Demand) -> str:
    signed, needed = rules.demand_progress(s, d)
    what = (
        f"{d.kind.value}"
        + (f": {d.title}" if d.title else "")
        + (f" ({d.office})" if d.office else "")
    )
    tail = f" -> {d.outcome}" if d.outcome else ""
    return f"{d.id}  {d.status.value:6}  {signed}/{needed}  until {d.deadline}  {what}{tail}"


@click.group()
def petition() -> None:
    """Members' petitions to their own body: convene it, put a motion on its agenda, or
    hold an election. At the constitution's share of signatures the log acts on it.

    Example: sovet petition open --actor a3 --body u1 --kind session --title "Wages"
    """


@petition.command("open")
@DB_OPTION
@click.option("--actor", required=True, help="Member id: a member (or seated delegate) of BODY.")
@click.option("--body", required=True, help="The unit or council petitioned.")
@click.option("--kind", type=click.Choice([k.value for k in DemandKind]), required=True)
@click.option("--title", default="", help="The motion's title, or what the session is for.")
@click.option("--text", default="", help="The motion's text, or the agenda (one item a line).")
@click.option("--office", default=None, help="For an election: committee, or an office.")
@click.option("--json", "as_json", is_flag=True, help="Print the petition as JSON.")
def open_command(
    database_url: str | None,
    actor: str,
    body: str,
    kind: str,
    title: str,
    text: str,
    office: str | None,
    as_json: bool,
) -> None:
    """Open a petition (the opener's signature is the first).

    Example: sovet petition open --db sqlite:///sovet.db --actor c1 --body soviet
    --kind motion --title "Land to the peasants"
    """
    db = open_from(database_url)
    d = actions.open_demand(
        db, actor=actor, body=body, kind=kind, title=title, text=text, office=office
    )
    _show(db.state, db.state.demands[d.id], as_json)


@petition.command("sign")
@DB_OPTION
@click.option(
    "--actor", required=True, help="Member id: a member (or seated delegate) of the body."
)
@click.argument("demand_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the petition as JSON.")
def sign_command(database_url: str | None, actor: str, demand_id: str, as_json: bool) -> None:
    """Sign a petition; the signature that reaches the threshold brings its result.

    Example: sovet petition sign --db sqlite:///sovet.db --actor b2 d-3f9a1c2b7d
    """
    db = open_from(database_url)
    d = actions.sign_demand(db, actor=actor, demand=demand_id)
    _show(db.state, d, as_json)


@petition.command("list")
@DB_OPTION
@click.option("--body", default=None, help="Only this body's petitions.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_command(database_url: str | None, body: str | None, as_json: bool) -> None:
    """List petitions with their signatures against the threshold, newest first.

    Example: sovet petition list --db sqlite:///sovet.db --body soviet
    """
    s = open_from(database_url).state
    found = sorted(
        (d for d in s.demands.values() if body is None or d.body == body),
        key=lambda d: (d.opened_at, d.id),
        reverse=True,
    )
    if as_json:
        echo_json([_data(s, d) for d in found])
        return
    for d in found:
        click.echo(_line(s, d))


@petition.command("lapse")
@DB_OPTION
@click.option("--at", default=None, help="The moment (ISO-8601 UTC; default: now).")
def lapse_command(database_url: str | None, at: str | None) -> None:
    """Lapse every petition whose period has ended without its signatures.

    Example: sovet petition lapse --db sqlite:///sovet.db
    """
    db = open_from(database_url)
    n = actions.close_due_demands(db, at=at or db.clock())
    click.echo(f"{n} petition(s) lapsed")


def _show(s: State, d: Demand, as_json: bool) -> None:
    if as_json:
        echo_json(_data(s, d))
    else:
        click.echo(_line(s, d))
