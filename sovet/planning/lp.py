"""The least-labour plan within capacities: a linear programme.

    minimise   l · x                      (total labour)
    subject to x_out − A x ≥ d            (every need met: net output ≥ demand)
               0 ≤ x ≤ c                  (no technique beyond its capacity)

``x`` is the activity of every technique. Three solvers:

* ``simplex`` — HiGHS dual simplex (through SciPy), exact basic solutions and
  duals, for small economies. When the needs cannot all be met it solves two
  more LPs: first the least total *relative* shortfall ``Σ u_i / d_i``, then the
  least labour at that shortfall; it reports each unmet need, the capacities
  that bind and their shadow prices (how much the shortfall falls per extra
  unit of capacity).
* ``merit`` — for large economies: rounds of the merit order
  (:mod:`sovet.planning.merit`), in which each product's techniques cheaper
  than its price run at capacity and one marginal technique makes the rest,
  the plan and prices solved by Krylov iteration. Every round is repaired to
  meet every need and certified; the rounds stop once the certified gap is at
  most ``gap`` (default :data:`GAP`), and if they cannot get there PDLP
  continues from the last round.
* ``pdlp`` — a first-order primal–dual method (PDLP, from OR-Tools) for large
  economies, on the LP *rescaled* so each technique's activity is measured in
  units of its expected level (the uncapacitated least-labour plan, capped at
  capacity) and each product's balance in units of its expected output. A
  repair pass then adds, through the Leontief inverse of the techniques in use,
  exactly what is needed so every need is met; any capacity overrun left is
  reported as a shortage of that capacity. ``highs-pdlp`` runs the same
  rescaled LP, repair and certificate through HiGHS's PDLP instead (many
  times slower on the benchmark economies; kept for comparison).

Every result is checked: the primal feasibility residual is measured, and the
demand prices ``y`` give a lower bound ``d·y − Σ c_k max(0, (Nᵀy − l)_k)`` on
the least labour (LP duality), so the relative optimality ``gap`` is reported.

>>> from sovet.planning.technology import square
>>> t = square(("grain", "tools"), [[0.1, 0.2], [0.05, 0.0]], [1.0, 2.0], [20.0, 0.5])
>>> r = capacity_plan(t, np.array([10.0, 0.0]))
>>> r.status, [round(x, 6) for x in r.output.tolist()], [round(x, 6) for x in r.unmet.tolist()]
('infeasible', [10.0, 0.5], [1.1, 0.0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from sovet.errors import PlanningError
from sovet.planning.certificate import (
    best_prices,
    lower_bound,
    net_matrix,
    optimality_gap,
    repair,
    tighten,
)
from sovet.planning.merit import merit_order
from sovet.planning.plan import Plan, least_labour_plan
from sovet.planning.technology import BoolArray, FloatArray, Technology

__all__ = ["GAP", "SIMPLEX_LIMIT", "LpMethod", "LpPlan", "capacity_plan", "optimality_gap"]

LpMethod = Literal["auto", "simplex", "merit", "pdlp", "highs-pdlp"]
SIMPLEX_LIMIT = 2_000
"""Economies with more techniques than this go to the merit order under ``method="auto"``."""
GAP = 5e-4
"""Default target for the certified relative gap of the merit order (0.05% of the labour)."""


@dataclass(frozen=True, slots=True, eq=False)
class LpPlan:
    """The plan within capacities, its shortages and its certificate."""

    status: Literal["optimal", "infeasible"]
    method: str
    activity: FloatArray
    """Units made by each technique."""
    output: FloatArray
    """Gross output of each product."""
    labour: float
    unmet: FloatArray
    """Per product: need not met (simplex) or capacity overrun needed to meet it (pdlp)."""
    binding: BoolArray
    """Per technique: at its capacity."""
    shadow_prices: FloatArray
    """Per technique: fall in the objective per extra unit of capacity."""
    prices: FloatArray
    """Per product: dual price of its need (labour per unit at the margin)."""
    feasibility: float
    """Largest violation of a need or a capacity, in units."""
    gap: float
    """Relative gap between the labour and the dual lower bound (inf if none)."""
    iterations: int
    """Simplex or PDLP iterations."""
    rounds: int = 0
    """Merit-order rounds (0 for the other methods)."""


def _bounds(tech: Technology) -> FloatArray:
    return np.column_stack([np.zeros(tech.n_techniques), tech.capacity])


def _status_ok(res: Any) -> bool:
    return bool(res.status == 0)


def _simplex(tech: Technology, d: FloatArray) -> LpPlan:
    n, k = tech.n_products, tech.n_techniques
    net = net_matrix(tech)
    res = linprog(tech.labour, A_ub=-net, b_ub=-d, bounds=_bounds(tech), method="highs-ds")
    if res.status == 0:
        x = np.asarray(res.x)
        prices = -np.asarray(res.ineqlin.marginals)
        shadow = -np.asarray(res.upper.marginals)
        return _finish(tech, d, "simplex", x, np.zeros(n), prices, shadow, int(res.nit))
    if res.status != 2:
        raise PlanningError(f"the LP solver stopped: {res.message}")
    # Needs cannot all be met: least relative shortfall, then least labour at it.
    need = np.flatnonzero(d > 0)
    m = need.size
    u_cols = sp.csc_matrix((np.ones(m), (need, np.arange(m))), shape=(n, m))
    a_ub = sp.hstack([-net, -u_cols]).tocsc()
    weights = 1.0 / d[need]
    bounds = np.vstack([_bounds(tech), np.column_stack([np.zeros(m), d[need]])])
    cost1 = np.concatenate([np.zeros(k), weights])
    first = linprog(cost1, A_ub=a_ub, b_ub=-d, bounds=bounds, method="highs-ds")
    if first.status != 0:
        raise PlanningError(f"the shortage LP could not be solved: {first.message}")
    level = float(first.fun)
    shadow = -np.asarray(first.upper.marginals)[:k]
    cost2 = np.concatenate([tech.labour, np.zeros(m)])
    a2 = sp.vstack([a_ub, sp.csr_matrix(cost1)]).tocsc()
    b2 = np.concatenate([-d, [level + 1e-9 * max(1.0, level)]])
    second = linprog(cost2, A_ub=a2, b_ub=b2, bounds=bounds, method="highs-ds")
    sol = second if second.status == 0 else first
    x = np.asarray(sol.x)[:k]
    unmet = np.zeros(n)
    unmet[need] = np.asarray(sol.x)[k:]
    prices = -np.asarray(first.ineqlin.marginals)[:n]
    return _finish(tech, d, "simplex", x, unmet, prices, shadow, int(first.nit) + int(second.nit))


def _levels(tech: Technology, expected: FloatArray | None, base: Plan) -> FloatArray:
    """Each technique's expected level: ``expected``, else the uncapacitated plan, capped."""
    e = base.activity if expected is None else np.asarray(expected, dtype=np.float64)
    e = np.minimum(e, tech.capacity)
    positive = e[e > 0]
    fill = float(np.median(positive)) if positive.size else 1.0
    floor = 1e-9 * (float(positive.max()) if positive.size else 1.0)
    return np.asarray(np.where(e > floor, e, fill), dtype=np.float64)


