"""The list of top-level commands; each module adds its own here."""

from __future__ import annotations

import click

ALL: list[click.Command] = []
