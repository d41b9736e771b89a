"""The plain input–output interchange: ``A.csv``, ``l.csv``, ``d.csv``, ``c.csv``.

Statistics offices' tables convert to these four files:

* ``A.csv`` — a square table; the header row and the first column list the
  product names in the same order; cell ``(i, j)`` is the units of product ``i``
  used per unit of product ``j``. Blank cells read as 0.
* ``l.csv`` — ``product,labour``: hours (or any primary input) per unit; every
  product needs a row.
* ``d.csv`` — ``product,demand``: final demand; products not listed need 0.
* ``c.csv`` — ``product,capacity``: most units that can be made; products not
  listed are unlimited.

These are pure parsers of text passed in; ``path`` is only used in messages,
which always name the file, the line and the field.

>>> names, a = parse_coefficients("product,grain,tools\\ngrain,0.1,0.2\\ntools,0.05,\\n")
>>> names, a.toarray().tolist()
(('grain', 'tools'), [[0.1, 0.2], [0.05, 0.0]])
>>> parse_vector("product,labour\\ntools,2\\ngrain,1\\n", names, column="labour").tolist()
[1.0, 2.0]
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from sovet.errors import FileFormatError
from sovet.planning.technology import FloatArray, Technology, square

__all__ = [
    "VECTOR_DEFAULTS",
    "csv_records",
    "parse_coefficients",
    "parse_interchange",
    "parse_vector",
    "supply_use_coefficients",
]

VECTOR_DEFAULTS: dict[str, float | None] = {
    "labour": None,  # required for every product
    "demand": 0.0,
    "capacity": math.inf,
}


def csv_records(text: str, path: str) -> list[tuple[int, list[str]]]:
    """``(line, cells)`` for each CSV record of ``text`` (LF, CRLF or lone CR line ends);
    a malformed record is a FileFormatError naming ``path`` and its line.

    >>> csv_records('a,b\\r1,"x\\ny"\\r\\n', "f.csv")
    [(1, ['a', 'b']), (3, ['1', 'x\\ny'])]
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    out: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            out.append((reader.line_num, row))
    except csv.Error as exc:
        raise FileFormatError(f"not CSV: {exc}", path=path, line=max(reader.line_num, 1)) from None
    return out


def _number(cell: str, *, path: str, line: int, field: str, allow_inf: bool = False) -> float:
    raw = cell.strip()
    try:
        value = float(raw)
    except ValueError:
        raise FileFormatError(
            f"field {field!r}: {raw!r} is not a number", path=path, line=line
        ) from None
    if math.isnan(value) or (math.isinf(value) and not (allow_inf and value > 0)):
        raise FileFormatError(
            f"field {field!r}: {raw!r} is not a finite number", path=path, line=line
        )
    if value < 0:
        raise FileFormatError(f"field {field!r}: {raw!r} is negative", path=path, line=line)
    return value


def parse_coefficients(text: str, *, path: str = "A.csv") -> tuple[tuple[str, ...], Any]:
    """Parse ``A.csv`` into product names and a sparse CSC coefficient matrix.

    Rule: square table, header names equal first-column names in order,
    non-negative finite numbers, blank = 0.
    """
    rows = csv_records(text, path)
    if not rows or not any(cell.strip() for cell in rows[0][1]):
        raise FileFormatError(
            "empty file: expected a header row of product names", path=path, line=1
        )
    header = [cell.strip() for cell in rows[0][1][1:]]
    if not header:
        raise FileFormatError("header row names no products", path=path, line=1)
    seen: set[str] = set()
    for col, name in enumerate(header, start=2):
        if not name:
            raise FileFormatError(f"header column {col}: empty product name", path=path, line=1)
        if name in seen:
            raise FileFormatError(f"header: product {name!r} listed twice", path=path, line=1)
        seen.add(name)
    n = len(header)
    body = [(i, r) for i, r in rows[1:] if any(c.strip() for c in r)]
    if len(body) != n:
        raise FileFormatError(
            f"table is not square: {n} product columns but {len(body)} product rows",
            path=path,
            line=rows[-1][0],
        )
    row_idx: list[int] = []
    col_idx: list[int] = []
    vals: list[float] = []
    for i, (line, row) in enumerate(body):
        name = row[0].strip()
        if name != header[i]:
            raise FileFormatError(
                f"field 'product': row {name!r} where the header has {header[i]!r} "
                "(rows must list the products in the header's order)",
                path=path,
                line=line,
            )
        if len(row) != n + 1:
            raise FileFormatError(
                f"product {name!r}: {len(row) - 1} cells, expected {n}", path=path, line=line
            )
        for j, cell in enumerate(row[1:]):
            if not cell.strip():
                continue
            value = _number(cell, path=path, line=line, field=header[j])
            if value:
                row_idx.append(i)
                col_idx.append(j)
                vals.append(value)
    matrix = sp.csc_matrix((vals, (row_idx, col_idx)), shape=(n, n), dtype=np.float64)
    return tuple(header), matrix


