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
from sovet.actions.common import check_name, new_id
from sovet.counting.base import TieBreak
from sovet.counting.budgets import BudgetResult, budget, resolve_rule
from sovet.counting.pabulib import parse_pabulib
from sovet.errors import InputError, NotOpen
from sovet.federation import add_days
from sovet.ledger.lots import budget_ballots, lot_for
from sovet.model import Budget, ElectionStatus
from sovet.storage import Database

VOTE_TYPES = ("approval", "scoring")
"""The ballots a budget takes: approve projects, or give each points from 0 to a maximum."""
MAX_POINTS = 100
MAX_ID = 60
"""The longest project id, in characters."""

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
    check_name(title, "title")
    ids = [p[0] for p in projects]
    if not projects or len(set(ids)) != len(ids):
        raise InputError("a budget needs projects with distinct ids")
    for i, (pid, name, cost) in enumerate(projects):
        # ids are listed in each ballot of the published instance: kept plain
        check_name(pid, f"projects[{i}].id", limit=MAX_ID)
        if any(c in pid for c in ';,"'):
            raise InputError(f"projects[{i}].id: {pid!r} cannot hold ';', ',' or '\"'")
        check_name(name, f"projects[{i}].name")
        if cost <= 0:
            raise InputError(f"project {pid}: the cost must be positive")
    with db.writing() as w:
        rules.check_convenor(w.state, actor, body)
        bid = budget_id or new_id("b")
        if bid in w.state.budgets:
            raise InputError(f"budget id {bid!r} is taken")
        now = at or db.clock()
        days = rules.body_rules(w.state, body).voting_days
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
                "deadline": add_days(now, days),
            },
            at=now,
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
        now = at or db.clock()
        rules.check_budget_ballot(w.state, actor, b, now)
        receipt = w.seal_ballot(budget_id, _ballot(b, approved, points))
        w.append("budget.ballot", actor, {"budget": budget_id, "member": actor}, at=now)
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
    scoring budget, whose sealed ballots are ``id:points`` items).

    Every field is quoted as CSV quotes where needed (``;``-separated, as pabulib's
    readers read it), so a name holding a quote, a separator, a line break or a section
    word comes back as it was; it cannot end a section or start another.

    >>> from sovet.model import BudgetProject
    >>> b = Budget("b1", "u1", "Fund", 10, (BudgetProject("p1", 'say "yes"; go', 6),),
    ...            "greedy", "2026-01-01T00:00:00Z", "a1")
    >>> print(pabulib_text(b, [("r1", ["p1"])]).split("PROJECTS\\n")[1], end="")
    project_id;cost;name
    p1;6;"say ""yes""; go"
    VOTES
    voter_id;vote
    r1;p1
    """
    rows: list[list[object]] = [
        ["META"],
        ["key", "value"],
        ["description", b.title],
        ["country", "-"],
        ["unit", b.body],
        ["num_projects", len(b.projects)],
        ["num_votes", len(ballots)],
        ["budget", b.total],
        ["vote_type", b.vote_type],
        *([["min_points", 0], ["max_points", b.max_points]] if b.vote_type == "scoring" else []),
        ["rule", b.rule],
        ["PROJECTS"],
        ["project_id", "cost", "name"],
        *([p.id, p.cost, p.name] for p in b.projects),
    ]
    if b.vote_type == "scoring":
        rows += [["VOTES"], ["voter_id", "vote", "points"]]
        for receipt, ballot in ballots:
            pairs = [item.rsplit(":", 1) for item in ballot]
            rows.append([receipt, ",".join(p for p, _ in pairs), ",".join(n for _, n in pairs)])
    else:
        rows += [["VOTES"], ["voter_id", "vote"]]
        rows += [[receipt, ",".join(ballot)] for receipt, ballot in ballots]
    return "".join(";".join(_cell(v) for v in row) + "\n" for row in rows)


def _cell(value: object) -> str:
    """One field, quoted as CSV quotes (``"`` doubled) when it holds ``;``, ``"`` or a
    line end; a lone CR is quoted too (Python's CSV writer leaves it bare).

    >>> _cell("p1"), _cell('a "b"; c'), _cell("line\\rbreak")
    ('p1', '"a ""b""; c"', '"line\\rbreak"')
    """
    text = str(value)
    if any(c in text for c in ';"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def close_budget(db: Database, *, actor: str, budget_id: str, at: str | None = None) -> Budget:
    """Close the vote, count it by the budget's rule and publish instance and result.

    After the deadline anyone may close it (the sweeper does, as ``rules.DEADLINE``);
    before it a convenor, once every voter has voted. The seed of any lot is derived from
    the log's head before this closing entry and the published ballots
    (:mod:`sovet.ledger.lots`), never chosen; its inputs are recorded."""
    with db.writing() as w:
        b = w.state.get("budgets", budget_id)
        now = at or db.clock()
        rules.check_close_budget(w.state, actor, b, now)
        sealed = [(r, k) for r, k in db.sealed_ballots_in(w.conn, budget_id) if k]
        text = pabulib_text(b, sealed)
        seed, lot = lot_for(budget_id, *w.head(), budget_ballots(text))
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
                "seed": seed,
                "lot": lot,
            },
            at=now,
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
