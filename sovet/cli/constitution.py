"""``sovet constitution``: check and show a federation's constitution file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sovet.cli.common import echo_json
from sovet.constitution import (
    Constitution,
    constitution_to_dict,
    diff_constitutions,
    parse_constitution,
)
from sovet.errors import ConstitutionError

__all__ = ["constitution"]


def _read(path: str) -> str:
    """The file's text; a file that is not UTF-8 is a problem at its line, not a traceback."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")  # a byte-order mark some editors write is dropped
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem = f"{path}:{line}: not UTF-8 text (byte {exc.start + 1}); save the file as UTF-8"
        raise ConstitutionError(problem, problems=(problem,)) from None


def _load(path: str) -> Constitution:
    return parse_constitution(_read(path), source=path)


@click.group()
def constitution() -> None:
    """Check and show the federation's constitution (a TOML file).

    The keys are explained in docs/constitution.md; docs/sample-constitution.toml
    is a complete, commented example.

    Example:

        sovet constitution check docs/sample-constitution.toml
    """


@constitution.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def check(file: str) -> None:
    """Check a constitution and report every problem with its line and key path.

    Prints "FILE: valid (name, version N)" and exits 0, or prints each problem as
    FILE:LINE: key.path: message and exits 2.

    Example:

        sovet constitution check docs/sample-constitution.toml
    """
    try:
        parsed = _load(file)
    except ConstitutionError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        count = len(exc.problems)
        summary = f"{file}: not valid ({count} problem{'s' if count != 1 else ''})"
        raise ConstitutionError(summary, problems=exc.problems) from None
    click.echo(f"{file}: valid ({parsed.name}, version {parsed.version})")


@constitution.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON data.")
def show(file: str, as_json: bool) -> None:
    """Show the rules a constitution sets, with every kind and body fully merged.

    With --json, fractions are "n/d" strings and the output is stable for other tools.

    Example:

        sovet constitution show docs/sample-constitution.toml --json
    """
    parsed = _load(file)
    data = constitution_to_dict(parsed)
    if as_json:
        echo_json(data)
        return
    click.echo(f"{parsed.name}, version {parsed.version}")
    click.echo(f"sha256 {parsed.digest}")
    _echo_rules("defaults", data["defaults"])
    for kind, rules in data["kinds"].items():
        _echo_rules(f"kind {kind}", rules)
    for ident, rules in data["bodies"].items():
        _echo_rules(f"body {ident}", rules)
    for section in ("recall", "ratification", "land"):
        _echo_rules(section, data[section])
    amendment = data["amendment"]
    _echo_rules("amendment", {"majority": amendment["majority"], **amendment["ratification"]})
    click.echo("\nreserved matters:")
    for matter in data["reserved_matters"]:
        click.echo(f"  {matter}")
    if not data["reserved_matters"]:
        click.echo("  (none)")


@constitution.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the changes as a JSON list.")
def diff(old: str, new: str, as_json: bool) -> None:
    """List what an amendment changes, one key path per line, for the motion's text.

    Values are compared as meant ("50%" equals "1/2"); comments do not count. Both
    files must be valid.

    Example:

        sovet constitution diff constitution-v1.toml constitution-v2.toml
    """
    changes = diff_constitutions(_load(old), _load(new))
    if as_json:
        echo_json(changes)
    elif changes:
        for change in changes:
            click.echo(change)
    else:
        click.echo("no changes to the rules")


def _echo_rules(title: str, rules: dict[str, Any]) -> None:
    click.echo(f"\n{title}:")
    width = max(len(key) for key in rules)
    for key, value in rules.items():
        if value is None:
            shown = "none"
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        else:
            shown = str(value)
        click.echo(f"  {key:<{width}}  {shown}")
