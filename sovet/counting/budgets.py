"""Participatory budgeting: which projects a budget funds, by the rules cities use.

``budget(instance, rule)`` runs one rule on a :class:`~sovet.counting.pabulib.PBInstance`.
Rule ids (pabulib's labels are accepted as aliases, see :data:`RULE_ALIASES`):

``greedy``
    Projects by decreasing support — approvals for approval ballots, total points for
    cumulative, scoring and ordinal ballots with points (ordinal without points: Borda
    points, ``L - position`` with ``L`` the longest allowed ballot) — each funded if it
    still fits in what is left of the budget, otherwise skipped.
``greedy-threshold``
    The same among the projects whose support reaches the threshold the file declares in
    META (``min_project_score_threshold``, an absolute count, as Łódź uses).
``equal-shares``
    The Method of Equal Shares (see :mod:`sovet.counting.budgets_mes`), with cost
    utilities for approval ballots (a voter's utility for a project is its cost) and the
    points as utilities for other ballots; no completion.
``equal-shares-add1``
    Equal Shares with the "add1" completion cities use (Świecie, Assen, Wieliczka): run
    with each voter's share ``B/n``, then ``B/n + 1``, ``B/n + 2``, ... (one currency unit
    more each time) and stop when the outcome is exhaustive (no further supported project
    fits) or when the next run would overspend the real budget; the last outcome that did
    not overspend is the result.
``equal-shares-add1-comparison``
    add1, then the comparison step of Wieliczka 2023: the outcome is compared with the
    greedy outcome; each voter prefers the one that funds more of the projects they
    chose; the greedy outcome is used only if strictly more voters prefer it.

Every rule computes exactly (integers and fractions) and never spends more than the
budget. Ties are explicit: greedy ties that decide what gets funded, and Equal Shares
ties left after cost and support, are broken by the seeded lot of ``tiebreak`` and
reported; without a seed they raise :class:`~sovet.errors.UnresolvedTie`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from sovet.counting.base import MAX_VOTES, Tie, TieBreak, format_value
from sovet.counting.budgets_mes import SupportIndex, mes_cardinal, mes_uniform
from sovet.counting.pabulib import PBInstance, exact_number
from sovet.errors import InputError, UnresolvedTie

__all__ = ["BUDGET_RULES", "RULE_ALIASES", "BudgetResult", "budget", "resolve_rule"]

IntArray = npt.NDArray[np.int64]

BUDGET_RULES: dict[str, str] = {
    "greedy": "utilitarian greedy by support, skipping what no longer fits",
    "greedy-threshold": "greedy among projects reaching the file's support threshold",
    "equal-shares": "Method of Equal Shares (cost utilities), no completion",
    "equal-shares-add1": "Method of Equal Shares with add1 completion",
    "equal-shares-add1-comparison": "add1, then Wieliczka's comparison with greedy",
}
"""Every participatory-budgeting rule id, with a one-line description."""

RULE_ALIASES: dict[str, str] = {
    "greedy": "greedy",
    "utilitarian_greedy": "greedy",
    "greedy-threshold": "greedy-threshold",
    "greedy_threshold": "greedy-threshold",
    "equalshares": "equal-shares",
    "equal-shares": "equal-shares",
    "mes": "equal-shares",
    "equalshares/add1": "equal-shares-add1",
    "equalshares-add1": "equal-shares-add1",
    "equal-shares-add1": "equal-shares-add1",
    "equalshares/add1-comparison": "equal-shares-add1-comparison",
    "equalshares/add1/comparison": "equal-shares-add1-comparison",
    "equal-shares-add1-comparison": "equal-shares-add1-comparison",
}
"""Accepted spellings (ours and pabulib's) of each rule id."""


@dataclass(frozen=True, slots=True)
class BudgetResult:
    """Funded projects, in the order the rule funded them, with the figures behind it."""

    rule: str
    project_ids: tuple[str, ...]
    selected: tuple[int, ...]
    costs: tuple[int, ...]
    budget: Fraction
    ties: tuple[Tie, ...] = ()
    seed: int | None = None
    per_voter: Fraction | None = None
    runs: int = 1
    comparison: dict[str, object] = field(default_factory=dict)

    @property
    def cost(self) -> int:
        return sum(self.costs[j] for j in self.selected)

    @property
    def selected_ids(self) -> tuple[str, ...]:
        return tuple(self.project_ids[j] for j in self.selected)

    def to_json(self) -> dict[str, object]:
        """Stable JSON: project ids as in the file, exact amounts as strings."""
        return {
            "rule": self.rule,
            "selected": list(self.selected_ids),
            "cost": self.cost,
            "budget": format_value(self.budget),
            "per_voter_budget": None if self.per_voter is None else str(self.per_voter),
            "runs": self.runs,
            "comparison": dict(self.comparison),
            "ties": [
                {
                    "stage": t.stage,
                    "purpose": t.purpose,
                    "among": [self.project_ids[i] for i in t.among],
                    "chosen": self.project_ids[t.chosen],
                    "how": t.how,
                }
                for t in self.ties
            ],
            "seed": self.seed,
        }


def resolve_rule(rule: str | None, instance: PBInstance | None = None) -> str:
    """Our rule id for ``rule`` (ours or pabulib's), or the file's own when ``None``.

    >>> resolve_rule("equalshares/add1")
    'equal-shares-add1'
    """
    name = rule if rule is not None or instance is None else instance.rule
    if name is None:
        raise InputError("the file declares no rule in META; give one")
    key = name.strip().lower()
    if key not in RULE_ALIASES:
        known = ", ".join(BUDGET_RULES)
        raise InputError(f"unknown budgeting rule {name!r}; known: {known}")
    return RULE_ALIASES[key]


def budget(
    instance: PBInstance,
    rule: str | None = None,
    *,
    tiebreak: TieBreak | None = None,
    tie_order: str = "lot",
) -> BudgetResult:
    """Run ``rule`` (default: the rule the file declares) on ``instance``.

    ``tie_order="file"`` breaks greedy ties by the order of the PROJECTS table (pabulib
    lists projects in the city's published ranking, so this follows the city's own
    resolution); the default ``"lot"`` uses ``tiebreak``.
    """
    try:
        return _budget(instance, rule, tiebreak, tie_order)
    except UnresolvedTie as exc:
        ids = instance.project_ids
        message = re.sub(
            r"projects \[([0-9, ]*)\] \(by position in the file, from 0\)",
            lambda m: "projects " + ", ".join(ids[int(k)] for k in m.group(1).split(",")),
            exc.message,
        )
        raise UnresolvedTie(message) from None


def _budget(
    instance: PBInstance, rule: str | None, tiebreak: TieBreak | None, tie_order: str
) -> BudgetResult:
    rule_id = resolve_rule(rule, instance)
    if tie_order not in ("lot", "file"):
        raise InputError(f"tie order must be 'lot' or 'file', not {tie_order!r}")
    by_file = tie_order == "file"
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    costs = instance.costs
    ties: list[Tie] = []
    per_voter: Fraction | None = None
    runs = 1
    comparison: dict[str, object] = {}
    if rule_id in ("greedy", "greedy-threshold"):
        support = support_of(instance)
        allowed = [True] * len(costs)
        if rule_id == "greedy-threshold":
            threshold = _threshold(instance)
            allowed = [int(s) >= threshold for s in support.tolist()]
        selected = greedy(support, costs, instance.budget, allowed, tiebreak, ties, by_file)
    else:
        engine = _MES(instance, tiebreak)
        if rule_id == "equal-shares":
            per_voter = engine.share
            selected = engine.run(per_voter, ties)
        else:
            selected, per_voter, runs = engine.add1(ties)
            if rule_id == "equal-shares-add1-comparison":
                greedy_ties: list[Tie] = []
                other = greedy(
                    instance.approvals(),
                    costs,
                    instance.budget,
                    [True] * len(costs),
                    tiebreak,
                    greedy_ties,
                    by_file,
                )
                prefer_mes, prefer_greedy = _compare(instance, selected, other)
                chose = "greedy" if prefer_greedy > prefer_mes else "equal-shares-add1"
                comparison = {
                    "prefer_equal_shares": prefer_mes,
                    "prefer_greedy": prefer_greedy,
                    "chosen": chose,
                    "greedy": [instance.projects[j].id for j in other],
                }
                if chose == "greedy":
                    selected = other
                    ties.extend(greedy_ties)
    return BudgetResult(
        rule=rule_id,
        project_ids=instance.project_ids,
        selected=tuple(selected),
        costs=costs,
        budget=instance.budget,
        ties=tuple(ties),
        seed=tiebreak.seed if tiebreak.draws else None,
        per_voter=per_voter,
        runs=runs,
        comparison=comparison,
    )


def support_of(instance: PBInstance) -> IntArray:
    """Each project's support for greedy: approvals, points, or Borda points."""
    if instance.ballot_points is not None:
        return instance.points()
    if instance.vote_type == "ordinal":
        starts = instance.ballot_start
        lengths = np.diff(starts)
        declared = instance.meta.get("max_length", "")
        longest = int(declared) if declared.isdigit() else int(lengths.max(initial=0))
        longest = max(longest, int(lengths.max(initial=0)))
        if longest * len(instance.ballot_projects) > MAX_VOTES:
            raise InputError(
                f"max_length {longest} in META gives more Borda points than a count can hold"
            )
        position = np.arange(len(instance.ballot_projects)) - np.repeat(starts[:-1], lengths)
        out = np.zeros(len(instance.projects), dtype=np.int64)
        np.add.at(out, instance.ballot_projects, longest - position)
        return out
    return instance.approvals()


def _threshold(instance: PBInstance) -> int:
    raw = instance.meta.get("min_project_score_threshold")
    if raw is None:
        raise InputError("greedy-threshold needs min_project_score_threshold in META")
    try:
        value = exact_number(raw)
    except (ValueError, ZeroDivisionError):
        shown = raw[:40]
        raise InputError(f"min_project_score_threshold {shown!r} is not a number") from None
    return -((-value.numerator) // value.denominator)  # ceiling: support >= value


def greedy(
    support: IntArray,
    costs: Sequence[int],
    limit: Fraction,
    allowed: Sequence[bool],
    tiebreak: TieBreak,
    ties: list[Tie],
    by_file: bool = False,
) -> list[int]:
    """Fund by decreasing support, skipping what does not fit.

    Projects with equal support are a tie only when the order among them decides what
    gets funded; then the lot orders them (or, with ``by_file``, their order in the file).

    >>> greedy(np.array([5, 9, 7]), [4, 6, 3], Fraction(10), [True] * 3, TieBreak(), [])
    [1, 2]
    """
    left = limit
    chosen: list[int] = []
    values = support.tolist()
    groups: dict[int, list[int]] = {}
    for j, s in enumerate(values):
        if allowed[j] and s > 0:
            groups.setdefault(s, []).append(j)
    for s in sorted(groups, reverse=True):
        group = groups[s]
        fitting = [j for j in group if costs[j] <= left]
        if sum(costs[j] for j in fitting) <= left:
            for j in fitting:
                chosen.append(j)
                left -= costs[j]
            continue
        pool = sorted(fitting)
        if not by_file and tiebreak.seed is None:
            raise UnresolvedTie(
                f"projects {pool} (by position in the file, from 0) tie with support {s} and"
                " not all fit; a lot is needed: give a seed (or take the file's order)"
            )
        while pool:
            pick = pool[0] if by_file else tiebreak.choose(pool, purpose="fund")
            how = "file-order" if by_file else "lot"
            ties.append(Tie(len(chosen) + 1, "fund", tuple(pool), pick, how))
            pool.remove(pick)
            if costs[pick] <= left:
                chosen.append(pick)
                left -= costs[pick]
            pool = [j for j in pool if costs[j] <= left]
    return chosen


def _compare(instance: PBInstance, a: Sequence[int], b: Sequence[int]) -> tuple[int, int]:
    """How many voters have more of their projects funded by ``a``, and by ``b``."""
    m = len(instance.projects)
    in_a = np.zeros(m, dtype=np.int64)
    in_a[list(a)] = 1
    in_b = np.zeros(m, dtype=np.int64)
    in_b[list(b)] = 1
    owner = np.repeat(np.arange(instance.num_voters), np.diff(instance.ballot_start))
    sat_a = np.zeros(instance.num_voters, dtype=np.int64)
    sat_b = np.zeros(instance.num_voters, dtype=np.int64)
    np.add.at(sat_a, owner, in_a[instance.ballot_projects])
    np.add.at(sat_b, owner, in_b[instance.ballot_projects])
    return int((sat_a > sat_b).sum()), int((sat_b > sat_a).sum())


class _MES:
    """Equal Shares on one instance, reusable across the runs of the add1 completion."""

    def __init__(self, instance: PBInstance, tiebreak: TieBreak) -> None:
        self.instance = instance
        self.tiebreak = tiebreak
        self.costs = instance.costs
        n = instance.num_voters
        if n == 0:
            raise InputError("no ballots: Equal Shares needs at least one voter")
        self.share = instance.budget / n
        m = len(self.costs)
        counts = instance.approvals()
        self.supported = [int(c) > 0 for c in counts.tolist()]
        if instance.ballot_points is None:
            self.index: SupportIndex | None = SupportIndex.from_ballots(
                n, instance.ballot_start, instance.ballot_projects, m
            )
            self.groups: list[tuple[dict[int, int], int]] = []
        else:
            self.index = None
            self.groups = _groups(instance)

    def run(self, per_voter: Fraction, ties: list[Tie]) -> list[int]:
        if self.index is not None:
            out = mes_uniform(self.index, self.costs, self.costs, per_voter, tiebreak=self.tiebreak)
        else:
            out = mes_cardinal(self.groups, self.costs, per_voter, tiebreak=self.tiebreak)
        ties.extend(out.ties)
        return list(out.selected)

    def add1(self, ties: list[Tie]) -> tuple[list[int], Fraction, int]:
        limit = self.instance.budget
        per_voter = self.share
        current_ties: list[Tie] = []
        current = self.run(per_voter, current_ties)
        runs = 1
        while not self._exhaustive(current):
            next_ties: list[Tie] = []
            candidate = self.run(per_voter + 1, next_ties)
            runs += 1
            if sum(self.costs[j] for j in candidate) > limit:
                break
            per_voter += 1
            current, current_ties = candidate, next_ties
        ties.extend(current_ties)
        return current, per_voter, runs

    def _exhaustive(self, chosen: list[int]) -> bool:
        left = self.instance.budget - sum(self.costs[j] for j in chosen)
        taken = set(chosen)
        return not any(
            self.supported[j] and j not in taken and self.costs[j] <= left
            for j in range(len(self.costs))
        )


def _groups(instance: PBInstance) -> list[tuple[dict[int, int], int]]:
    """Identical (project, points) ballots merged, with their multiplicity."""
    assert instance.ballot_points is not None
    merged: dict[tuple[tuple[int, int], ...], int] = {}
    starts = instance.ballot_start.tolist()
    projects = instance.ballot_projects.tolist()
    points = instance.ballot_points.tolist()
    for i in range(instance.num_voters):
        a, b = starts[i], starts[i + 1]
        key = tuple(sorted(zip(projects[a:b], points[a:b], strict=True)))
        merged[key] = merged.get(key, 0) + 1
    return [(dict(key), k) for key, k in merged.items()]
