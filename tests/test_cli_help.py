"""``sovet --help`` lists every command, and every command's --help shows an example.

The commands are collected by walking the click group at test time, so a command
registered later is checked too.
"""

from __future__ import annotations

import click
import pytest

from sovet.cli import cli, main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    return out


def walk(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every command and subcommand under ``group``."""
    paths = []
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += walk(command, (*prefix, name))
    return paths


@pytest.fixture
def commands(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, ...]]:
    run(capsys, "--help")  # main() registers every command module
    paths = walk(cli)
    assert ("constitution", "check") in paths
    return paths


def test_top_level_help_lists_every_command(
    capsys: pytest.CaptureFixture[str], commands: list[tuple[str, ...]]
) -> None:
    out = run(capsys, "--help")
    listed = out.split("Commands:", 1)[1]
    names = {line.split()[0] for line in listed.splitlines() if line.strip()}
    top = {path[0] for path in commands}
    assert top <= names, sorted(top - names)


def test_every_command_help_has_an_example(
    capsys: pytest.CaptureFixture[str], commands: list[tuple[str, ...]]
) -> None:
    without = []
    for path in commands:
        out = run(capsys, *path, "--help")
        assert out.startswith("Usage: sovet " + " ".join(path)), out
        if "Example" not in out:
            without.append(" ".join(path))
    assert without == []


def test_group_help_lists_its_subcommands(
    capsys: pytest.CaptureFixture[str], commands: list[tuple[str, ...]]
) -> None:
    for path in commands:
        if len(path) < 2:
            continue
        out = run(capsys, *path[:-1], "--help")
        listed = out.split("Commands:", 1)[1]
        assert any(line.split()[:1] == [path[-1]] for line in listed.splitlines()), path
