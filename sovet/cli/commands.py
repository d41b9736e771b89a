"""The list of top-level commands; each module adds its own here."""

from __future__ import annotations

import click

from sovet.cli.constitution import constitution
from sovet.cli.count import count_command
from sovet.cli.plan import plan

ALL: list[click.Command] = [constitution, plan, count_command]
