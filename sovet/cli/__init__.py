"""The ``sovet`` command line.

One click group; each noun's commands live in a module of this package and are
added here. ``main`` turns every :class:`sovet.errors.SovetError` into a
one-line message and an exit code from :data:`EXIT_CODES`, never a traceback.
"""

from __future__ import annotations

import sys

import click

from sovet import errors
from sovet.cli.common import EXIT_CODES, exit_code_for

__all__ = ["EXIT_CODES", "cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sovet")
def cli() -> None:
    """Sovet: self-government for a federation of councils.

    Every command has its own --help with an example.
    """


def _register() -> None:
    """Attach every command module's commands to the group."""
    from sovet.cli import commands

    for command in commands.ALL:
        cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``sovet`` script."""
    _register()
    try:
        cli.main(args=argv, prog_name="sovet", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except errors.SovetError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(exit_code_for(exc))
    except OSError as exc:
        click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(0)
