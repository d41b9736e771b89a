"""docs/cli.md, generated from the commands' own --help.

Run ``python -m sovet.cli.reference docs/cli.md`` after changing a command; a test
checks the file is up to date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["main", "render"]


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    out = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            out += _walk(command.commands[name], [*path, name])
    return out


def render() -> str:
    """The Markdown reference of every command."""
    from sovet.cli import _register, cli

    _register()
    parts = [
        "# Command line reference\n",
        "Generated from `--help` by `python -m sovet.cli.reference docs/cli.md`; "
        "do not edit by hand.\n",
    ]
    for path, command in _walk(cli, ["sovet"]):
        name = " ".join(path)
        with click.Context(
            command, info_name=name, terminal_width=100, help_option_names=["-h", "--help"]
        ) as ctx:
            text = command.get_help(ctx)
        level = "##" if len(path) <= 2 else "###"
        parts.append(f"{level} `{name}`\n\n```\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("docs/cli.md")
    target.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
