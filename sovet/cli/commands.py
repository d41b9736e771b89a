"""The list of top-level commands; each module adds its own here."""

from __future__ import annotations

import click

from sovet.cli.constitution import constitution

ALL: list[click.Command] = [constitution]
