"""``sovet count``: count a ballot file by any registered method.

The file is read here (the counting library is pure); the method comes from the
one registry, :data:`sovet.counting.METHODS`, so every method a module registers
works through this command. The report looks like an official results sheet:
quota, every stage with its transfers and totals, non-transferable papers, who
was elected and who excluded.
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from sovet.cli.common import echo_json
from sovet.counting import METHODS, Result, TieBreak
from sovet.counting.base import format_value
from sovet.counting.formats import parse_ballots
from sovet.errors import InputError

__all__ = ["count_command", "render_html", "render_text"]


def _value(result: Result, value: Fraction | None) -> str:
    return "" if value is None else format_value(value, result.decimals)


def _signed(result: Result, value: Fraction) -> str:
    text = _value(result, value)
    return text if value < 0 else "+" + text


def _order(result: Result) -> list[int]:
    """Candidates in the order of the sheet: elected first (in order), then the rest."""
    rest = [i for i in range(len(result.candidates)) if i not in result.elected]
    excluded_rank = {c: n for n, c in enumerate(result.excluded)}
    rest.sort(key=lambda c: (c in excluded_rank, -excluded_rank.get(c, 0)))
    return list(result.elected) + rest


def _status(result: Result, candidate: int) -> str:
    if candidate in result.elected:
        stage = next((r.number for r in result.rounds if candidate in r.elected), None)
        return "elected" + (f" (stage {stage})" if stage is not None else "")
    if candidate in result.excluded:
        stage = next((r.number for r in result.rounds if candidate in r.excluded), None)
        return "excluded" + (f" (stage {stage})" if stage is not None else "")
    return "not elected"


def render_text(result: Result, *, title: str, console: Console) -> None:
    """Print the results sheet: summary, one column per stage, outcome, ties."""
    console.print(f"[bold]{title}[/bold]" if title else "[bold]Result[/bold]")
    console.print(f"Method: {result.method}    Seats: {result.seats}")
    if result.valid_votes is not None:
        console.print(f"Valid votes: {_value(result, result.valid_votes)}")
    if result.quota is not None:
        console.print(f"Quota: {_value(result, result.quota)}")
    if result.rounds:
        table = Table(show_lines=False, header_style="bold")
        table.add_column("Candidate")
        for r in result.rounds:
            table.add_column(f"Stage {r.number}", justify="right")
        table.add_column("Status")
        for c in _order(result):
            cells = []
            for r in result.rounds:
                if c not in r.tallies:
                    cells.append("")
                    continue
                moved = r.transfers.get(c)
                total = _value(result, r.tallies[c])
                cells.append(f"{_signed(result, moved)}\n{total}" if moved else total)
            table.add_row(result.candidates[c], *cells, _status(result, c))
        table.add_row(
            "Non-transferable",
            *[_value(result, r.nontransferable) for r in result.rounds],
            "",
        )
        table.add_row("", *[r.note for r in result.rounds], "")
        console.print(table)
    elif result.scores:
        table = Table(header_style="bold")
        table.add_column("Candidate")
        table.add_column("Score", justify="right")
        for c, score in sorted(result.scores.items(), key=lambda kv: -kv[1]):
            table.add_row(result.candidates[c], _value(result, score))
        console.print(table)
    console.print("Elected: " + (", ".join(result.elected_names) or "(none)"))
    if result.excluded:
        console.print("Excluded: " + ", ".join(result.excluded_names))
    for tie in result.ties:
        among = ", ".join(result.candidates[i] for i in tie.among)
        console.print(
            f"Tie at stage {tie.stage} ({tie.purpose}) among {among}: "
            f"{result.candidates[tie.chosen]} by {tie.how}"
        )
    if result.seed is not None:
        console.print(f"Seed of the lot: {result.seed}")


_COLOURS = ("#1f4e79", "#2e75b6", "#9dc3e6", "#c55a11", "#f4b183", "#548235", "#a9d18e")


def _chart(result: Result) -> str:
    """An inline SVG: for each candidate one bar per stage, and the quota line."""
    rounds = result.rounds
    order = _order(result)
    peak = max(
        [Fraction(1)]
        + [v for r in rounds for v in r.tallies.values()]
        + ([result.quota] if result.quota is not None else [])
    )
    label_w, bar_w, bar_h, gap = 230, 520, 9, 8
    row_h = max(1, len(rounds)) * bar_h + gap
    height = 40 + row_h * len(order)
    width = label_w + bar_w + 120
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="votes by stage">'
    ]
    for n, c in enumerate(order):
        y0 = 30 + n * row_h
        name = html.escape(result.candidates[c])
        out.append(
            f'<text x="{label_w - 8}" y="{y0 + row_h / 2:.1f}" text-anchor="end" '
            f'font-size="12" dominant-baseline="middle">{name}</text>'
        )
        for s, r in enumerate(rounds):
            value = r.tallies.get(c, Fraction(0))
            w = float(value / peak) * bar_w
            colour = _COLOURS[s % len(_COLOURS)]
            out.append(
                f'<rect x="{label_w}" y="{y0 + s * bar_h}" width="{w:.1f}" height="{bar_h - 1}" '
                f'fill="{colour}"><title>{name}, stage {r.number}: '
                f"{html.escape(_value(result, value))}</title></rect>"
            )
    if result.quota is not None:
        x = label_w + float(result.quota / peak) * bar_w
        out.append(
            f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height - 4}" stroke="#c00000" '
            'stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text x="{x + 4:.1f}" y="16" font-size="12" fill="#c00000">quota '
            f"{html.escape(_value(result, result.quota))}</text>"
        )
    legend_x = label_w + bar_w + 20
    for s, r in enumerate(rounds[:20]):
        colour = _COLOURS[s % len(_COLOURS)]
        out.append(
            f'<rect x="{legend_x}" y="{30 + s * 14}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14}" y="{39 + s * 14}" font-size="11">stage {r.number}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def render_html(result: Result, *, title: str) -> str:
    """A standalone page (no external assets): summary, chart, and the stage table."""
    esc = html.escape
    head = ["<th>Candidate</th>"] + [f"<th>Stage {r.number}</th>" for r in result.rounds]
    rows = []
    for c in _order(result):
        cells = []
        for r in result.rounds:
            if c not in r.tallies:
                cells.append("<td></td>")
                continue
            moved = r.transfers.get(c)
            extra = f'<div class="t">{esc(_signed(result, moved))}</div>' if moved else ""
            cells.append(f"<td>{extra}{esc(_value(result, r.tallies[c]))}</td>")
        status = esc(_status(result, c))
        rows.append(
            f'<tr class="{status.split()[0].replace(" ", "-")}"><th>'
            f"{esc(result.candidates[c])}<br><small>{status}</small></th>{''.join(cells)}</tr>"
        )
    nt = "".join(f"<td>{esc(_value(result, r.nontransferable))}</td>" for r in result.rounds)
    rows.append(f"<tr><th>Non-transferable</th>{nt}</tr>")
    summary = [f"<li>Method: {esc(result.method)}</li>", f"<li>Seats: {result.seats}</li>"]
    if result.valid_votes is not None:
        summary.append(f"<li>Valid votes: {esc(_value(result, result.valid_votes))}</li>")
    if result.quota is not None:
        summary.append(f"<li>Quota: {esc(_value(result, result.quota))}</li>")
    summary.append(f"<li>Elected: {esc(', '.join(result.elected_names) or '(none)')}</li>")
    if result.excluded:
        summary.append(f"<li>Excluded: {esc(', '.join(result.excluded_names))}</li>")
    heading = esc(title or "Result")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{heading}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: right; }}
th {{ text-align: left; background: #f4f4f4; }}
tr.elected th {{ background: #e2efda; }}
.t {{ color: #666; font-size: 85%; }}
</style>
</head>
<body>
<h1>{heading}</h1>
<ul>{"".join(summary)}</ul>
{_chart(result) if result.rounds else ""}
<table>
<tr>{"".join(head)}</tr>
{"".join(rows)}
</table>
</body>
</html>
"""


