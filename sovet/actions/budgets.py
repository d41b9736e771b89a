"""Participatory budgets: a unit or council divides a common fund by its members' votes.

The count uses the counting library's budgeting rules (greedy, Method of Equal Shares
with completion). The instance — projects, costs and the anonymised ballots — is
published in the log as a pabulib file, so anyone can recount it with `sovet budget`.
Each ballot's voter id in that file is its receipt (ballots in receipt order, not in
the order cast), so a voter finds their own ballot and nobody else can.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sovet import rules
from sovet.actions.common import new_id
from sovet.counting.base import TieBreak
from sovet.counting.budgets import BudgetResult, budget, resolve_rule
from sovet.counting.pabulib import parse_pabulib
from sovet.errors import AlreadyVoted, Forbidden, InputError, NotOpen
from sovet.model import Budget, ElectionStatus
from sovet.storage import Database

VOTE_TYPES = ("approval", "scoring")
"""The ballots a budget takes: approve projects, or give each points from 0 to a maximum."""
MAX_POINTS = 100

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
    vote_type: str = "approval",
    max_points: int = 0,
    budget_id: str | None = None,
    at: str | None = None,
) -> Budget:
    """A convenor opens a budget of ``total`` over ``projects`` (id, name, cost).

    Ballots approve projects (``vote_type="approval"``) or give each project from 0 to
    ``max_points`` points (``"scoring"``: greedy funds by total points, Equal Shares takes
    the points as each voter's utilities).
    """
    rule = resolve_rule(rule)
    if rule == "greedy-threshold":
        raise InputError("rule: greedy-threshold needs a support threshold; choose another rule")
    if vote_type not in VOTE_TYPES:
        raise InputError(f"vote_type: {vote_type!r} is not one of {', '.join(VOTE_TYPES)}")
    if vote_type == "scoring" and not 1 <= max_points <= MAX_POINTS:
        raise InputError(f"max_points: give a whole number from 1 to {MAX_POINTS}")
    if vote_type == "approval" and max_points:
        raise InputError("max_points: only a scoring ballot gives points")
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
                **({"vote_type": vote_type, "max_points": max_points} if max_points else {}),
            },
            at=at,
        )
    return db.state.budgets[bid]


def cast_budget_ballot(
    db: Database,
    *,
    actor: str,
    budget_id: str,
    approved: Sequence[str] = (),
    points: Mapping[str, int] | None = None,
    at: str | None = None,
) -> str:
    """Cast a secret ballot: the projects ``approved`` (at least one), or for a scoring
    budget the ``points`` given to each project (at least one above 0); the receipt."""
    with db.writing() as w:
        b = w.state.get("budgets", budget_id)
        if b.status is not ElectionStatus.OPEN:
            raise NotOpen(f"budget {budget_id} is not open")
        rules.check_member_actor(w.state, actor, "vote")
        if actor not in w.state.voters_of(b.body):
            raise Forbidden(f"{actor} does not vote in {w.state.body_name(b.body)}")
        if actor in b.voters:
            raise AlreadyVoted(f"{actor} has already voted on budget {budget_id}")
        receipt = w.seal_ballot(budget_id, _ballot(b, approved, points))
        w.append("budget.ballot", actor, {"budget": budget_id, "member": actor}, at=at)
    return receipt


def _ballot(b: Budget, approved: Sequence[str], points: Mapping[str, int] | None) -> list[str]:
    """The ballot as sealed: project ids, or ``id:points`` for a scoring budget."""
    known = {p.id for p in b.projects}
    if b.vote_type == "scoring":
        if approved or points is None:
            raise InputError(f"budget {b.id} takes points for each project, not approvals")
        unknown = sorted(set(points) - known)
        if unknown:
            raise InputError(f"points: {', '.join(unknown)} is not a project of this budget")
        for pid, n in points.items():
            if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= b.max_points:
                raise InputError(f"points for {pid}: give a whole number from 0 to {b.max_points}")
        given = [f"{p.id}:{points[p.id]}" for p in b.projects if points.get(p.id, 0) > 0]
        if not given:
            raise InputError("the ballot is empty: give at least one project a point")
        return given
    if points is not None:
        raise InputError(f"budget {b.id} takes approvals, not points")
    if not approved:
        raise InputError("the ballot is empty: approve at least one project")
    if len(set(approved)) != len(approved) or not set(approved) <= known:
        raise InputError("approve each project at most once, from the budget's list")
    return list(approved)


def pabulib_text(b: Budget, ballots: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The budget and its anonymised ballots, ``(receipt, ballot)`` in receipt order, as
    a pabulib instance whose voter ids are the receipts (with a ``points`` column for a
    scoring budget, whose sealed ballots are ``id:points`` items)."""
    lines = [
        "META",
        "key;value",
        f"description;{b.title.replace(';', ',')}",
        "country;-",
        "unit;" + b.body,
        f"num_projects;{len(b.projects)}",
        f"num_votes;{len(ballots)}",
        f"budget;{b.total}",
        f"vote_type;{b.vote_type}",
        *(["min_points;0", f"max_points;{b.max_points}"] if b.vote_type == "scoring" else []),
        f"rule;{b.rule}",
        "PROJECTS",
        "project_id;cost;name",
    ]
    lines += [f"{p.id};{p.cost};{p.name.replace(';', ',')}" for p in b.projects]
    if b.vote_type == "scoring":
        lines += ["VOTES", "voter_id;vote;points"]
        for receipt, ballot in ballots:
            pairs = [item.rsplit(":", 1) for item in ballot]
            lines.append(
                f"{receipt};{','.join(p for p, _ in pairs)};{','.join(n for _, n in pairs)}"
            )
    else:
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
