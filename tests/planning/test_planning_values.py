"""Labour values: iterative solve against dense references, productivity, real BEA data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sovet.errors import PlanningError
from sovet.planning.values import (
    compact_indices,
    labour_values,
    solve_leontief,
    spectral_radius_estimate,
)


def _bea_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "planning_bea", Path(__file__).with_name("bea.py")
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["planning_bea"] = module
    spec.loader.exec_module(module)
    return module


bea_module = _bea_module()


def test_two_products_by_hand() -> None:
    # v1 = 1 + 0.25 v2, v2 = 1 + 0.5 v1  ->  v1 = 10/7, v2 = 12/7
    a = sp.csr_matrix([[0.0, 0.5], [0.25, 0.0]])
    r = labour_values(a, [1.0, 1.0])
    assert r.values == pytest.approx([10 / 7, 12 / 7], rel=1e-10)
    assert r.residual < 1e-12


@pytest.mark.parametrize("method", ["bicgstab", "neumann"])
def test_matches_dense_solve_on_random_economy(method: str) -> None:
    rng = np.random.default_rng(7)
    n = 300
    a = sp.random(n, n, density=0.05, random_state=rng, format="csc")
    a = a @ sp.diags(0.8 / np.maximum(np.asarray(a.sum(axis=0)).ravel(), 1e-9))
    lab = rng.uniform(0.1, 3.0, n)
    r = labour_values(a, lab, method=method)  # type: ignore[arg-type]
    dense = np.linalg.solve(np.eye(n) - a.toarray().T, lab)
    assert np.max(np.abs(r.values - dense)) < 1e-8 * dense.max()
    assert r.residual < 1e-8
    assert r.iterations > 1


@pytest.mark.parametrize("method", ["bicgstab", "neumann"])
def test_non_productive_economy_is_named(method: str) -> None:
    # Each unit of a needs 1.5 b and each unit of b needs 1 a: spectral radius sqrt(1.5).
    a = sp.csr_matrix([[0.0, 1.0], [1.5, 0.0]])
    with pytest.raises(PlanningError, match=r"not productive.*1\.22"):
        labour_values(a, [1.0, 1.0], method=method)  # type: ignore[arg-type]


def test_self_consuming_product_with_no_labour_is_caught() -> None:
    # Product 0 uses 1.2 of itself and no labour: v0 = 0 would "solve" a bad economy.
    a = sp.csr_matrix([[1.2, 0.0], [0.0, 0.1]])
    with pytest.raises(PlanningError, match="not productive"):
        labour_values(a, [1.0, 1.0])


def test_negative_labour_rejected() -> None:
    with pytest.raises(PlanningError, match="negative"):
        labour_values(sp.csr_matrix([[0.1]]), [-1.0])


def test_spectral_radius_estimate() -> None:
    m = sp.csr_matrix([[0.2, 0.3], [0.1, 0.4]])
    assert spectral_radius_estimate(m) == pytest.approx(
        max(abs(np.linalg.eigvals(m.toarray()))), rel=1e-6
    )


def test_leontief_output_with_zero_demand_entries() -> None:
    a = sp.csr_matrix([[0.1, 0.2], [0.3, 0.1]])
    x = solve_leontief(a, [0.0, 5.0]).x
    assert x == pytest.approx(np.linalg.solve(np.eye(2) - a.toarray(), [0.0, 5.0]), rel=1e-10)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
    radius=st.floats(0.05, 0.95),
)
def test_values_positive_and_agree_with_dense(n: int, seed: int, radius: float) -> None:
    rng = np.random.default_rng(seed)
    dense = rng.random((n, n)) * (rng.random((n, n)) < 0.5)
    sums = dense.sum(axis=0)
    dense = dense * np.where(sums > 0, radius / np.where(sums > 0, sums, 1), 0)
    lab = rng.uniform(0.01, 5.0, n)
    r = labour_values(sp.csc_matrix(dense), lab)
    ref = np.linalg.solve(np.eye(n) - dense.T, lab)
    assert np.all(r.values > 0)
    assert np.all(r.values >= lab - 1e-12)  # never less than the direct labour
    assert r.values == pytest.approx(ref, rel=1e-8, abs=1e-10)


def test_bea_2021_labour_values_match_dense_and_reference(shared_data: Path) -> None:
    bea = bea_module.load(shared_data)
    rho = max(abs(np.linalg.eigvals(bea.a)))
    assert rho == pytest.approx(0.504, abs=5e-4)  # the data README's figure
    r = labour_values(sp.csc_matrix(bea.a), bea.labour)
    dense = np.linalg.solve(np.eye(71) - bea.a.T, bea.labour)
    assert np.max(np.abs(r.values - dense)) < 1e-10
    assert r.residual < 1e-10
    # Reference figures from the data README (mean 0.552, min 0.070, max 0.824).
    assert round(float(r.values.mean()), 3) == 0.552
    assert round(float(r.values.min()), 3) == 0.070
    assert round(float(r.values.max()), 3) == 0.824
    assert bea.names[int(np.argmin(r.values))] == "Housing"


def test_bea_2021_gross_output_for_final_demand(shared_data: Path) -> None:
    bea = bea_module.load(shared_data)
    x = solve_leontief(sp.csr_matrix(bea.a), bea.final_demand).x
    dense = np.linalg.solve(np.eye(71) - bea.a, bea.final_demand)
    assert np.max(np.abs(x - dense)) < 1e-8 * dense.max()
    # Duality: labour embodied in final demand = wages paid over the gross output.
    values = labour_values(sp.csc_matrix(bea.a), bea.labour).values
    assert float(values @ bea.final_demand) == pytest.approx(float(bea.labour @ x), rel=1e-10)


def _random_table(n: int, seed: int) -> tuple[sp.csc_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = sp.random(n, n, density=0.04, random_state=rng, format="csc")
    a = (a @ sp.diags(0.7 / np.maximum(np.asarray(a.sum(axis=0)).ravel(), 1e-9))).tocsc()
    return a, rng.uniform(0.1, 3.0, n)


@pytest.mark.parametrize("method", ["bicgstab", "neumann"])
def test_linear_operator_and_warm_start_match_dense(method: str) -> None:
    a, lab = _random_table(250, 11)
    at = a.T.tocsr()
    op = sp.linalg.LinearOperator(at.shape, matvec=lambda v: at @ v, dtype=np.float64)
    dense = np.linalg.solve(np.eye(250) - a.toarray().T, lab)
    cold = solve_leontief(op, lab, method=method)  # type: ignore[arg-type]
    assert np.max(np.abs(cold.x - dense)) < 1e-9 * dense.max()
    assert cold.residual < 1e-10 * dense.max()
    # From a start already near the answer, fewer iterations reach the same answer.
    warm = solve_leontief(op, lab, method=method, start=dense * (1 + 1e-7))  # type: ignore[arg-type]
    assert np.max(np.abs(warm.x - dense)) < 1e-9 * dense.max()
    assert warm.iterations < cold.iterations


def test_64_bit_indices_are_compacted_without_changing_the_answer() -> None:
    a, lab = _random_table(200, 5)
    wide = sp.csc_matrix(
        (a.data, a.indices.astype(np.int64), a.indptr.astype(np.int64)), shape=a.shape
    )
    narrow = compact_indices(wide)
    assert narrow.indices.dtype == np.int32 and narrow.indptr.dtype == np.int32
    assert np.shares_memory(narrow.data, wide.data)  # the coefficients are not copied
    dense = np.linalg.solve(np.eye(200) - a.toarray().T, lab)
    assert labour_values(wide, lab).values == pytest.approx(dense, rel=1e-10)
