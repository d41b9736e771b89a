"""Participatory budgets: a unit or council divides a common fund by its members' votes.

The count uses the counting library's budgeting rules (greedy, Method of Equal Shares
with completion). The instance — projects, costs and the anonymised ballots — is
published in the log as a pabulib file, so anyone can recount it with `sovet budget`.
Each ballot's voter id in that file is its receipt (ballots in receipt order, not in
the order cast), so a voter finds their own ballot and nobody else can.
"""

from __future__ import annotations

from collections.abc import Sequence

from sovet import rules
from sovet.actions.common import new_id
from sovet.counting.base import TieBreak
from sovet.counting.budgets import BudgetResult, budget, resolve_rule
from sovet.counting.pabulib import parse_pabulib
from sovet.errors import AlreadyVoted, Forbidden, InputError, NotOpen
from sovet.model import Budget, ElectionStatus
from sovet.storage import Database

__all__ = [
    "cast_budget_ballot",
    "close_budget",
    "open_budget",
    "pabulib_text",
    "recount_budget",
]


def open_budget(
    db: Database,
    *,
    actor: str,
    body: str,
    title: str,
    total: int,
    projects: Sequence[tuple[str, str, int]],
    rule: str = "equal-shares-add1",
    budget_id: str | None = None,
    at: str | None = None,
) -> Budget:
    """A convenor opens a budget of ``total`` over ``projects`` (id, name, cost)."""
    rule = resolve_rule(rule)
    if total <= 0:
        raise InputError("the budget must be a positive whole amount")
    ids = [p[0] for p in projects]
    if not projects or len(set(ids)) != len(ids):
        raise InputError("a budget needs projects with distinct ids")
    for pid, name, cost in projects:
        if not pid or ";" in pid or "," in pid or not name.strip():
            raise InputError(f"project {pid!r}: an id without ';' or ',' and a name are needed")
        if cost <= 0:
            raise InputError(f"project {pid}: the cost must be positive")
    with db.writing() as w:
        rules.check_convenor(w.state, actor, body)
        bid = budget_id or new_id("b")
        if bid in w.state.budgets:
            raise InputError(f"budget id {bid!r} is taken")
        w.append(
            "budget.opened",
            actor,
            {
                "id": bid,
                "body": body,
                "title": title,
                "total": total,
                "rule": rule,
                "projects": [{"id": i, "name": n, "cost": c} for i, n, c in projects],
            },
            at=at,
        )
    return db.state.budgets[bid]


def cast_budget_ballot(
    db: Database, *, actor: str, budget_id: str, approved: Sequence[str], at: str | None = None
) -> str:
    """Approve projects by secret ballot (at least one); returns the receipt."""
    with db.writing() as w:
        b = w.state.get("budgets", budget_id)
        if b.status is not ElectionStatus.OPEN:
            raise NotOpen(f"budget {budget_id} is not open")
        if actor not in w.state.voters_of(b.body):
            raise Forbidden(f"{actor} does not vote in {w.state.body_name(b.body)}")
        if actor in b.voters:
            raise AlreadyVoted(f"{actor} has already voted on budget {budget_id}")
        known = {p.id for p in b.projects}
        if not approved:
            raise InputError("the ballot is empty: approve at least one project")
        if len(set(approved)) != len(approved) or not set(approved) <= known:
            raise InputError("approve each project at most once, from the budget's list")
        receipt = w.seal_ballot(budget_id, approved)
        w.append("budget.ballot", actor, {"budget": budget_id, "member": actor}, at=at)
    return receipt


def pabulib_text(b: Budget, ballots: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The budget and its anonymised ballots, ``(receipt, approved)`` in receipt order,
    as a pabulib instance whose voter ids are the receipts."""
    lines = [
        "META",
        "key;value",
        f"description;{b.title.replace(';', ',')}",
        "country;-",
        "unit;" + b.body,
        f"num_projects;{len(b.projects)}",
        f"num_votes;{len(ballots)}",
        f"budget;{b.total}",
        "vote_type;approval",
        f"rule;{b.rule}",
        "PROJECTS",
        "project_id;cost;name",
    ]
    lines += [f"{p.id};{p.cost};{p.name.replace(';', ',')}" for p in b.projects]
    lines += ["VOTES", "voter_id;vote"]
    lines += [f"{receipt};{','.join(ballot)}" for receipt, ballot in ballots]
    return "\n".join(lines) + "\n"


def close_budget(
    db: Database, *, actor: str, budget_id: str, seed: int = 0, at: str | None = None
) -> Budget:
    """Close the vote, count it by the budget's rule and publish instance and result."""
    with db.writing() as w:
        b = w.state.get("budgets", budget_id)
        rules.check_convenor(w.state, actor, b.body)
        if b.status is not ElectionStatus.OPEN:
            raise NotOpen(f"budget {budget_id} is not open")
        sealed = [(r, k) for r, k in db.sealed_ballots_in(w.conn, budget_id) if k]
        text = pabulib_text(b, sealed)
        result = _count(b, text, seed)
        w.append(
            "budget.counted",
            actor,
            {
                "budget": budget_id,
                "selected": list(result.selected_ids),
                "cost": result.cost,
                "instance": text,
                "result": result.to_json(),
            },
            at=at,
        )
    return db.state.budgets[budget_id]


def recount_budget(b: Budget) -> BudgetResult:
    """Count a counted budget again from its published instance, by its rule and the
    seed recorded with its result (pure: anyone can run it on the log's text)."""
    if b.status is not ElectionStatus.COUNTED:
        raise NotOpen(f"budget {b.id} is not counted yet; its ballots are sealed")
    seed = (b.result or {}).get("seed")
    return _count(b, b.instance, seed if isinstance(seed, int) else 0)


def _count(b: Budget, text: str, seed: int) -> BudgetResult:
    """The budget's rule on the instance ``text``; with no ballots at all nothing is
    funded (no rule has supporters to fund anything with)."""
    instance = parse_pabulib(text, path=f"budget {b.id}")
    if instance.num_voters == 0:
        return BudgetResult(b.rule, instance.project_ids, (), instance.costs, instance.budget)
    return budget(instance, b.rule, tiebreak=TieBreak(seed=seed))
