"""Labour values: ``v = vA + l`` solved by sparse iteration, never by factorising.

The labour value of a product is the labour used directly to make one unit of it
plus the labour value of everything used up in making it (vertically integrated
labour). With ``A[i, j]`` the units of product ``i`` used per unit of ``j`` and
``l[j]`` the direct hours per unit, the values solve ``v = Aᵀ v + l``.

Sparse LU of ``I − A`` fills in to a dense-like factor on large economies, so
this module uses BiCGSTAB (Krylov) or the Neumann series ``v ← l + Aᵀ v``, and
always reports the true residual ``max |v − Aᵀv − l|``. An economy is
*productive* when the spectral radius of ``A`` is below 1; then every value is
positive whenever every direct labour is positive (Perron–Frobenius). When the
solve does not converge, or gives a value that is not positive, the economy is
named as not productive with an estimate of its spectral radius.

>>> import scipy.sparse as sp
>>> a = sp.csr_matrix([[0.0, 0.5], [0.25, 0.0]])
>>> r = labour_values(a, [1.0, 1.0])
>>> [round(x, 9) for x in r.values.tolist()], r.residual < 1e-9
([1.428571429, 1.714285714], True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.linalg.blas import daxpy as axpy

from sovet.errors import PlanningError
from sovet.planning.technology import FloatArray

__all__ = [
    "LeontiefSolution",
    "Method",
    "Values",
    "compact_indices",
    "labour_values",
    "solve_leontief",
    "spectral_radius_estimate",
]

Method = Literal["bicgstab", "neumann"]


@dataclass(frozen=True, slots=True, eq=False)
class LeontiefSolution:
    """``x`` solving ``x = M x + b``, with the true residual and iteration count."""

    x: FloatArray
    residual: float
    iterations: int
    method: str

    @property
    def values(self) -> FloatArray:
        """``x`` under the name used for labour values."""
        return self.x


Values = LeontiefSolution
"""Labour values are a Leontief solution with ``M = Aᵀ`` and ``b = l``."""


def spectral_radius_estimate(m: Any, iterations: int = 200) -> float:
    """Estimate the spectral radius of a non-negative matrix by power iteration.

    Rule: for ``M ≥ 0`` and a positive start, ``‖Mᵏ1‖^(1/k)`` tends to ``ρ(M)``;
    the geometric mean of the last growth ratios is returned.

    >>> import scipy.sparse as sp
    >>> round(spectral_radius_estimate(sp.csr_matrix([[0.0, 2.0], [0.5, 0.0]])), 6)
    1.0
    """
    n = m.shape[0]
    if n == 0:
        return 0.0
    x = np.ones(n)
    logs: list[float] = []
    for _ in range(iterations):
        y = m @ x
        s = float(np.abs(y).sum())
        if s == 0.0:
            return 0.0
        logs.append(float(np.log(s / float(np.abs(x).sum()))))
        x = y / s * n
    tail = logs[len(logs) // 2 :]
    return float(np.exp(np.mean(tail)))


def _residual(m: Any, x: FloatArray, b: FloatArray) -> float:
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - m @ x - b)))


def _not_productive(m: Any, why: str) -> PlanningError:
    rho = spectral_radius_estimate(m)
    return PlanningError(
        f"the economy is not productive ({why}): the spectral radius of the "
        f"coefficient table is about {rho:.4g}, and it must be below 1 — some products "
        "use up, directly or through their inputs, at least as much as they make"
    )


def _norm(x: FloatArray) -> float:
    """Largest absolute entry, in two passes without a temporary array."""
    return max(float(x.max()), -float(x.min())) if x.size else 0.0


def _neumann(
    m: Any, b: FloatArray, tol: float, max_iterations: int, x0: FloatArray | None = None
) -> tuple[FloatArray, int]:
    """``x ← b + M x`` until the step (= the residual of the last iterate) is below ``tol``."""
    x = b.copy() if x0 is None else np.array(x0, dtype=np.float64)
    scale = max(_norm(b), 1e-300)
    previous = np.inf
    growing = 0
    for k in range(1, max_iterations + 1):
        nxt = m @ x
        nxt += b
        x -= nxt  # x now holds minus the step
        step = _norm(x)
        x = nxt
        if step <= tol * max(scale, _norm(x)):
            return x, k
        growing = growing + 1 if step >= previous else 0
        if growing >= 25 or not np.isfinite(step):
            raise _not_productive(m, "the Neumann series does not shrink")
        previous = step
    raise _not_productive(m, f"no convergence in {max_iterations} iterations")


def _axpy(x: FloatArray, y: FloatArray, a: float) -> None:
    """``y += a x`` in place, without a temporary array."""
    if x.flags.c_contiguous and y.flags.c_contiguous and x.size > 1:
        axpy(x, y, a=a)
    else:
        y += a * x


class _Breakdown(Exception):
    """A Krylov recurrence divided by zero: says nothing about the economy."""


def _bicgstab_steps(
    m: Any, b: FloatArray, x: FloatArray, tol: float, max_iterations: int
) -> tuple[FloatArray, int]:
    """BiCGSTAB on ``(I − M) x = b`` from ``x`` (updated in place), two products per step.

    Stops when the recurrence's residual is below ``tol · max(|b|, |x|)`` in the
    max-norm, also half-way through a step (saving one product with ``M``).
    """
    r = m @ x
    r += b
    r -= x  # r = b − (I − M) x
    r_hat = r.copy()
    p = r.copy()
    v = np.zeros_like(b)
    rho = alpha = omega = 1.0
    scale = _norm(b)
    for k in range(1, max_iterations + 1):
        rho_new = float(r_hat @ r)
        if rho_new == 0.0:
            raise _Breakdown
        if k > 1:
            beta = (rho_new / rho) * (alpha / omega)
            _axpy(v, p, -omega)
            p *= beta
            p += r
        rho = rho_new
        v = m @ p
        np.subtract(p, v, out=v)  # v = (I − M) p
        denominator = float(r_hat @ v)
        if denominator == 0.0:
            raise _Breakdown
        alpha = rho / denominator
        _axpy(v, r, -alpha)  # r is now s
        _axpy(p, x, alpha)
        if _norm(r) <= tol * max(scale, _norm(x)):
            return x, k
        t = m @ r
        np.subtract(r, t, out=t)  # t = (I − M) s
        tt = float(t @ t)
        if tt == 0.0:
            raise _Breakdown
        omega = float(t @ r) / tt
        if not np.isfinite(omega) or omega == 0.0:
            raise _Breakdown
        _axpy(r, x, omega)
        _axpy(t, r, -omega)
        if _norm(r) <= tol * max(scale, _norm(x)):
            return x, k
    return x, -1


def _bicgstab(
    m: Any, b: FloatArray, tol: float, max_iterations: int, x0: FloatArray | None
) -> tuple[FloatArray, int, float]:
    """BiCGSTAB with restarts; returns ``(x, steps, true residual)``.

    Starts from ``x0`` or ``b`` (one term of the Neumann series: positive, and
    its residual ``M b`` costs one product). The recurrence's residual drifts
    from the true one in floating point: the true residual is measured after
    convergence and, if more than ten times the target, the iteration restarts
    from there (at most twice). A breakdown finishes by Neumann iteration.
    """
    x = b.copy() if x0 is None else np.array(x0, dtype=np.float64)
    total = 0
    residual = np.inf
    for _ in range(3):
        try:
            x, steps = _bicgstab_steps(m, b, x, tol, max_iterations - total)
        except _Breakdown:
            steps = 0
        if steps < 0:
            raise _not_productive(m, f"BiCGSTAB did not converge in {max_iterations} iterations")
        if steps == 0 or not np.all(np.isfinite(x)):
            x, more = _neumann(m, b, tol, max_iterations)
            return x, total + more, _residual(m, x, b)
        total += steps
        residual = _residual(m, x, b)
        if residual <= 10 * tol * max(_norm(b), _norm(x)):
            break
    return x, total, residual


def compact_indices(m: Any) -> Any:
    """The same matrix with 32-bit indices when they fit (less memory to stream per product)."""
    if not sp.issparse(m) or m.format not in ("csr", "csc"):
        return m
    small = np.iinfo(np.int32).max
    if m.indices.dtype == np.int32 and m.indptr.dtype == np.int32:
        return m
    if m.nnz >= small or max(m.shape) >= small:
        return m
    cls = sp.csr_matrix if m.format == "csr" else sp.csc_matrix
    out = cls(m.shape, dtype=np.float64)
    out.data = m.data
    out.indices = m.indices.astype(np.int32)
    out.indptr = m.indptr.astype(np.int32)
    return out


def solve_leontief(
    m: Any,
    b: Sequence[float] | FloatArray,
    *,
    method: Method = "bicgstab",
    tol: float = 1e-11,
    max_iterations: int = 5_000,
    check_productive: bool = True,
    start: FloatArray | None = None,
) -> LeontiefSolution:
    """Solve ``x = M x + b`` for a non-negative sparse ``M`` by iteration.

    Rule: Krylov (BiCGSTAB) or Neumann iteration until the residual's largest
    entry is below ``tol`` times the largest entry of ``x`` (or ``b``);
    ``start`` warm-starts either (e.g. the values of the last round). ``M`` may
    be a sparse matrix or a :class:`~scipy.sparse.linalg.LinearOperator`. The
    true residual is recomputed; a solution with a negative entry (or a zero
    entry where ``b`` is positive) proves the economy is not productive.

    >>> import scipy.sparse as sp
    >>> solve_leontief(sp.csr_matrix([[0.5]]), [1.0]).x.tolist()
    [2.0]
    """
    if isinstance(m, spla.LinearOperator):
        pass  # a product given as a function, e.g. a selection of a larger table
    elif not (sp.issparse(m) and m.format in ("csr", "csc") and m.dtype == np.float64):
        m = sp.csr_matrix(m, dtype=np.float64)
    m = compact_indices(m)
    rhs = np.asarray(b, dtype=np.float64)
    if m.shape != (rhs.shape[0], rhs.shape[0]):
        raise PlanningError(f"table is {m.shape}, vector has {rhs.shape[0]} entries")
    if rhs.size == 0:
        return LeontiefSolution(rhs.copy(), 0.0, 0, method)
    if not np.any(rhs):
        return LeontiefSolution(np.zeros_like(rhs), 0.0, 0, method)
    # a table far from productive (a coefficient of 1e20) overflows to inf on the way:
    # that is caught below from the solution, not left to warnings
    with np.errstate(over="ignore", invalid="ignore"):
        if method == "neumann":
            x, iterations = _neumann(m, rhs, tol, max_iterations, start)
            residual = _residual(m, x, rhs)
        elif method == "bicgstab":
            x, iterations, residual = _bicgstab(m, rhs, tol, max_iterations, start)
        else:
            raise PlanningError(f"unknown method {method!r}: use 'bicgstab' or 'neumann'")
        finite = bool(np.all(np.isfinite(x))) and math.isfinite(residual)
        if not finite:
            raise _not_productive(m, f"the solution overflows after {iterations} iterations")
    scale = float(np.max(np.abs(x)))
    if check_productive:
        if residual > max(1e-6, 1e3 * tol) * max(scale, 1.0):
            raise _not_productive(m, f"residual {residual:.3g} after {iterations} iterations")
        floor = -1e-9 * scale
        bad = (x < floor) | ((rhs > 0) & (x <= 0))
        if bool(np.any(bad)):
            raise _not_productive(m, f"entry {int(np.flatnonzero(bad)[0])} is not positive")
    return LeontiefSolution(x, residual, iterations, method)


def labour_values(
    a: Any,
    labour: Sequence[float] | FloatArray,
    *,
    method: Method = "bicgstab",
    tol: float = 1e-11,
    max_iterations: int = 5_000,
    start: FloatArray | None = None,
) -> Values:
    """Labour values ``v = vA + l`` (i.e. ``v = Aᵀv + l``) of a square table.

    Rule: vertically integrated labour (Marx's value, Leontief's employment
    multipliers), solved iteratively. Raises :class:`PlanningError` naming the
    economy as not productive when ``ρ(A) ≥ 1``.

    >>> import scipy.sparse as sp
    >>> labour_values(sp.csr_matrix([[0.5]]), [3.0]).values.tolist()
    [6.0]
    """
    l_vec = np.asarray(labour, dtype=np.float64)
    if l_vec.size and float(l_vec.min()) < 0:
        raise PlanningError(f"labour of product {int(np.argmin(l_vec))} is negative")
    at = sp.csc_matrix(a, dtype=np.float64).T  # CSC of A is CSR of Aᵀ: no copy
    return solve_leontief(
        at, l_vec, method=method, tol=tol, max_iterations=max_iterations, start=start
    )
