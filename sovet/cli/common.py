"""What every command module shares: exit codes and output helpers."""

from __future__ import annotations

import json
from typing import Any

import click

from sovet import errors

__all__ = ["EXIT_CODES", "echo_json", "exit_code_for"]

# The one table of exit codes; the first matching class wins.
EXIT_CODES: tuple[tuple[type[errors.SovetError], int], ...] = (
    (errors.VerificationError, 1),
    (errors.InputError, 2),
    (errors.NotFound, 2),
    (errors.CountingError, 2),
    (errors.PlanningError, 2),
    (errors.LedgerError, 1),
    (errors.RuleViolation, 3),
    (errors.StorageError, 4),
    (errors.SovetError, 2),
)


def exit_code_for(exc: errors.SovetError) -> int:
    for cls, code in EXIT_CODES:
        if isinstance(exc, cls):
            return code
    return 2


def echo_json(data: Any) -> None:
    """Print ``data`` as stable JSON (sorted keys, UTF-8)."""
    click.echo(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2))
