"""``sovet land``: a base unit divides its land or housing, and anyone reads and
recomputes a published division.

Parcels and households are CSV files (docs/land.md): ``parcel,area,quality`` and
``household,eaters,workers``. A bad line is reported as ``FILE:LINE: FIELD: message``
(exit 2), every bad line at once, and nothing is stored.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from sovet import actions
from sovet.cli.common import echo_json
from sovet.cli.federation import DB_OPTION, open_from
from sovet.constitution import LAND_CUTS
from sovet.errors import FileFormatError, NotFound
from sovet.federation import State
from sovet.model import LandDivision
from sovet.planning.land import recompute
from sovet.planning.land_report import per_household, report
from sovet.planning.land_table import parse_households, parse_parcels

__all__ = ["land"]

FILE = click.Path(dir_okay=False, exists=True, path_type=Path)


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileFormatError(
            f"not UTF-8 text (byte {exc.start + 1})", path=str(path), line=line
        ) from None


def _number(x: Fraction | None) -> str:
    """Exact, and a decimal beside it when that helps a reader: ``28/3 (≈ 9.33)``."""
    if x is None:
        return "—"
    if x.denominator == 1:
        return str(x.numerator)
    return f"{x} (≈ {float(x):.2f})"


def division_data(s: State, d: LandDivision) -> dict[str, Any]:
    unit = s.units[d.unit].name if d.unit in s.units else d.unit
    return report(d, unit_name=unit)


def _print(s: State, d: LandDivision) -> None:
    console = Console(width=max(100, Console().width))
    unit = s.units[d.unit].name if d.unit in s.units else d.unit
    console.print(f"[bold]{d.title}[/bold] ({d.id}) — {unit}, {d.at} by {d.by}")
    console.print(f"norm {d.norm}, cut {d.cut}")
    table = Table("household", "eaters", "workers", "entitled", "received", "per head", "shares")
    for h in per_household(d):
        shares = ", ".join(f"{parcel} {_number(area)}" for parcel, area in h.shares)
        table.add_row(
            h.name,
            str(h.eaters),
            str(h.workers),
            _number(h.entitlement),
            _number(h.received),
            _number(h.per_head),
            shares or "—",
        )
    console.print(table)
    console.print(f"envy {_number(Fraction(d.envy))}  (largest gap in effective land per head)")
    console.print(
        f"proportionality {_number(Fraction(d.proportionality))}  "
        "(smallest share of its entitlement a household got; 1 = everyone got theirs)"
    )
    check = recompute(d)
    if check.matches:
        console.print("recomputed from the published inputs: the same shares and figures")
    else:
        console.print("recomputed from the published inputs: DIFFERENT")
        for line in check.differences:
            console.print(f"  {line}")


@click.group()
def land() -> None:
    """Land and housing divided by a base unit among its households.

    Example: sovet land divide --actor c1 --unit village --parcels p.csv --households h.csv
    """


@land.command("divide")
@DB_OPTION
@click.option("--actor", required=True, help="Member id of a convenor of the unit.")
@click.option("--unit", required=True, help="The base unit whose land or housing is divided.")
@click.option(
    "--parcels", "parcels_file", type=FILE, required=True, help="CSV: parcel,area,quality"
)
@click.option(
    "--households",
    "households_file",
    type=FILE,
    required=True,
    help="CSV: household,eaters,workers",
)
@click.option("--title", default="Land division", show_default=True, help="What is divided.")
@click.option(
    "--cut",
    type=click.Choice(LAND_CUTS),
    default=None,
    help="How parcels may be cut (default: the constitution's [land] cut).",
)
@click.option("--id", "division_id", default=None, help="Id of the division (default: a new one).")
@click.option("--json", "as_json", is_flag=True, help="Print the division as JSON.")
def divide(
    database_url: str | None,
    actor: str,
    unit: str,
    parcels_file: Path,
    households_file: Path,
    title: str,
    cut: str | None,
    division_id: str | None,
    as_json: bool,
) -> None:
    """Divide a base unit's parcels among its households by the constitution's norm
    (per eater or per worker), and publish it in the log.

    Only a convenor of the unit may do it; no council can divide a unit's land.

    Example: sovet land divide --db sqlite:///sovet.db --actor c1 --unit village
    --parcels parcels.csv --households households.csv --cut whole
    """
    parcels = parse_parcels(_text(parcels_file), path=str(parcels_file))
    households = parse_households(_text(households_file), path=str(households_file))
    db = open_from(database_url)
    d = actions.divide_land(
        db,
        actor=actor,
        unit=unit,
        title=title,
        parcels=parcels,
        households=households,
        cut=cut,
        division_id=division_id,
    )
    s = db.state
    if as_json:
        echo_json(division_data(s, d))
    else:
        _print(s, d)


@land.command("show")
@DB_OPTION
@click.argument("division_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the division as JSON.")
def show(database_url: str | None, division_id: str, as_json: bool) -> None:
    """Show a published division: shares, each household's land per head, envy and
    proportionality, and whether recomputing it from its published inputs gives the
    same result (exit 1 if it does not).

    Example: sovet land show --db sqlite:///sovet.db land-spring-1918 --json
    """
    db = open_from(database_url)
    s = db.state
    d = s.land.get(division_id)
    if d is None:
        raise NotFound(f"no land division {division_id!r}")
    if as_json:
        echo_json(division_data(s, d))
    else:
        _print(s, d)
    if not recompute(d).matches:
        raise click.exceptions.Exit(1)


@land.command("list")
@DB_OPTION
@click.option("--unit", default=None, help="Only this unit's divisions.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_command(database_url: str | None, unit: str | None, as_json: bool) -> None:
    """List the published land and housing divisions, newest first.

    Example: sovet land list --db sqlite:///sovet.db --unit village
    """
    s = open_from(database_url).state
    found = sorted(
        (d for d in s.land.values() if unit is None or d.unit == unit),
        key=lambda d: (d.at, d.id),
        reverse=True,
    )
    rows = [
        {"id": d.id, "unit": d.unit, "title": d.title, "norm": d.norm, "cut": d.cut, "at": d.at}
        for d in found
    ]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['id']}\t{r['unit']}\t{r['at']}\t{r['norm']}, {r['cut']}\t{r['title']}")
