"""``sovet apportion`` (seats from a CSV of votes or populations) and ``sovet budget``
(which projects a participatory budget funds, from a pabulib file)."""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from sovet.cli.common import echo_json
from sovet.counting.apportion import APPORTIONMENT_METHODS, apportion
from sovet.counting.base import TieBreak, format_value
from sovet.counting.budgets import BUDGET_RULES, budget
from sovet.counting.pabulib import parse_pabulib
from sovet.errors import FileFormatError, InputError

__all__ = ["apportion_command", "budget_command", "parse_claims_csv", "parse_share"]


def _text(path: str) -> str:
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileFormatError("not UTF-8 text", path=path, line=line) from None


def parse_claims_csv(text: str, *, path: str = "<csv>") -> dict[str, int]:
    """Claims from a CSV with a header ``name,votes`` or ``name,population``.

    >>> parse_claims_csv("name,votes\\nA,10\\nB,7\\n")
    {'A': 10, 'B': 7}
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    claims: dict[str, int] = {}
    column = "votes"
    for row in reader:
        line = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if header is None:
            header = [c.strip().lower() for c in row]
            if len(header) < 2 or header[0] != "name" or header[1] not in ("votes", "population"):
                raise FileFormatError(
                    "the header must be 'name,votes' or 'name,population'", path=path, line=line
                )
            column = header[1]
            continue
        if len(row) < 2:
            raise FileFormatError(f"expected a name and {column}", path=path, line=line)
        name, raw = row[0].strip(), row[1].strip().replace("_", "")
        if not name:
            raise FileFormatError("empty name", path=path, line=line)
        if name in claims:
            raise FileFormatError(f"{name!r} appears twice", path=path, line=line)
        try:
            if not raw.isdigit():
                raise ValueError(raw)
            claims[name] = int(raw)
        except ValueError:  # not a number, or more digits than int() reads
            shown = row[1].strip()
            shown = repr(shown) if len(shown) <= 40 else repr(shown[:40]) + "…"
            raise FileFormatError(
                f"{column} of {name!r} must be a whole number, not {shown}",
                path=path,
                line=line,
            ) from None
    if header is None:
        raise FileFormatError("the file is empty", path=path, line=1)
    return claims


def parse_share(text: str) -> Fraction:
    """A threshold as a share: ``4%``, ``0.04`` or ``1/25`` (exact).

    >>> parse_share("4%"), parse_share("0.05"), parse_share("1/3")
    (Fraction(1, 25), Fraction(1, 20), Fraction(1, 3))
    """
    raw = text.strip()
    try:
        value = Fraction(raw[:-1]) / 100 if raw.endswith("%") else Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise InputError(f"threshold {text!r} is not a share such as 4% or 0.04") from None
    return value


@click.command("apportion")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--method",
    "-m",
    required=True,
    type=click.Choice(list(APPORTIONMENT_METHODS)),
    help="Apportionment method.",
)
@click.option("--seats", "-n", required=True, type=click.IntRange(min=0), help="Seats to fill.")
@click.option(
    "--threshold", help="Share of the total below which a claim gets no seat: 4% or 0.04."
)
@click.option(
    "--min-seats", default=0, type=click.IntRange(min=0), help="Seats each claim gets first."
)
@click.option("--seed", type=int, help="Seed of the lot that breaks a tie for the last seat.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def apportion_command(
    file: str,
    method: str,
    seats: int,
    threshold: str | None,
    min_seats: int,
    seed: int | None,
    as_json: bool,
) -> None:
    """Apportion seats among parties or constituencies from a CSV file.

    The CSV has a header, ``name,votes`` (party lists) or ``name,population``
    (delegations by membership). A tie for the last seat needs --seed.

    Example:

        sovet apportion states.csv --method huntington-hill --seats 435 --min-seats 1 --json
    """
    claims = parse_claims_csv(_text(file), path=file)
    share = None if threshold is None else parse_share(threshold)
    result = apportion(
        method, claims, seats, threshold=share, min_seats=min_seats, tiebreak=TieBreak(seed=seed)
    )
    if as_json:
        echo_json(result.to_json())
        return
    table = Table(title=f"{APPORTIONMENT_METHODS[method]} — {seats} seats")
    table.add_column("name")
    table.add_column("claim", justify="right")
    table.add_column("seats", justify="right")
    for name, n in result.seats.items():
        note = " (below threshold)" if name in result.excluded else ""
        table.add_row(name + note, f"{claims[name]:,}", str(n))
    Console().print(table)
    for tie in result.ties:
        among = ", ".join(result.names[i] for i in tie.among)
        click.echo(f"tie among {among}: seat to {result.names[tie.chosen]} by {tie.how}")


@click.command("budget")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--rule",
    "-r",
    help=f"One of {', '.join(BUDGET_RULES)} (or pabulib's label); default: the file's.",
)
@click.option(
    "--tie-order",
    type=click.Choice(["lot", "file"]),
    default="lot",
    help="Break greedy ties by lot (--seed) or by the file's project order.",
)
@click.option("--seed", type=int, help="Seed of the lot that breaks ties.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def budget_command(
    file: str, rule: str | None, tie_order: str, seed: int | None, as_json: bool
) -> None:
    """Decide which projects a participatory budget funds (pabulib .pb file).

    By default the rule the file declares in META is used.

    Example:

        sovet budget Poland_Swiecie_2023.pb --rule equal-shares-add1 --json
    """
    instance = parse_pabulib(_text(file), path=file)
    result = budget(instance, rule, tiebreak=TieBreak(seed=seed), tie_order=tie_order)
    if as_json:
        echo_json(result.to_json())
        return
    table = Table(
        title=f"{result.rule}: {len(result.selected)} projects, {result.cost:,} of {result.budget}"
    )
    table.add_column("#", justify="right")
    table.add_column("project")
    table.add_column("cost", justify="right")
    table.add_column("name")
    for k, j in enumerate(result.selected, start=1):
        p = instance.projects[j]
        table.add_row(str(k), p.id, f"{p.cost:,}", p.name[:60])
    Console().print(table)
    if result.per_voter is not None:
        share = format_value(result.per_voter)
        click.echo(f"budget per voter: {share} (runs of Equal Shares: {result.runs})")
    if result.comparison:
        click.echo(
            f"comparison: {result.comparison['prefer_equal_shares']} voters prefer Equal Shares,"
            f" {result.comparison['prefer_greedy']} greedy; chosen: {result.comparison['chosen']}"
        )
    for tie in result.ties:
        among = ", ".join(instance.projects[i].id for i in tie.among)
        click.echo(f"tie among {among}: {instance.projects[tie.chosen].id} by {tie.how}")
