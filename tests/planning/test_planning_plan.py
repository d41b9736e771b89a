"""Least-labour plans: technique choice against brute force, capacity LP against linprog."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from sovet.errors import PlanningError
from sovet.planning.lp import capacity_plan, optimality_gap
from sovet.planning.plan import least_labour_plan
from sovet.planning.technology import Technology, square


def random_technology(
    seed: int, n: int, extra: int, radius: float = 0.6, capacity: bool = False
) -> Technology:
    """n products, one technique each plus ``extra`` alternatives; column sums ≤ radius."""
    rng = np.random.default_rng(seed)
    k = n + extra
    produces = np.concatenate([np.arange(n), rng.integers(0, n, extra)]).astype(np.int64)
    dense = rng.random((n, k)) * (rng.random((n, k)) < 0.5)
    sums = dense.sum(axis=0)
    scale = rng.uniform(0.2, 1.0, k) * radius
    dense = dense * np.where(sums > 0, scale / np.where(sums > 0, sums, 1), 0)
    cap = np.full(k, np.inf)
    if capacity:
        cap = np.where(rng.random(k) < 0.5, rng.uniform(0.5, 20.0, k), np.inf)
    return Technology(
        products=tuple(f"p{i}" for i in range(n)),
        techniques=tuple(f"t{j}" for j in range(k)),
        produces=produces,
        inputs=sp.csc_matrix(dense),
        labour=rng.uniform(0.1, 3.0, k),
        capacity=cap,
    )


def brute_force_least_labour(tech: Technology, d: np.ndarray) -> float:
    best = np.inf
    options = [np.flatnonzero(tech.produces == i) for i in range(tech.n_products)]
    dense = tech.inputs.toarray()
    for choice in itertools.product(*options):
        c = list(choice)
        x = np.linalg.solve(np.eye(tech.n_products) - dense[:, c], d)
        best = min(best, float(tech.labour[c] @ x))
    return best


def reference_lp(tech: Technology, d: np.ndarray) -> object:
    net = np.zeros((tech.n_products, tech.n_techniques))
    net[tech.produces, np.arange(tech.n_techniques)] = 1.0
    net -= tech.inputs.toarray()
    bounds = [(0, None if np.isinf(c) else c) for c in tech.capacity]
    return linprog(tech.labour, A_ub=-net, b_ub=-d, bounds=bounds, method="highs-ipm")


def sickle_plough(capacity: list[float]) -> Technology:
    """Grain by sickle (3 h) or plough (1 h + 0.5 tools); tools by forge (2 h + 0.1 tools)."""
    return Technology(
        ("grain", "tools"),
        ("sickle", "plough", "forge"),
        np.array([0, 0, 1]),
        sp.csc_matrix([[0.1, 0.1, 0.0], [0.0, 0.5, 0.1]]),
        np.array([3.0, 1.0, 2.0]),
        np.array(capacity),
    )


def test_technique_choice_by_hand() -> None:
    t = sickle_plough([np.inf, np.inf, np.inf])
    p = least_labour_plan(t, np.array([10.0, 0.0]))
    # plough: v_g = (1 + 0.5 v_t) / 0.9 with v_t = 2 / 0.9 -> 2.3457 < sickle's 3 / 0.9
    assert p.choice.tolist() == [1, 2]
    assert p.values == pytest.approx([(1 + 0.5 * 2 / 0.9) / 0.9, 2 / 0.9])
    assert p.labour == pytest.approx(10 * (1 + 0.5 * 2 / 0.9) / 0.9)
    assert p.residual < 1e-9


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4), extra=st.integers(0, 4))
def test_non_substitution_choice_equals_brute_force(seed: int, n: int, extra: int) -> None:
    tech = random_technology(seed, n, extra)
    d = np.random.default_rng(seed + 1).uniform(0.0, 10.0, n)
    p = least_labour_plan(tech, d)
    assert p.labour == pytest.approx(brute_force_least_labour(tech, d), rel=1e-9, abs=1e-12)
    assert np.all(tech.net_output(p.activity) >= d - 1e-9)  # meets needs
    assert np.all(p.values > 0)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), extra=st.integers(0, 6))
def test_capacity_plan_agrees_with_reference_lp(seed: int, n: int, extra: int) -> None:
    tech = random_technology(seed, n, extra, capacity=True)
    d = np.random.default_rng(seed + 1).uniform(0.0, 5.0, n)
    ref = reference_lp(tech, d)
    r = capacity_plan(tech, d, method="simplex")
    if ref.status == 0:  # type: ignore[attr-defined]
        assert r.status == "optimal"
        assert r.labour == pytest.approx(ref.fun, rel=1e-7, abs=1e-9)  # type: ignore[attr-defined]
        assert np.all(tech.net_output(r.activity) >= d - 1e-7)  # meets every need
        assert np.all(r.activity <= tech.capacity + 1e-7)  # respects every capacity
        assert r.gap < 1e-6  # the duals certify optimality
    else:
        assert ref.status == 2  # type: ignore[attr-defined]
        assert r.status == "infeasible"
        assert r.unmet.sum() > 0
        assert np.all(r.activity <= tech.capacity + 1e-7)
        assert np.all(tech.net_output(r.activity) + r.unmet >= d - 1e-6)
        assert r.binding.any()  # a shortage needs a capacity that binds


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6), extra=st.integers(1, 6))
def test_pdlp_with_repair_meets_needs_and_is_near_optimal(seed: int, n: int, extra: int) -> None:
    tech = random_technology(seed, n, extra, capacity=True)
    # Capacities only on alternatives keep the LP feasible (the first technique is unlimited).
    cap = tech.capacity.copy()
    cap[:n] = np.inf
    tech = Technology(tech.products, tech.techniques, tech.produces, tech.inputs, tech.labour, cap)
    d = np.random.default_rng(seed + 1).uniform(0.5, 5.0, n)
    ref = reference_lp(tech, d)
    r = capacity_plan(tech, d, method="pdlp", tol=1e-8)
    assert np.all(tech.net_output(r.activity) >= d - 1e-9 * d.max())  # needs met exactly
    assert r.status == "optimal"
    assert np.all(r.activity <= tech.capacity * (1 + 1e-6) + 1e-9)
    assert r.labour == pytest.approx(ref.fun, rel=1e-4)  # type: ignore[attr-defined]


def test_infeasible_plan_names_unmet_need_and_binding_capacity() -> None:
    # grain needs 0.05 tools per unit; only 0.5 tools can be made.
    t = square(("grain", "tools"), [[0.1, 0.2], [0.05, 0.0]], [1.0, 2.0], [np.inf, 0.5])
    r = capacity_plan(t, np.array([10.0, 0.0]), method="simplex")
    assert r.status == "infeasible"
    # 10 grain gross at most (0.5 / 0.05); net = 0.9·10 − 0.2·0.5 = 8.9 -> 1.1 unmet.
    assert r.unmet == pytest.approx([1.1, 0.0], abs=1e-6)
    assert r.binding.tolist() == [False, True]
    assert r.shadow_prices[1] > 0 and r.shadow_prices[0] == 0


@pytest.mark.parametrize("method", ["pdlp", "merit"])
def test_pdlp_and_merit_report_capacity_overrun_as_shortage(method: str) -> None:
    t = square(("grain", "tools"), [[0.1, 0.2], [0.05, 0.0]], [1.0, 2.0], [np.inf, 0.5])
    r = capacity_plan(t, np.array([10.0, 0.0]), method=method)  # type: ignore[arg-type]
    assert r.status == "infeasible"
    # Meeting 10 grain needs x_g = 11.236 grain and 0.5618 tools: 0.0618 over capacity.
    x = np.linalg.solve(np.eye(2) - np.array([[0.1, 0.2], [0.05, 0.0]]), [10.0, 0.0])
    assert r.unmet == pytest.approx([0.0, x[1] - 0.5], rel=1e-6)
    assert np.all(t.net_output(r.activity) >= np.array([10.0, 0.0]) - 1e-9)


def test_optimality_gap_detects_a_bad_plan() -> None:
    t = square(("a",), [[0.5]], [1.0], [np.inf])
    d = np.array([1.0])
    assert optimality_gap(t, d, 2.0, np.array([2.0])) == pytest.approx(0.0)
    assert optimality_gap(t, d, 3.0, np.array([2.0])) == pytest.approx(1 / 3)


def test_bad_demand_rejected() -> None:
    t = square(("a",), [[0.5]], [1.0])
    with pytest.raises(PlanningError, match="negative"):
        least_labour_plan(t, np.array([-1.0]))
    with pytest.raises(PlanningError, match="entries"):
        capacity_plan(t, np.array([1.0, 2.0]))


def test_product_without_technique_rejected() -> None:
    with pytest.raises(PlanningError, match="no technique makes it"):
        Technology(
            ("a", "b"), ("t",), np.array([0]), sp.csc_matrix((2, 1)), np.ones(1), np.full(1, np.inf)
        )


def test_larger_choice_matches_dense_reference_and_no_technique_is_cheaper() -> None:
    # 150 products and 120 alternatives: beyond brute force, so check optimality
    # directly: the chosen techniques' dense values price no technique cheaper.
    tech = random_technology(3, 150, 120)
    d = np.random.default_rng(4).uniform(0.0, 10.0, 150)
    p = least_labour_plan(tech, d)
    a = tech.inputs[:, p.choice].toarray()
    v = np.linalg.solve(np.eye(150) - a.T, tech.labour[p.choice])
    x = np.linalg.solve(np.eye(150) - a, d)
    assert np.max(np.abs(p.values - v)) < 1e-9 * v.max()
    assert np.max(np.abs(p.output - x)) < 1e-9 * x.max()
    costs = tech.labour + tech.inputs.T @ v
    assert np.all(costs >= v[tech.produces] * (1 - 1e-8))
    assert len(set(p.choice.tolist())) == 150 and np.array_equal(
        tech.produces[p.choice], np.arange(150)
    )
    assert p.rounds >= 2  # the first guess was improved on: the switching path ran


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 8), extra=st.integers(1, 8))
def test_pdlp_gap_is_a_true_bound_and_no_worse_than_the_relaxation(
    seed: int, n: int, extra: int
) -> None:
    tech = random_technology(seed, n, extra, capacity=True)
    cap = tech.capacity.copy()
    cap[:n] = np.inf  # feasible: every product has an unlimited technique
    tech = Technology(tech.products, tech.techniques, tech.produces, tech.inputs, tech.labour, cap)
    d = np.random.default_rng(seed + 1).uniform(0.5, 5.0, n)
    ref = reference_lp(tech, d)
    r = capacity_plan(tech, d, method="pdlp", tol=1e-3)  # loose: duals far from exact
    assert r.status == "optimal"
    # The certified gap bounds the true distance to the exact optimum ...
    true_gap = (r.labour - ref.fun) / r.labour  # type: ignore[attr-defined]
    assert true_gap <= r.gap + 1e-9
    # ... and is never worse than the uncapacitated plan's labour as a bound.
    relaxed = least_labour_plan(tech, d).labour
    assert r.gap <= (r.labour - relaxed) / r.labour + 1e-9


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 12),
    extra=st.integers(1, 12),
    method=st.sampled_from(["pdlp", "highs-pdlp"]),
)
def test_pdlp_agrees_with_the_simplex_optimum(seed: int, n: int, extra: int, method: str) -> None:
    tech = random_technology(seed, n, extra, capacity=True)
    cap = tech.capacity.copy()
    cap[:n] = np.inf  # feasible: every product has an unlimited technique
    tech = Technology(tech.products, tech.techniques, tech.produces, tech.inputs, tech.labour, cap)
    d = np.random.default_rng(seed + 1).uniform(0.5, 5.0, n)
    exact = capacity_plan(tech, d, method="simplex")
    r = capacity_plan(tech, d, method=method, tol=1e-7)  # type: ignore[arg-type]
    assert r.method == method and r.status == "optimal"
    assert r.labour == pytest.approx(exact.labour, rel=1e-4)
    assert r.labour >= exact.labour * (1 - 1e-9)  # no plan beats the optimum
    assert np.all(tech.net_output(r.activity) >= d - 1e-9 * d.max())  # needs met
    assert np.all(r.activity <= tech.capacity * (1 + 1e-6) + 1e-9)  # capacities kept
    # The certificate is tight and still a true bound.
    assert (r.labour - exact.labour) / r.labour <= r.gap + 1e-9
    assert r.gap < 1e-3


def test_pdlp_certificate_mends_approximate_duals() -> None:
    # 200 products, 150 alternatives, half of them capped: a loose solve's raw
    # duals price some unlimited technique above its cost (scaled down as a
    # whole they bound no better than the uncapacitated values, a 1% gap);
    # mended one product at a time they certify a gap ten times smaller.
    tech = random_technology(11, 200, 150, radius=0.9, capacity=True)
    cap = tech.capacity.copy()
    cap[:200] = np.inf
    tech = Technology(tech.products, tech.techniques, tech.produces, tech.inputs, tech.labour, cap)
    d = np.random.default_rng(12).uniform(0.5, 5.0, 200)
    exact = capacity_plan(tech, d, method="simplex")
    r = capacity_plan(tech, d, method="pdlp", tol=1e-3)
    relaxed = least_labour_plan(tech, d).labour
    true_gap = (r.labour - exact.labour) / r.labour
    assert true_gap <= r.gap + 1e-12
    assert r.gap < 0.1 * (r.labour - relaxed) / r.labour
    assert np.all(tech.net_output(r.activity) >= d - 1e-9 * d.max())


def capped_first_techniques(seed: int, n: int, extra: int) -> tuple[Technology, np.ndarray]:
    """A random economy whose cheapest techniques are capped below their unlimited use.

    As in the benchmark: every product keeps one unlimited technique, and the
    technique the uncapacitated plan uses is capped at 60–95% of its use there,
    so capacities bind and the merit order has work to do.
    """
    tech = random_technology(seed, n, extra)
    d = np.random.default_rng(seed + 1).uniform(0.5, 5.0, n)
    base = least_labour_plan(tech, d)
    cap = np.full(tech.n_techniques, np.inf)
    rng = np.random.default_rng(seed + 2)
    spare = np.bincount(tech.produces, minlength=n) > 1  # has an alternative to fall back on
    cap[base.choice[spare]] = rng.uniform(0.6, 0.95, int(spare.sum())) * base.output[spare]
    capped = Technology(
        tech.products, tech.techniques, tech.produces, tech.inputs, tech.labour, cap
    )
    return capped, d


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 40), extra=st.integers(1, 40))
def test_merit_order_is_certified_against_the_simplex_optimum(
    seed: int, n: int, extra: int
) -> None:
    tech, d = capped_first_techniques(seed, n, extra)
    exact = capacity_plan(tech, d, method="simplex")
    assert exact.status == "optimal"  # every product has an unlimited technique
    r = capacity_plan(tech, d, method="merit")
    assert r.method in ("merit", "merit+pdlp") and r.status == "optimal"
    assert np.all(tech.net_output(r.activity) >= d - 1e-9 * d.max())  # needs met
    assert np.all(r.activity <= tech.capacity * (1 + 1e-9) + 1e-12)  # capacities kept
    assert r.labour >= exact.labour * (1 - 1e-9)  # no plan beats the optimum
    # The certificate is a true bound and meets the target.
    assert (r.labour - exact.labour) / r.labour <= r.gap + 1e-9
    assert r.gap <= 5e-4


def test_merit_order_settles_at_the_optimum_when_nothing_is_degenerate() -> None:
    t = sickle_plough([np.inf, 5.0, np.inf])  # at most 5 ploughings
    d = np.array([10.0, 0.0])
    r = capacity_plan(t, d, method="merit", gap=0.0)
    exact = capacity_plan(t, d, method="simplex")
    assert r.method == "merit" and r.rounds >= 1
    assert r.activity == pytest.approx(exact.activity, rel=1e-9)
    assert r.gap < 1e-12
    # The plough is saturated: its rent is what one more unit of it saves.
    assert r.binding.tolist() == [False, True, False]
    assert r.shadow_prices[1] == pytest.approx(exact.shadow_prices[1], rel=1e-9)


def degenerate_pair() -> tuple[Technology, np.ndarray]:
    """An economy on which merit-order rounds cycle: the optimum splits a product.

    Iron comes from a mine (1 h, at most 5) or a far pit (3 h); cloth from a
    loom using one iron (1 h) or by hand (2.5 h). With iron at the mine's
    cost the loom is cheaper, so cloth wants 10 iron and the mine saturates;
    with iron at the pit's cost hand-weaving is cheaper and no iron is wanted.
    The optimum runs the mine at exactly 5 and weaves half the cloth on the
    loom: 5 + 5 + 12.5 = 22.5 hours.
    """
    tech = Technology(
        ("iron", "cloth"),
        ("mine", "pit", "loom", "hand"),
        np.array([0, 0, 1, 1]),
        sp.csc_matrix([[0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]),
        np.array([1.0, 3.0, 1.0, 2.5]),
        np.array([5.0, np.inf, np.inf, np.inf]),
    )
    return tech, np.array([0.0, 10.0])


def test_merit_order_cycles_on_a_degenerate_economy_and_says_so() -> None:
    from sovet.planning.merit import merit_order

    tech, d = degenerate_pair()
    m = merit_order(tech, d, least_labour_plan(tech, d), rounds=8)
    assert not m.settled and m.rounds == 8
    assert m.labour >= 22.5 and m.bound <= 22.5 + 1e-12  # still a true plan and a true bound
    assert m.gap > 0.05  # but far apart: no single technique per product is optimal


def test_pdlp_finishes_what_the_merit_order_cannot() -> None:
    tech, d = degenerate_pair()
    r = capacity_plan(tech, d, method="merit", gap=1e-6, tol=1e-9)
    assert r.method == "merit+pdlp" and r.rounds == 8 and r.iterations > 0
    assert r.labour == pytest.approx(22.5, rel=1e-6)
    assert r.gap <= 1e-6
    assert r.activity[0] == pytest.approx(5.0, rel=1e-6)  # the mine exactly at capacity
    assert r.activity[2] == pytest.approx(5.0, rel=1e-5)  # half the cloth on the loom


def test_gap_and_rounds_are_checked() -> None:
    t = square(("a",), [[0.5]], [1.0])
    with pytest.raises(PlanningError, match="gap"):
        capacity_plan(t, np.array([1.0]), method="merit", gap=-1.0)
    with pytest.raises(PlanningError, match="gap"):
        capacity_plan(t, np.array([1.0]), method="merit", gap=float("nan"))
    with pytest.raises(PlanningError, match="at least one round"):
        capacity_plan(t, np.array([1.0]), method="merit", rounds=0)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 10), extra=st.integers(0, 10))
def test_merit_order_agrees_with_the_simplex_on_what_can_be_met(
    seed: int, n: int, extra: int
) -> None:
    # Capacities anywhere, the first techniques included: some economies cannot
    # meet their needs, and the merit order must say so exactly when the simplex does.
    tech = random_technology(seed, n, extra, capacity=True)
    d = np.random.default_rng(seed + 1).uniform(0.5, 5.0, n)
    exact = capacity_plan(tech, d, method="simplex")
    r = capacity_plan(tech, d, method="merit")
    assert r.status == exact.status
    assert np.all(
        tech.net_output(r.activity) >= d - 1e-9 * d.max()
    )  # needs met, by overrun if need be
    if exact.status == "optimal":
        # within capacity to PDLP's tolerance when it polished (as for PDLP alone)
        assert np.all(r.activity <= tech.capacity * (1 + 1e-6) + 1e-9)
        assert (r.labour - exact.labour) / r.labour <= r.gap + 1e-9
    else:
        assert r.unmet.sum() > 0 and r.binding.any()