def _method_options(method: str, options: dict[str, Any]) -> dict[str, Any]:
    """Options given on the command line, checked against the method's signature."""
    given = {k: v for k, v in options.items() if v}
    if not given:
        return {}
    params = inspect.signature(METHODS[method]).parameters
    for key in given:
        if key not in params:
            flag = "--" + key.replace("_", "-")
            raise InputError(f"{flag} does not apply to the method {method!r}")
    return given


@click.command("count")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--method",
    "-m",
    required=True,
    type=click.Choice(sorted(METHODS)),
    help="Counting method (registry id).",
)
@click.option(
    "--seats", "-s", type=click.IntRange(min=1), help="Seats (default: from the file, else 1)."
)
@click.option("--seed", type=int, help="Seed of the lot for ties the rules leave to chance.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write a standalone HTML page with a chart of the stages.",
)
@click.option(
    "--batch-elimination",
    is_flag=True,
    help="IRV: eliminate together every lowest group that cannot catch up (Minneapolis).",
)
@click.option(
    "--eliminate-first",
    multiple=True,
    metavar="NAME",
    help="IRV: a candidate eliminated in the first round whatever its votes (repeatable).",
)
def count_command(
    file: str,
    method: str,
    seats: int | None,
    seed: int | None,
    as_json: bool,
    html_out: str | None,
    batch_elimination: bool,
    eliminate_first: Sequence[str],
) -> None:
    """Count a ballot file and print the result like an official results sheet.

    FILE is BLT (.blt), PrefLib (.soi .soc .toi .toc) or a CSV cast-vote record
    (.csv; undervote/overvote markers), optionally gzipped (.gz).

    Example:

        sovet count ward.blt --method scottish-stv --seats 3 --json
    """
    data = Path(file).read_bytes()
    ballots = parse_ballots(file, data)
    chosen_seats = seats if seats is not None else (ballots.seats or 1)
    extra = _method_options(
        method,
        {"batch_elimination": batch_elimination, "eliminate_first": tuple(eliminate_first)},
    )
    result = METHODS[method](ballots.profile, chosen_seats, tiebreak=TieBreak(seed=seed), **extra)
    title = ballots.profile.title or Path(file).name
    if html_out is not None:
        Path(html_out).write_text(render_html(result, title=title), encoding="utf-8")
    if as_json:
        echo_json(result.to_json())
        return
    stages = len(result.rounds)
    console = Console(width=max(100, 40 + 16 * (stages + 1)), highlight=False)
    render_text(result, title=title, console=console)
    if html_out is not None:
        console.print(f"Wrote {html_out}")