def _scaled(tech: Technology, d: FloatArray, e: FloatArray) -> tuple[FloatArray, Any]:
    """Row scales ``r`` and the matrix rescaled by ``r`` (rows) and ``e`` (columns)."""
    gross = np.bincount(tech.produces, weights=e, minlength=tech.n_products)
    r = np.maximum(np.maximum(gross, d), 1e-12)
    scaled = (sp.diags(1.0 / r) @ net_matrix(tech) @ sp.diags(e)).tocsc()
    scaled.sort_indices()
    return np.asarray(r, dtype=np.float64), scaled


Start = tuple[FloatArray, FloatArray]
"""A plan and prices (unscaled) to warm-start PDLP from."""


def _solve_pdlp(
    tech: Technology,
    d: FloatArray,
    e: FloatArray,
    r: FloatArray,
    a: Any,
    tol: float,
    limit: int,
    start: Start | None = None,
) -> tuple[FloatArray | None, FloatArray | None, int]:
    """First-order solve of the rescaled LP: its activities, its duals (if usable), iterations."""
    from ortools.pdlp import solve_log_pb2, solvers_pb2
    from ortools.pdlp.python import pdlp

    n, k = tech.n_products, tech.n_techniques
    qp = pdlp.QuadraticProgram()
    qp.objective_vector = tech.labour * e
    qp.constraint_matrix = a
    qp.constraint_lower_bounds = d / r
    qp.constraint_upper_bounds = np.full(n, np.inf)
    qp.variable_lower_bounds = np.zeros(k)
    qp.variable_upper_bounds = np.where(np.isfinite(tech.capacity), tech.capacity / e, np.inf)
    params = solvers_pb2.PrimalDualHybridGradientParams()
    criteria = params.termination_criteria.simple_optimality_criteria
    criteria.eps_optimal_relative = tol
    criteria.eps_optimal_absolute = tol
    params.termination_criteria.iteration_limit = limit
    params.num_threads = 2
    initial = None
    if start is not None:
        initial = pdlp.PrimalAndDualSolution()
        initial.primal_solution = np.minimum(start[0], tech.capacity) / e
        initial.dual_solution = start[1] * r
    result = pdlp.primal_dual_hybrid_gradient(qp, params, initial)
    reason = result.solve_log.termination_reason
    iterations = int(result.solve_log.iteration_count)
    reasons = solve_log_pb2.TerminationReason
    # An infeasible LP leaves no plan worth repairing (the repair starts from
    # nothing and reports the overrun); a numerical failure likewise.
    failed = reason in (
        reasons.Value("TERMINATION_REASON_PRIMAL_INFEASIBLE"),
        reasons.Value("TERMINATION_REASON_PRIMAL_OR_DUAL_INFEASIBLE"),
        reasons.Value("TERMINATION_REASON_INVALID_PROBLEM"),
        reasons.Value("TERMINATION_REASON_NUMERICAL_ERROR"),
    )
    if failed:
        return None, None, iterations
    # Stopped at the iteration limit or short of ``tol``: the iterate is still
    # used; the repair pass makes it feasible and the gap measures how good it is.
    x = np.asarray(result.primal_solution, dtype=np.float64)
    y = np.asarray(result.dual_solution, dtype=np.float64)
    duals = y if y.shape == (n,) else None
    return (x if x.shape == (k,) else None), duals, iterations