def parse_vector(
    text: str,
    products: Sequence[str],
    *,
    column: str,
    path: str | None = None,
) -> FloatArray:
    """Parse a ``product,<column>`` file into a vector over ``products``.

    Rule: each product at most once; names must be in ``A.csv``; values
    non-negative (``inf`` allowed for capacity); missing products take the
    column's default (labour has none: every product needs a row).
    """
    where = path or f"{column[0]}.csv"
    rows = csv_records(text, where)
    if not rows:
        raise FileFormatError(f"empty file: expected header 'product,{column}'", path=where, line=1)
    head = [c.strip().lower() for c in rows[0][1]]
    if head[:2] != ["product", column]:
        shown = ",".join(rows[0][1])[:80]
        raise FileFormatError(
            f"header must be 'product,{column}', got {shown!r}", path=where, line=rows[0][0]
        )
    index = {p: i for i, p in enumerate(products)}
    default = VECTOR_DEFAULTS.get(column, 0.0)
    out = np.full(len(products), np.nan if default is None else default)
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        if not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise FileFormatError(f"field {column!r}: missing", path=where, line=line)
        name = row[0].strip()
        if name not in index:
            raise FileFormatError(
                f"field 'product': {name!r} is not a product of the coefficient table",
                path=where,
                line=line,
            )
        if name in seen:
            raise FileFormatError(
                f"field 'product': {name!r} already given on line {seen[name]}",
                path=where,
                line=line,
            )
        seen[name] = line
        out[index[name]] = _number(
            row[1], path=where, line=line, field=column, allow_inf=column == "capacity"
        )
    if default is None and len(seen) < len(products):
        missing = [p for p in products if p not in seen]
        raise FileFormatError(
            f"field {column!r}: no row for product {missing[0]!r}"
            + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
            path=where,
        )
    return out


def parse_interchange(
    coefficients: str,
    labour: str,
    *,
    capacity: str | None = None,
    paths: dict[str, str] | None = None,
) -> Technology:
    """Parse ``A.csv``, ``l.csv`` and optionally ``c.csv`` into a square :class:`Technology`.

    >>> t = parse_interchange("p,a\\na,0.5\\n", "product,labour\\na,1\\n")
    >>> t.products, t.labour.tolist()
    (('a',), [1.0])
    """
    names = paths or {}
    products, a = parse_coefficients(coefficients, path=names.get("coefficients", "A.csv"))
    l_vec = parse_vector(labour, products, column="labour", path=names.get("labour", "l.csv"))
    cap = (
        None
        if capacity is None
        else parse_vector(
            capacity, products, column="capacity", path=names.get("capacity", "c.csv")
        )
    )
    return square(products, a, l_vec, cap)


def supply_use_coefficients(use: Any, supply: Any, output: Any) -> Any:
    """Industry-by-industry coefficients from a supply–use pair (industry technology).

    Rule (Eurostat/UN handbook, model D): with ``U`` the use table (commodities ×
    industries), ``V`` the supply table (commodities × industries) and ``g``
    industry output, ``B = U / g`` (inputs per unit of industry output),
    ``D = (V / q)ᵀ`` with ``q`` the row sums of ``V`` (market shares), and
    ``A = D B``.

    >>> supply_use_coefficients([[1.0, 2.0], [3.0, 0.0]], [[10.0, 0.0], [0.0, 5.0]], [10.0, 5.0])
    array([[0.1, 0.4],
           [0.3, 0. ]])
    """
    u = np.asarray(use, dtype=np.float64)
    v = np.asarray(supply, dtype=np.float64)
    g = np.asarray(output, dtype=np.float64)
    if u.shape != v.shape or u.shape[1] != g.shape[0]:
        raise FileFormatError(f"use {u.shape}, supply {v.shape} and output {g.shape} do not match")
    if bool(np.any(g <= 0)):
        raise FileFormatError(f"industry {int(np.argmin(g))} has no output")
    q = v.sum(axis=1)
    if bool(np.any(q <= 0)):
        raise FileFormatError(f"commodity {int(np.argmin(q))} has no supply")
    b = u / g
    shares = (v / q[:, None]).T
    return shares @ b
