"""The Method of Equal Shares, exactly and fast.

The budget is split equally among the voters. Repeatedly, for every remaining
project ``j`` find the smallest ``rho`` such that the supporters can pay for it when
each supporter ``i`` pays ``min(budget_i, rho * u_ij)``; fund the project with the
smallest ``rho`` and charge its supporters; stop when no project is affordable
(Peters, Pierczyński and Skowron, "Proportional participatory budgeting with additive
utilities", NeurIPS 2021; the procedure of equalshares.net). Ties in ``rho`` go to the
cheaper project, then to the one with more supporters, then to a lot.

Two engines give the same outcomes:

* :func:`mes_uniform` for utilities that are the same for every supporter of a project
  (cost utilities ``u_ij = cost_j``, the rule cities use, or one per approval). Voters
  are kept in *classes* of equal remaining budget (a class is every voter whose budget
  is the same exact number), budgets are integers over one common denominator (Python
  integers, so never rounded), and a project's price is found from the class counts of
  its supporters (one ``numpy.bincount``), looking only at the classes too poor to pay
  in full. A project's ``rho`` can only rise as budgets fall, so each round re-prices
  only the projects whose previous ``rho`` could still beat the best found (the lazy
  evaluation of equalshares.net).
* :func:`mes_cardinal` for per-voter utilities (points), in :class:`fractions.Fraction`
  over groups of identical ballots.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from sovet.counting.base import Tie, TieBreak
from sovet.errors import UnresolvedTie

__all__ = ["MESOutcome", "SupportIndex", "mes_cardinal", "mes_uniform"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class MESOutcome:
    """Funded projects (indices, in order of selection) and the ties met."""

    selected: tuple[int, ...]
    ties: tuple[Tie, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class SupportIndex:
    """For each project, the voters who support it (a compressed column index)."""

    num_voters: int
    supporters: tuple[IntArray, ...]

    @classmethod
    def from_ballots(
        cls, num_voters: int, start: IntArray, projects: IntArray, m: int
    ) -> SupportIndex:
        voters = np.repeat(np.arange(num_voters, dtype=np.int64), np.diff(start))
        order = np.argsort(projects, kind="stable")
        cuts = np.searchsorted(projects[order], np.arange(m + 1))
        by_project = voters[order]
        return cls(num_voters, tuple(by_project[cuts[j] : cuts[j + 1]] for j in range(m)))


def _choose(
    tied: list[int],
    costs: Sequence[int],
    counts: Sequence[int],
    tiebreak: TieBreak,
    ties: list[Tie],
    stage: int,
) -> int:
    """Cheapest first, then most supporters, then a lot; every tie is recorded."""
    if len(tied) == 1:
        return tied[0]
    among = tuple(sorted(tied))
    low = min(costs[j] for j in tied)
    tied = [j for j in tied if costs[j] == low]
    how = "cheaper"
    if len(tied) > 1:
        high = max(counts[j] for j in tied)
        tied = [j for j in tied if counts[j] == high]
        how = "more-supporters"
    if len(tied) == 1:
        pick = tied[0]
    elif tiebreak.seed is None:
        raise UnresolvedTie(
            f"projects {sorted(tied)} (by position in the file, from 0) tie in price, cost and"
            " support; a lot is needed: give a seed"
        )
    else:
        pick = tiebreak.choose(tied, purpose="fund")
        how = "lot"
    ties.append(Tie(stage=stage, purpose="fund", among=among, chosen=pick, how=how))
    return pick


def mes_uniform(
    index: SupportIndex,
    costs: Sequence[int],
    utilities: Sequence[int],
    per_voter: Fraction,
    *,
    tiebreak: TieBreak,
    allowed: Sequence[bool] | None = None,
) -> MESOutcome:
    """Equal Shares with ``u_ij = utilities[j]`` for every supporter of ``j``.

    ``per_voter`` is each voter's initial budget share (exact).

    >>> idx = SupportIndex(3, (np.array([0, 1]), np.array([2]), np.array([0, 1, 2])))
    >>> mes_uniform(idx, [4, 2, 9], [4, 2, 9], Fraction(3), tiebreak=TieBreak()).selected
    (2,)
    """
    m = len(costs)
    n = index.num_voters
    counts = [len(s) for s in index.supporters]
    # Budgets are V[c] / D for class c; every voter starts in class 0.
    D = per_voter.denominator
    V: list[int] = [per_voter.numerator]
    voter_class = np.zeros(n, dtype=np.int64)
    ties: list[Tie] = []
    selected: list[int] = []
    # Lazy queue of (lower bound of rho, j): rho can only increase over the rounds.
    queue: list[tuple[Fraction, int]] = []
    for j in range(m):
        if costs[j] > 0 and counts[j] > 0 and utilities[j] > 0 and (allowed is None or allowed[j]):
            queue.append((Fraction(costs[j], counts[j] * utilities[j]), j))
    heapq.heapify(queue)
    # Voters per class; classes left empty are dropped from ``alive`` (their V goes stale).
    sizes: list[int] = [n]
    alive: list[int] = [0]
    while queue:
        rank = _ranks(V, alive)
        best: Fraction | None = None
        tied: list[int] = []
        prices: dict[int, tuple[int, int]] = {}
        evaluated: list[tuple[Fraction, int]] = []
        while queue and (best is None or queue[0][0] <= best):
            _, j = heapq.heappop(queue)
            price = _price(index.supporters[j], voter_class, V, rank, costs[j] * D)
            if price is None:  # unaffordable now, and so for ever
                continue
            rho = Fraction(price[0], price[1] * utilities[j] * D)
            evaluated.append((rho, j))
            prices[j] = price
            if best is None or rho < best:
                best, tied = rho, [j]
            elif rho == best:
                tied.append(j)
        if best is None:
            break
        winner = _choose(tied, costs, counts, tiebreak, ties, stage=len(selected) + 1)
        selected.append(winner)
        for rho, j in evaluated:
            if j != winner:
                heapq.heappush(queue, (rho, j))
        # Charge: alpha = num / (den * D); rescale every budget to the denominator D * den.
        num, den = prices[winner]
        for c in alive:
            V[c] *= den
        D *= den
        by_value = {V[c]: c for c in alive}
        payers = index.supporters[winner]
        old = voter_class[payers]
        per_class = np.bincount(old, minlength=len(V))
        classes = np.flatnonzero(per_class)
        lookup = np.zeros(len(V), dtype=np.int64)
        for c, k in zip(classes.tolist(), per_class[classes].tolist(), strict=True):
            left = max(V[c] - num, 0)
            target = by_value.get(left)
            if target is None:
                target = len(V)
                V.append(left)
                sizes.append(0)
                by_value[left] = target
                alive.append(target)
            sizes[c] -= k
            sizes[target] += k
            lookup[c] = target
        voter_class[payers] = lookup[old]
        alive = [c for c in alive if sizes[c] > 0]
        if len(V) > 2 * len(alive) + 16:  # renumber the live classes 0..k-1
            renumber = np.zeros(len(V), dtype=np.int64)
            renumber[alive] = np.arange(len(alive), dtype=np.int64)
            voter_class = renumber[voter_class]
            V = [V[c] for c in alive]
            sizes = [sizes[c] for c in alive]
            alive = list(range(len(alive)))
        # Keep the integers short: divide out their common factor when they grow.
        g = math.gcd(D, *(V[c] for c in alive)) if D.bit_length() > 256 else 1
        if g > 1:
            D //= g
            for c in alive:
                V[c] //= g
    return MESOutcome(tuple(selected), tuple(ties))


def _ranks(V: list[int], alive: list[int]) -> IntArray:
    """Each live class's position by budget (dead classes hold no voter, never asked)."""
    order = sorted(alive, key=V.__getitem__)
    rank = np.zeros(len(V), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    return rank


def _price(
    supporters: IntArray, voter_class: IntArray, V: list[int], rank: IntArray, cost: int
) -> tuple[int, int] | None:
    """The supporters' equal payment ``num / den`` (over the common denominator).

    Poorer classes pay everything they have; the rest pay equally. ``None`` if the
    supporters' money does not cover ``cost`` (both already scaled to the denominator).
    """
    per_class = np.bincount(voter_class[supporters], minlength=len(V))
    present = np.flatnonzero(per_class)
    present = present[np.argsort(rank[present], kind="stable")]
    paid = 0
    payers = len(supporters)
    for c, k in zip(present.tolist(), per_class[present].tolist(), strict=True):
        v = V[c]
        if cost - paid <= v * payers:
            return (cost - paid, payers)
        paid += v * k
        payers -= k
    return None


def mes_cardinal(
    groups: Sequence[tuple[dict[int, int], int]],
    costs: Sequence[int],
    per_voter: Fraction,
    *,
    tiebreak: TieBreak,
    allowed: Sequence[bool] | None = None,
) -> MESOutcome:
    """Equal Shares with per-voter utilities; ``groups`` are (utilities, voters) pairs.

    >>> mes_cardinal([({0: 3, 1: 1}, 2), ({1: 2}, 1)], [4, 3], Fraction(2),
    ...              tiebreak=TieBreak()).selected
    (0,)
    """
    m = len(costs)
    budgets = [per_voter] * len(groups)
    support: list[list[int]] = [[] for _ in range(m)]
    for g, (utils, _) in enumerate(groups):
        for j, u in utils.items():
            if u > 0:
                support[j].append(g)
    counts = [sum(groups[g][1] for g in support[j]) for j in range(m)]
    remaining = {
        j for j in range(m) if costs[j] > 0 and support[j] and (allowed is None or allowed[j])
    }
    selected: list[int] = []
    ties: list[Tie] = []
    while remaining:
        best: Fraction | None = None
        tied: list[int] = []
        for j in sorted(remaining):
            gs = support[j]
            if sum(budgets[g] * groups[g][1] for g in gs) < costs[j]:
                remaining.discard(j)
                continue
            gs = sorted(gs, key=lambda g: budgets[g] / groups[g][0][j])
            paid = Fraction(0)
            weight = sum(groups[g][0][j] * groups[g][1] for g in gs)
            for g in gs:
                u, k = groups[g][0][j], groups[g][1]
                rho = (costs[j] - paid) / weight
                if rho * u <= budgets[g]:
                    break
                paid += budgets[g] * k
                weight -= u * k
            if best is None or rho < best:
                best, tied = rho, [j]
            elif rho == best:
                tied.append(j)
        if best is None:
            break
        winner = _choose(tied, costs, counts, tiebreak, ties, stage=len(selected) + 1)
        selected.append(winner)
        remaining.discard(winner)
        for g in support[winner]:
            budgets[g] -= min(budgets[g], best * groups[g][0][winner])
    return MESOutcome(tuple(selected), tuple(ties))