def _solve_highs_pdlp(
    tech: Technology, d: FloatArray, e: FloatArray, r: FloatArray, a: Any, tol: float, limit: int
) -> tuple[FloatArray | None, FloatArray | None, int]:
    """The same rescaled LP through HiGHS's PDLP (kept for comparison)."""
    import highspy

    n, k = tech.n_products, tech.n_techniques
    lp = highspy.HighsLp()
    lp.num_col_ = k
    lp.num_row_ = n
    lp.col_cost_ = tech.labour * e
    lp.col_lower_ = np.zeros(k)
    lp.col_upper_ = np.where(np.isfinite(tech.capacity), tech.capacity / e, highspy.kHighsInf)
    lp.row_lower_ = d / r
    lp.row_upper_ = np.full(n, highspy.kHighsInf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    lp.a_matrix_.num_col_ = k
    lp.a_matrix_.num_row_ = n
    h: Any = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "pdlp")
    h.setOptionValue("pdlp_optimality_tolerance", tol)
    h.setOptionValue("pdlp_iteration_limit", limit)
    h.setOptionValue("presolve", "off")
    h.passModel(lp)
    h.run()
    solution = h.getSolution()
    iterations = int(h.getInfo().pdlp_iteration_count)
    # Status "unknown" (good to ``tol``, short of HiGHS's own 1e-7 checks) still counts.
    usable = h.getModelStatus() not in (
        highspy.HighsModelStatus.kInfeasible,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    )
    x = np.asarray(solution.col_value) if len(solution.col_value) == k else None
    ok = usable and solution.dual_valid and len(solution.row_dual) == n
    return x, (np.asarray(solution.row_dual) if ok else None), iterations


def _pdlp(
    tech: Technology,
    d: FloatArray,
    expected: FloatArray | None,
    tol: float,
    limit: int,
    solver: str = "pdlp",
) -> LpPlan:
    n, k = tech.n_products, tech.n_techniques
    base = least_labour_plan(tech, d)
    e = _levels(tech, expected, base)
    if solver == "pdlp":
        plan, mended, iterations = _polish(tech, d, e, tol, limit, None)
    else:
        r, scaled = _scaled(tech, d, e)
        xs, ys, iterations = _solve_highs_pdlp(tech, d, e, r, scaled, tol, limit)
        plan = None if xs is None else repair(tech, d, np.clip(xs * e, 0.0, tech.capacity))
        mended = None if ys is None else tighten(tech, np.maximum(ys, 0.0) / r)
    # An infeasible or failed run leaves no plan (the repair starts from nothing
    # and reports the overrun) and no trustworthy prices.
    x = repair(tech, d, np.zeros(k)) if plan is None else plan
    prices = np.zeros(n) if mended is None else mended
    return _conclude(tech, d, solver, x, prices, base.values, 0, iterations)


