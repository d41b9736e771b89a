"""The list of top-level commands; each module adds its own here."""

from __future__ import annotations

import click

from sovet.cli.apportion import apportion_command, budget_command
from sovet.cli.constitution import constitution
from sovet.cli.count import count_command
from sovet.cli.deadlines import close_due_command
from sovet.cli.federation import (
    demo,
    export_command,
    import_command,
    init,
    members,
    rebuild,
    status,
)
from sovet.cli.land import land
from sovet.cli.ledger import ledger
from sovet.cli.petition import petition
from sovet.cli.plan import plan
from sovet.cli.serve import accounts, serve

ALL: list[click.Command] = [
    apportion_command,
    budget_command,
    constitution,
    plan,
    land,
    petition,
    count_command,
    init,
    demo,
    status,
    members,
    rebuild,
    export_command,
    import_command,
    ledger,
    serve,
    accounts,
    close_due_command,
]
