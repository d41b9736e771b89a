"""The array form of an economy that every solver works on.

A :class:`Technology` lists ``n`` products and ``K`` techniques. Technique ``k``
makes one unit of product ``produces[k]`` from ``inputs[:, k]`` units of the
products and ``labour[k]`` hours, and may run at most ``capacity[k]`` units in
the period (``inf`` when no limit is declared). The plain input–output table is
the special case of one technique per product (``K = n``).

>>> t = square(("grain", "tools"), [[0.1, 0.2], [0.05, 0.0]], [1.0, 2.0])
>>> t.n_products, t.n_techniques, t.is_square
(2, 2, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from sovet.errors import PlanningError

__all__ = ["BoolArray", "FloatArray", "IntArray", "Technology", "demand_vector", "square"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, eq=False)
class Technology:
    """Products, techniques and their coefficients as sparse arrays.

    ``inputs`` is an ``n × K`` CSC matrix: entry ``(i, k)`` is the units of
    product ``i`` used per unit of technique ``k``'s output.
    """

    products: tuple[str, ...]
    techniques: tuple[str, ...]
    produces: IntArray
    inputs: Any  # scipy.sparse.csc_matrix, n × K
    labour: FloatArray
    capacity: FloatArray

    def __post_init__(self) -> None:
        n, k = len(self.products), len(self.techniques)
        if self.inputs.shape != (n, k):
            raise PlanningError(f"inputs must be {n} × {k}, got {self.inputs.shape}")
        for name, arr in (("produces", self.produces), ("labour", self.labour)):
            if arr.shape != (k,):
                raise PlanningError(f"{name} must have one entry per technique ({k})")
        if self.capacity.shape != (k,):
            raise PlanningError(f"capacity must have one entry per technique ({k})")
        if k and (self.produces.min() < 0 or self.produces.max() >= n):
            raise PlanningError("a technique produces a product outside the list")
        made = np.zeros(n, dtype=bool)
        made[self.produces] = True
        if not made.all():
            missing = self.products[int(np.flatnonzero(~made)[0])]
            raise PlanningError(f"product {missing!r}: no technique makes it")

    @property
    def n_products(self) -> int:
        return len(self.products)

    @property
    def n_techniques(self) -> int:
        return len(self.techniques)

    @property
    def is_square(self) -> bool:
        """One technique per product, technique ``j`` making product ``j``."""
        return self.n_products == self.n_techniques and bool(
            np.array_equal(self.produces, np.arange(self.n_products))
        )

    def index(self) -> dict[str, int]:
        """Product name → row index."""
        return {p: i for i, p in enumerate(self.products)}

    def net_output(self, activity: FloatArray) -> FloatArray:
        """What is left for final use: output minus the inputs used up."""
        out = np.bincount(self.produces, weights=activity, minlength=self.n_products)
        return np.asarray(out - self.inputs @ activity, dtype=np.float64)

    def restrict(self, choice: IntArray) -> tuple[Any, FloatArray]:
        """The square table (CSC ``A``, labour ``l``) of one chosen technique per product."""
        return self.inputs[:, choice].tocsc(), self.labour[choice]


def square(
    products: Sequence[str],
    coefficients: Any,
    labour: Sequence[float] | FloatArray,
    capacity: Sequence[float] | FloatArray | None = None,
) -> Technology:
    """A :class:`Technology` from a square table: one technique per product.

    >>> square(("a",), [[0.5]], [1.0]).techniques
    ('a',)
    """
    n = len(products)
    a = sp.csc_matrix(coefficients, dtype=np.float64)
    cap = np.full(n, np.inf) if capacity is None else np.asarray(capacity, dtype=np.float64)
    return Technology(
        products=tuple(products),
        techniques=tuple(products),
        produces=np.arange(n, dtype=np.int64),
        inputs=a,
        labour=np.asarray(labour, dtype=np.float64),
        capacity=cap,
    )


def demand_vector(tech: Technology, demand: dict[str, float]) -> FloatArray:
    """Final demand by product name as a vector over ``tech.products``.

    >>> t = square(("a", "b"), [[0, 0], [0, 0]], [1, 1])
    >>> demand_vector(t, {"b": 3.0}).tolist()
    [0.0, 3.0]
    """
    index = tech.index()
    d = np.zeros(tech.n_products)
    for name, amount in demand.items():
        if name not in index:
            raise PlanningError(f"demand for unknown product {name!r}")
        d[index[name]] += amount
    return d