def _merit(
    tech: Technology,
    d: FloatArray,
    expected: FloatArray | None,
    tol: float,
    limit: int,
    target: float,
    rounds: int,
) -> LpPlan:
    """Merit-order rounds; PDLP from their best plan and prices while the gap exceeds ``target``."""
    base = least_labour_plan(tech, d)
    net = net_matrix(tech)
    m = merit_order(tech, d, base, rounds=rounds, target=target, net=net)
    if m.gap <= target or limit <= 0:
        return _conclude(tech, d, "merit", m.activity, m.prices, base.values, m.rounds, 0, net)
    plan, prices = m.activity, m.prices
    polished, duals, iterations = _polish(
        tech, d, _levels(tech, expected, base), tol, limit, m.start
    )
    if polished is not None:
        overrun = float(np.maximum(polished - tech.capacity, 0.0).sum())
        if (overrun, float(tech.labour @ polished)) < (m.overrun, m.labour):
            plan = polished
    if duals is not None and lower_bound(tech, net, d, duals) > m.bound:
        prices = duals
    return _conclude(tech, d, "merit+pdlp", plan, prices, base.values, m.rounds, iterations, net)


def _polish(
    tech: Technology, d: FloatArray, e: FloatArray, tol: float, limit: int, start: Start | None
) -> tuple[FloatArray | None, FloatArray | None, int]:
    """PDLP from ``start``: its repaired plan and mended prices (``None`` if unusable).

    Rule: an optimal plan often runs a technique at exactly its capacity, and
    PDLP's approximate one then needs a hair more than the capacity once
    repaired (1e-5 units seen at tolerance 1e-6); rather than report that as a
    shortage, PDLP continues from where it stopped at a hundredth of the
    tolerance (down to 1e-10) and the smaller overrun is kept.
    """
    r, scaled = _scaled(tech, d, e)
    xs, ys, iterations = _solve_pdlp(tech, d, e, r, scaled, tol, limit, start)
    if xs is None:
        return None, None, iterations
    plan = repair(tech, d, np.clip(xs * e, 0.0, tech.capacity))
    over = _overrun(tech, plan)
    if 0 < over <= 1e-3 and tol > 1e-10 and ys is not None:
        again = (xs * e, np.maximum(ys, 0.0) / r)
        xs2, ys2, more = _solve_pdlp(tech, d, e, r, scaled, max(tol * 1e-2, 1e-10), limit, again)
        iterations += more
        if xs2 is not None:
            plan2 = repair(tech, d, np.clip(xs2 * e, 0.0, tech.capacity))
            if _overrun(tech, plan2) < over:
                plan, ys = plan2, ys2
    prices = tighten(tech, np.maximum(ys, 0.0) / r) if ys is not None else None
    return plan, prices, iterations


def _overrun(tech: Technology, x: FloatArray) -> float:
    """The largest overrun of a capacity, relative to the capacity (at least 1 unit)."""
    over = np.maximum(x - tech.capacity, 0.0) / np.maximum(tech.capacity, 1.0)
    return float(over.max(initial=0.0))


def _conclude(
    tech: Technology,
    d: FloatArray,
    method: str,
    x: FloatArray,
    prices: FloatArray,
    base_values: FloatArray,
    rounds: int,
    iterations: int,
    net: Any = None,
) -> LpPlan:
    """A repaired plan and mended prices as an :class:`LpPlan`: overruns become shortages.

    ``net`` is the caller's :func:`net_matrix`, if it has built one already.
    """
    n = tech.n_products
    overrun = np.maximum(x - tech.capacity, 0.0)
    overrun = np.where(overrun > 1e-6 * np.maximum(tech.capacity, 1.0), overrun, 0.0)
    unmet = np.bincount(tech.produces, weights=overrun, minlength=n).astype(np.float64)
    net = net_matrix(tech) if net is None else net
    if bool(overrun.any()):  # the LP had no feasible plan: its duals mean nothing
        prices = np.zeros(n)
    else:
        prices = best_prices(tech, net, d, prices, base_values)[0]
    shadow = np.where(
        np.isfinite(tech.capacity), np.maximum(net.T @ prices - tech.labour, 0.0), 0.0
    )
    return _finish(
        tech,
        d,
        method,
        x,
        unmet,
        prices,
        shadow,
        iterations,
        relative_tol=1e-3,
        rounds=rounds,
        matrix=net,
    )


