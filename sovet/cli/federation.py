"""Commands that set up and inspect a federation: init, demo, status, members, rebuild."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from sovet import actions
from sovet.cli.common import echo_json
from sovet.constitution import DEFAULT_CONSTITUTION, parse_constitution
from sovet.errors import FileFormatError, InputError
from sovet.federation import State
from sovet.model import ElectionStatus, MotionStatus, PetitionStatus, RatificationStatus
from sovet.rules import OPERATOR
from sovet.settings import load_settings
from sovet.storage import Database, open_database

__all__ = [
    "demo",
    "export_command",
    "import_command",
    "init",
    "members",
    "rebuild",
    "status",
]

DB_OPTION = click.option(
    "--db",
    "database_url",
    default=None,
    metavar="URL",
    help="Database URL (default: SOVET_DATABASE_URL, sovet.toml, or sqlite:///sovet.db).",
)


def open_from(database_url: str | None) -> Database:
    """Open the database the settings name, flags winning."""
    settings = load_settings(database_url=database_url)
    db = open_database(settings.database_url)
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(db.close)
    return db


@click.command()
@DB_OPTION
@click.option("--name", default="Federation of councils", help="The federation's name.")
@click.option(
    "--constitution",
    "constitution_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Constitution TOML (default: the sample constitution in docs/).",
)
def init(database_url: str | None, name: str, constitution_file: Path | None) -> None:
    """Create an empty federation: its signing key and its first log entry.

    Example: sovet init --db sqlite:///union.db --name "Tenants' union" --constitution c.toml
    """
    text = DEFAULT_CONSTITUTION
    if constitution_file is not None:
        text = _read_text(constitution_file)
        parse_constitution(text, source=str(constitution_file))
    db = open_from(database_url)
    actions.found_federation(db, name=name, constitution=text)
    click.echo(f"Founded {name!r} in {db.url}; public key {db.state.public_key}")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"not UTF-8 text ({exc.reason})", path=str(path)) from None


@click.command()
@DB_OPTION
@click.option(
    "--scenario",
    type=click.Choice(["petrograd-1917", "coop-federation"]),
    default="petrograd-1917",
    show_default=True,
    help="Which demo federation to load.",
)
def demo(database_url: str | None, scenario: str) -> None:
    """Load a demo federation into an empty database and print its report.

    Example: sovet demo --scenario coop-federation --db sqlite:///demo.db
    """
    from sovet.demo import SCENARIOS, run

    db = open_from(database_url)
    if db.size():
        raise InputError(f"{db.url} already holds a federation; use a new database file")
    console = Console(stderr=True)
    with console.status("Loading the demo federation…"):
        run(db, SCENARIOS[scenario], progress=lambda line: console.log(line))
    _print_report(db, Console())


@click.command()
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def status(database_url: str | None, as_json: bool) -> None:
    """Report on the federation: councils by faction, open votes, recalls, ratifications,
    and the signed head of the log.

    Example: sovet status --db sqlite:///sovet.db --json
    """
    db = open_from(database_url)
    if db.size() == 0:
        raise InputError(f"{db.url} holds no federation yet; run `sovet init` or `sovet demo`")
    if as_json:
        echo_json(report(db))
    else:
        _print_report(db, Console())


def report(db: Database) -> dict[str, Any]:
    """The status report as data."""
    s = db.state
    head = db.latest_head()
    return {
        "name": s.name,
        "constitution_version": s.constitution_version,
        "members": len(s.members),
        "units": len(s.units),
        "councils": [
            {
                "id": c.id,
                "name": c.name,
                "seats": len(s.seated(c.id)),
                "by_faction": dict(_by_faction(s, c.id)),
                "delegates": [
                    {
                        "member": m.member,
                        "name": s.members[m.member].name,
                        "faction": m.faction,
                        "constituency": m.constituency,
                    }
                    for m in sorted(s.seated(c.id).values(), key=lambda m: m.member)
                ],
            }
            for c in s.councils.values()
        ],
        "open_elections": [
            {
                "id": e.id,
                "body": e.target,
                "constituency": e.constituency,
                "voted": len(e.voters),
                "electorate": e.electorate,
                "deadline": e.deadline,
            }
            for e in s.elections.values()
            if e.status is ElectionStatus.OPEN
        ],
        "nominations": [
            {
                "id": e.id,
                "body": e.target,
                "constituency": e.constituency,
                "candidates": [n.member for n in e.standing()],
                "until": e.nominations_close,
            }
            for e in s.elections.values()
            if e.status is ElectionStatus.NOMINATING
        ],
        "open_motions": [
            {"id": m.id, "body": m.body, "title": m.title, "status": m.status.value}
            for m in s.motions.values()
            if m.status in (MotionStatus.OPEN, MotionStatus.VOTING)
        ],
        "recalls": [
            {
                "id": p.id,
                "mandate": p.mandate,
                "signatures": len(p.signatures),
                "status": p.status.value,
                "reason": p.reason,
            }
            for p in s.petitions.values()
            if p.status in (PetitionStatus.OPEN, PetitionStatus.VOTING)
        ],
        "ratifications": [
            {
                "motion": r.motion,
                "title": s.motions[r.motion].title,
                "ratified_by": sum(1 for _, v in r.decisions if v),
                "units": len(r.units),
                "deadline": r.deadline,
            }
            for r in s.ratifications.values()
            if r.status is RatificationStatus.PENDING
        ],
        "land": [
            {
                "id": d.id,
                "unit": d.unit,
                "title": d.title,
                "norm": d.norm,
                "cut": d.cut,
                "envy": d.envy,
                "proportionality": d.proportionality,
            }
            for d in sorted(s.land.values(), key=lambda d: (d.at, d.id))
        ],
        "ledger": None
        if head is None
        else {
            "size": head.size,
            "root": head.root.hex(),
            "timestamp": head.timestamp,
            "signature": head.signature.hex(),
            "key_id": head.key_id,
        },
    }


def _by_faction(s: State, council: str) -> list[tuple[str, int]]:
    counts = Counter(m.faction or "non-party" for m in s.seated(council).values())
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _print_report(db: Database, console: Console) -> None:
    data = report(db)
    s = db.state
    console.print(
        f"[bold]{data['name']}[/bold] — constitution v{data['constitution_version']}, "
        f"{data['members']} members in {data['units']} units"
    )
    table = Table(title="Councils and their delegates by faction")
    table.add_column("Council")
    table.add_column("Seats", justify="right")
    table.add_column("By faction")
    for c in data["councils"]:
        factions = ", ".join(
            f"{s.factions[f].short if f in s.factions else f} {n}"
            for f, n in c["by_faction"].items()
        )
        table.add_row(c["name"], str(c["seats"]), factions)
    console.print(table)
    sections: list[tuple[str, list[str]]] = [
        (
            "Open elections",
            [
                f"{r['id']}: {s.body_name(r['body'])} — {r['voted']} of {r['electorate']} voted"
                f", until {r['deadline']}"
                for r in data["open_elections"]
            ],
        ),
        (
            "Elections taking nominations",
            [
                f"{r['id']}: {s.body_name(r['body'])} — {len(r['candidates'])} standing"
                f", nominations open until at least {r['until']}"
                for r in data["nominations"]
            ],
        ),
        (
            "Open motions",
            [
                f"{r['id']}: {r['title']} ({s.body_name(r['body'])}, {r['status']})"
                for r in data["open_motions"]
            ],
        ),
        (
            "Recalls under way",
            [
                f"{r['id']}: {r['signatures']} signatures, {r['status']} — {r['reason']}"
                for r in data["recalls"]
            ],
        ),
        (
            "Ratifications pending",
            [
                f"{r['title']}: ratified by {r['ratified_by']} of {r['units']} units, "
                f"until {r['deadline']}"
                for r in data["ratifications"]
            ],
        ),
        (
            "Land and housing divided",
            [
                f"{d['id']}: {d['title']} ({s.body_name(d['unit'])}, {d['norm']}, {d['cut']}) — "
                f"envy {d['envy']}, proportionality {d['proportionality']}"
                for d in data["land"]
            ],
        ),
    ]
    for title, lines in sections:
        console.print(f"\n[bold]{title}[/bold] ({len(lines)})")
        for line in lines:
            console.print(f"  • {line}")
    head = data["ledger"]
    if head:
        console.print(f"\n[bold]Ledger head[/bold]: size {head['size']}, root {head['root']}")
        console.print(f"  signed {head['timestamp']} by key {head['key_id'][:16]}…")


@click.group()
def members() -> None:
    """Manage members.

    Example: sovet members import members.csv
    """


@members.command("import")
@DB_OPTION
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
def import_members(database_url: str | None, csv_file: Path) -> None:
    """Register members from a CSV file with columns id,name,units (units separated by ';').

    Every line is checked first; any error is reported with its line and nothing is stored.
    The import is public as such: one `members.imported` entry, named by every entry it makes.

    Example: sovet members import members.csv --db sqlite:///sovet.db
    """
    text = _read_text(csv_file)
    db = open_from(database_url)
    rows = parse_members_csv(text, str(csv_file), db.state)
    actions.register_members(db, actor=OPERATOR, rows=rows, source=f"csv {csv_file.name}")
    click.echo(f"Registered {len(rows)} members from {csv_file} (one import in the log)")


def parse_members_csv(text: str, source: str, state: State) -> list[tuple[str, str, list[str]]]:
    """Rows of (id, name, units), or a FileFormatError listing every bad line."""
    # any line end (LF, CRLF, a lone CR); a record the CSV reader cannot read is an error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise FileFormatError(f"not CSV: {exc}", path=source, line=1) from None
    missing = [c for c in ("id", "name", "units") if c not in header]
    if missing:
        raise FileFormatError(f"missing column(s) {', '.join(missing)}", path=source, line=1)
    problems: list[str] = []
    rows: list[tuple[str, str, list[str]]] = []
    seen: set[str] = set()
    records = iter(reader)
    while True:
        try:
            row = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FileFormatError(f"not CSV: {exc}", path=source, line=reader.line_num) from None
        line = reader.line_num
        mid, name = (row.get("id") or "").strip(), (row.get("name") or "").strip()
        units = [u.strip() for u in (row.get("units") or "").split(";") if u.strip()]
        if not mid:
            problems.append(f"{source}:{line}: id: empty")
        elif mid in seen or mid in state.members:
            problems.append(f"{source}:{line}: id: {mid!r} is already taken")
        if not name:
            problems.append(f"{source}:{line}: name: empty")
        for unit in units:
            if unit not in state.units:
                problems.append(f"{source}:{line}: units: no unit {unit!r}")
        seen.add(mid)
        rows.append((mid, name, units))
    if problems:
        raise FileFormatError(
            f"{len(problems)} problem(s); nothing was imported:\n" + "\n".join(problems)
        )
    if not rows:
        raise FileFormatError("no members in the file", path=source)
    return rows


@click.command()
@DB_OPTION
@click.option(
    "--into",
    "into_url",
    default=None,
    metavar="URL",
    help="Replay into this new, empty database instead of in place.",
)
def rebuild(database_url: str | None, into_url: str | None) -> None:
    """Replay the log and rebuild the projection tables from it.

    Example: sovet rebuild --db sqlite:///sovet.db --into sqlite:///copy.db
    """
    from sovet.storage.rebuild import copy_log, rebuild_projection

    db = open_from(database_url)
    if into_url is not None:
        target = copy_log(db, into_url)
        click.echo(f"Replayed {target.size()} entries into {into_url}")
    else:
        size = rebuild_projection(db)
        click.echo(f"Replayed {size} entries into {db.url}")


@click.command("export")
@DB_OPTION
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_command(database_url: str | None, out: Path) -> None:
    """Write the whole federation (log, heads, keys, sealed ballots, accounts) to a file.

    Example: sovet export federation.jsonl --db sqlite:///sovet.db
    """
    from sovet.storage.transfer import export_federation

    db = open_from(database_url)
    with out.open("w", encoding="utf-8") as handle:
        rows = export_federation(db, handle)
    head = db.latest_head()
    root = head.root.hex() if head else "-"
    click.echo(f"Exported {rows} rows to {out}: ledger size {db.size()}, root {root}")


@click.command("import")
@DB_OPTION
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
def import_command(database_url: str | None, source: Path) -> None:
    """Load an exported federation into an empty database and replay its log.

    Example: sovet import federation.jsonl --db postgresql://localhost/federation
    """
    from sovet.storage.transfer import import_federation

    if not source.is_file():
        raise InputError(f"{source}: no such file")
    settings = load_settings(database_url=database_url)
    with import_federation(source, settings.database_url) as db:
        head = db.latest_head()
        root = head.root.hex() if head else "-"
        click.echo(f"Imported {source}: ledger size {db.size()}, root {root}")