def _finish(
    tech: Technology,
    d: FloatArray,
    method: str,
    x: FloatArray,
    unmet: FloatArray,
    prices: FloatArray,
    shadow: FloatArray,
    iterations: int,
    relative_tol: float = 1e-7,
    rounds: int = 0,
    matrix: Any = None,
) -> LpPlan:
    x = np.maximum(x, 0.0)
    net = tech.net_output(x)
    short = np.maximum(d - unmet - net, 0.0)
    scale = max(float(np.max(d)) if d.size else 1.0, 1.0)
    finite = np.isfinite(tech.capacity)
    cap = np.where(finite, tech.capacity, 0.0)
    over = np.where(finite, x - cap, 0.0)
    if method != "simplex":
        over = np.zeros_like(over)  # overruns are reported as shortages instead
        unmet_floor = np.zeros_like(d)
    else:
        unmet_floor = relative_tol * np.maximum(d, 1.0)
    feasibility = float(max(short.max(initial=0.0), over.max(initial=0.0)))
    if feasibility > 1e-6 * scale:
        raise PlanningError(f"the {method} plan fails a need or capacity by {feasibility:.3g}")
    labour = float(tech.labour @ x)
    at_cap = finite & (x >= cap * (1 - relative_tol) - 1e-12) & (cap > 0)
    at_cap |= finite & (cap == 0)
    status: Literal["optimal", "infeasible"] = (
        "infeasible" if bool(np.any(unmet > unmet_floor)) else "optimal"
    )
    optimal = status == "optimal"
    gap = optimality_gap(tech, d, labour, prices, matrix) if optimal else float("nan")
    return LpPlan(
        status=status,
        method=method,
        activity=x,
        output=np.bincount(tech.produces, weights=x, minlength=tech.n_products).astype(np.float64),
        labour=labour,
        unmet=np.where(unmet > unmet_floor, unmet, 0.0),
        binding=at_cap,
        shadow_prices=np.where(finite, np.maximum(shadow, 0.0), 0.0),
        prices=prices,
        feasibility=feasibility,
        gap=gap,
        iterations=iterations,
        rounds=rounds,
    )


def capacity_plan(
    tech: Technology,
    demand: FloatArray,
    *,
    method: LpMethod = "auto",
    expected: FloatArray | None = None,
    gap: float = GAP,
    rounds: int = 8,
    tol: float = 1e-6,
    iteration_limit: int = 200_000,
) -> LpPlan:
    """The least-labour plan that respects every capacity, or the shortages if none does.

    Rule: the LP above; ``auto`` uses simplex up to :data:`SIMPLEX_LIMIT`
    techniques and the merit order beyond. ``merit`` runs up to ``rounds``
    merit-order rounds (:mod:`sovet.planning.merit`) and, while their certified
    relative gap exceeds ``gap``, polishes with PDLP warm-started from their
    best plan and prices. ``pdlp`` runs rescaled PDLP from scratch
    (``highs-pdlp`` through HiGHS's PDLP). ``expected`` gives each technique's
    expected level for the rescaling (previous plan or declared capacity); by
    default the uncapacitated least-labour plan. PDLP stops at relative
    tolerance ``tol`` or after ``iteration_limit`` iterations; the repair pass
    and the reported gap make every answer usable.
    """
    d = np.asarray(demand, dtype=np.float64)
    if d.shape != (tech.n_products,):
        raise PlanningError(f"demand must have {tech.n_products} entries, got {d.shape}")
    if d.size and float(d.min()) < 0:
        raise PlanningError(f"demand for {tech.products[int(np.argmin(d))]!r} is negative")
    if not gap >= 0:
        raise PlanningError(f"the gap must be a number at least 0, got {gap!r}")
    if method == "auto":
        method = "simplex" if tech.n_techniques <= SIMPLEX_LIMIT else "merit"
    if method == "simplex":
        return _simplex(tech, d)
    if method == "merit":
        return _merit(tech, d, expected, tol, iteration_limit, gap, rounds)
    if method in ("pdlp", "highs-pdlp"):
        return _pdlp(tech, d, expected, tol, iteration_limit, method)
    raise PlanningError(
        f"unknown LP method {method!r}: use auto, simplex, merit, pdlp or highs-pdlp"
    )
