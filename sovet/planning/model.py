"""The economy as workplaces and councils declare it.

Each workplace committee declares its *techniques*: which product it makes,
the labour hours and the inputs (units of other products) per unit of output,
and how many units it can make in the period (its capacity, if limited). A
workplace with more than one way of making something declares each as an
alternative technique. Councils declare *needs* (final demand). The model
compiles to the sparse :class:`~sovet.planning.technology.Technology` the
solvers use, and a plan comes back as targets per workplace and flows between
units (town and country).

Two import formats, both pure parsers of text passed in:

* JSON: ``{"name", "products": [{"name", "unit"}], "workplaces": [{"name",
  "place", "techniques": [{"name", "product", "labour", "capacity", "inputs":
  {product: amount}}]}], "needs": [{"council", "product", "quantity"}]}``;
* CSV: a techniques file with header
  ``workplace,technique,product,labour,capacity,input,amount`` (one line per
  input; a technique with no inputs has one line with ``input`` blank), and a
  needs file with header ``council,product,quantity``.

Every error names the workplace, technique, product and (for files) the line.

>>> e = economy_from_csv(
...     "workplace,technique,product,labour,capacity,input,amount\\n"
...     "Mill,grinding,flour,0.5,,grain,1.2\\nVillage,field,grain,2,100,,\\n",
...     "council,product,quantity\\nDistrict,flour,10\\n")
>>> e.products, [w.name for w in e.workplaces], e.demand().tolist()
(('flour', 'grain'), ['Mill', 'Village'], [10.0, 0.0])
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from sovet.errors import FileFormatError, InputError
from sovet.planning.io import csv_records
from sovet.planning.technology import FloatArray, Technology

__all__ = [
    "Economy",
    "Flow",
    "Need",
    "Target",
    "Technique",
    "Workplace",
    "economy_from_csv",
    "economy_from_json",
    "flows",
    "targets",
    "validate",
]

TECHNIQUE_HEADER = ("workplace", "technique", "product", "labour", "capacity", "input", "amount")
NEEDS_HEADER = ("council", "product", "quantity")


@dataclass(frozen=True, slots=True)
class Technique:
    """One way a workplace makes one product: per unit, ``labour`` hours and ``inputs``."""

    name: str
    product: str
    labour: float
    inputs: tuple[tuple[str, float], ...] = ()
    capacity: float | None = None


@dataclass(frozen=True, slots=True)
class Workplace:
    """A base unit that produces: factory, mill, village, co-op."""

    name: str
    techniques: tuple[Technique, ...]
    place: str = ""


@dataclass(frozen=True, slots=True)
class Need:
    """Final demand a council declares for the period."""

    council: str
    product: str
    quantity: float


@dataclass(frozen=True, slots=True)
class Economy:
    """Products (with units), workplaces and needs; build it with :func:`validate` checks."""

    name: str
    products: tuple[str, ...]
    workplaces: tuple[Workplace, ...]
    needs: tuple[Need, ...]
    units: tuple[tuple[str, str], ...] = field(default=())

    def techniques(self) -> tuple[tuple[Workplace, Technique], ...]:
        """Every technique with its workplace, in declaration order."""
        return tuple((w, t) for w in self.workplaces for t in w.techniques)

    def technology(self) -> Technology:
        """The sparse array form for the solvers (technique ``k`` in declaration order)."""
        index = {p: i for i, p in enumerate(self.products)}
        pairs = self.techniques()
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for k, (_, t) in enumerate(pairs):
            for product, amount in t.inputs:
                rows.append(index[product])
                cols.append(k)
                vals.append(amount)
        n, k_count = len(self.products), len(pairs)
        return Technology(
            products=self.products,
            techniques=tuple(f"{w.name}/{t.name}" for w, t in pairs),
            produces=np.array([index[t.product] for _, t in pairs], dtype=np.int64),
            inputs=sp.csc_matrix((vals, (rows, cols)), shape=(n, k_count), dtype=np.float64),
            labour=np.array([t.labour for _, t in pairs], dtype=np.float64),
            capacity=np.array(
                [math.inf if t.capacity is None else t.capacity for _, t in pairs],
                dtype=np.float64,
            ),
        )

    def demand(self) -> FloatArray:
        """Total need of every product over all councils."""
        index = {p: i for i, p in enumerate(self.products)}
        d = np.zeros(len(self.products))
        for need in self.needs:
            d[index[need.product]] += need.quantity
        return d


def _bad_number(value: float) -> bool:
    return not isinstance(value, int | float) or not math.isfinite(value) or value < 0


def validate(economy: Economy) -> Economy:
    """Check an economy and return it; raise :class:`InputError` naming what is wrong.

    Rules: unique product and workplace names, unique technique names within a
    workplace; non-negative finite labour, inputs, capacities and needs; every
    input and need is a product some workplace makes; no technique uses a unit
    or more of its own product per unit.
    """
    products = set(economy.products)
    if len(products) != len(economy.products):
        raise InputError("a product is listed twice")
    made: set[str] = set()
    seen_w: set[str] = set()
    for w in economy.workplaces:
        if not w.name.strip():
            raise InputError("a workplace has no name")
        if w.name in seen_w:
            raise InputError(f"workplace {w.name!r} is declared twice")
        seen_w.add(w.name)
        seen_t: set[str] = set()
        for t in w.techniques:
            where = f"workplace {w.name!r}, technique {t.name!r}"
            if t.name in seen_t:
                raise InputError(f"{where}: declared twice")
            seen_t.add(t.name)
            if t.product not in products:
                raise InputError(f"{where}: product {t.product!r} is not in the product list")
            if _bad_number(t.labour):
                raise InputError(f"{where}: labour {t.labour!r} must be a number ≥ 0")
            if t.capacity is not None and _bad_number(t.capacity):
                raise InputError(f"{where}: capacity {t.capacity!r} must be a number ≥ 0")
            for product, amount in t.inputs:
                if product not in products:
                    raise InputError(f"{where}: input {product!r} is not in the product list")
                if _bad_number(amount):
                    raise InputError(f"{where}: input {product!r} amount {amount!r} must be ≥ 0")
                if product == t.product and amount >= 1:
                    raise InputError(
                        f"{where}: uses {amount} {product} per unit of {product}; "
                        "it can never make any net output"
                    )
            made.add(t.product)
    for w, t in economy.techniques():
        for product, _ in t.inputs:
            if product not in made:
                raise InputError(
                    f"workplace {w.name!r}, technique {t.name!r}: input {product!r} "
                    "is made by no workplace"
                )
    for need in economy.needs:
        if need.product not in products:
            raise InputError(f"council {need.council!r}: need for unknown product {need.product!r}")
        if need.product not in made:
            raise InputError(
                f"council {need.council!r}: product {need.product!r} is made by no workplace"
            )
        if _bad_number(need.quantity):
            raise InputError(
                f"council {need.council!r}, product {need.product!r}: "
                f"quantity {need.quantity!r} must be a number ≥ 0"
            )
    unmade = [p for p in economy.products if p not in made]
    if unmade:
        raise InputError(f"product {unmade[0]!r} is made by no workplace")
    return economy


def _csv_rows(text: str, header: tuple[str, ...], path: str) -> list[tuple[int, dict[str, str]]]:
    rows = csv_records(text, path)
    if not rows:
        raise FileFormatError(
            f"empty file: expected header {','.join(header)!r}", path=path, line=1
        )
    head = tuple(c.strip().lower() for c in rows[0][1])
    missing = [h for h in header if h not in head]
    if missing:
        raise FileFormatError(f"header lacks column {missing[0]!r}", path=path, line=rows[0][0])
    out = []
    for line, row in rows[1:]:
        if not any(c.strip() for c in row):
            continue
        cells = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(head)}
        out.append((line, cells))
    return out


def _csv_number(
    cells: dict[str, str], key: str, path: str, line: int, *, blank: float | None
) -> float | None:
    raw = cells.get(key, "")
    if raw == "":
        if blank is None and key != "capacity":
            raise FileFormatError(f"field {key!r}: missing", path=path, line=line)
        return blank
    try:
        value = float(raw)
    except ValueError:
        raise FileFormatError(
            f"field {key!r}: {raw!r} is not a number", path=path, line=line
        ) from None
    if not math.isfinite(value) or value < 0:
        raise FileFormatError(
            f"field {key!r}: {raw!r} must be a finite number ≥ 0", path=path, line=line
        )
    return value


def economy_from_csv(
    techniques: str,
    needs: str,
    *,
    name: str = "economy",
    paths: tuple[str, str] = ("techniques.csv", "needs.csv"),
) -> Economy:
    """Parse the techniques and needs CSV files (text passed in) into a valid :class:`Economy`."""
    tpath, npath = paths
    order: list[str] = []
    shops: dict[str, dict[str, dict[str, Any]]] = {}
    products: dict[str, None] = {}
    input_lines: list[tuple[int, str, str, str]] = []
    for line, cells in _csv_rows(techniques, TECHNIQUE_HEADER, tpath):
        wname, tname, product = cells["workplace"], cells["technique"], cells["product"]
        for key in ("workplace", "technique", "product"):
            if not cells[key]:
                raise FileFormatError(f"field {key!r}: missing", path=tpath, line=line)
        labour = _csv_number(cells, "labour", tpath, line, blank=None)
        capacity = _csv_number(cells, "capacity", tpath, line, blank=None)
        if wname not in shops:
            shops[wname] = {}
            order.append(wname)
        spec = shops[wname].setdefault(
            tname,
            {
                "product": product,
                "labour": labour,
                "capacity": capacity,
                "inputs": {},
                "line": line,
            },
        )
        if (spec["product"], spec["labour"], spec["capacity"]) != (product, labour, capacity):
            raise FileFormatError(
                f"workplace {wname!r}, technique {tname!r}: product, labour and capacity "
                f"differ from line {spec['line']}",
                path=tpath,
                line=line,
            )
        products.setdefault(product)
        if cells["input"]:
            amount = _csv_number(cells, "amount", tpath, line, blank=None)
            if cells["input"] in spec["inputs"]:
                raise FileFormatError(
                    f"workplace {wname!r}, technique {tname!r}: "
                    f"input {cells['input']!r} given twice",
                    path=tpath,
                    line=line,
                )
            spec["inputs"][cells["input"]] = amount
            products.setdefault(cells["input"])
            input_lines.append((line, wname, tname, cells["input"]))
    made = {s["product"] for shop in shops.values() for s in shop.values()}
    for line, wname, tname, item in input_lines:
        if item not in made:
            raise FileFormatError(
                f"workplace {wname!r}, technique {tname!r}: input {item!r} is made by no workplace",
                path=tpath,
                line=line,
            )
    need_list: list[Need] = []
    for line, cells in _csv_rows(needs, NEEDS_HEADER, npath):
        for key in ("council", "product"):
            if not cells[key]:
                raise FileFormatError(f"field {key!r}: missing", path=npath, line=line)
        quantity = _csv_number(cells, "quantity", npath, line, blank=None)
        assert quantity is not None
        need_list.append(Need(cells["council"], cells["product"], quantity))
        if cells["product"] not in made:
            raise FileFormatError(
                f"field 'product': {cells['product']!r} is made by no workplace",
                path=npath,
                line=line,
            )
    workplaces = tuple(
        Workplace(
            name=w,
            techniques=tuple(
                Technique(
                    name=t,
                    product=s["product"],
                    labour=s["labour"],
                    inputs=tuple(s["inputs"].items()),
                    capacity=s["capacity"],
                )
                for t, s in shops[w].items()
            ),
        )
        for w in order
    )
    try:
        return validate(Economy(name, tuple(products), workplaces, tuple(need_list)))
    except InputError as exc:
        raise FileFormatError(exc.message, path=tpath) from None


def _field(obj: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in obj:
        raise InputError(f"{where}: missing {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(f"{where}.{key}: {value!r} has the wrong type")
    return value


def economy_from_json(text: str, *, path: str = "economy.json") -> Economy:
    """Parse the JSON form (text passed in) into a valid :class:`Economy`."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"not JSON: {exc.msg}", path=path, line=exc.lineno) from None
    if not isinstance(doc, dict):
        raise FileFormatError("top level must be an object", path=path)
    num = (int, float)
    try:
        products: list[str] = []
        units: list[tuple[str, str]] = []
        for i, p in enumerate(doc.get("products", [])):
            pname = p if isinstance(p, str) else _field(p, "name", f"products[{i}]", str)
            products.append(pname)
            if isinstance(p, dict) and "unit" in p:
                units.append((pname, str(p["unit"])))
        workplaces = []
        for i, w in enumerate(_field(doc, "workplaces", "$", list)):
            where = f"workplaces[{i}]"
            techs = []
            for j, t in enumerate(_field(w, "techniques", where, list)):
                tw = f"{where}.techniques[{j}]"
                inputs = t.get("inputs", {})
                if not isinstance(inputs, dict):
                    raise InputError(f"{tw}.inputs: must be an object product → amount")
                for k, v in inputs.items():
                    if not isinstance(v, num) or isinstance(v, bool):
                        raise InputError(f"{tw}.inputs.{k}: {v!r} is not a number")
                cap = t.get("capacity")
                if cap is not None and (not isinstance(cap, num) or isinstance(cap, bool)):
                    raise InputError(f"{tw}.capacity: {cap!r} is not a number")
                techs.append(
                    Technique(
                        name=_field(t, "name", tw, str),
                        product=_field(t, "product", tw, str),
                        labour=float(_field(t, "labour", tw, num)),
                        inputs=tuple((k, float(v)) for k, v in inputs.items()),
                        capacity=None if cap is None else float(cap),
                    )
                )
            workplaces.append(
                Workplace(_field(w, "name", where, str), tuple(techs), str(w.get("place", "")))
            )
        needs = tuple(
            Need(
                _field(n, "council", f"needs[{i}]", str),
                _field(n, "product", f"needs[{i}]", str),
                float(_field(n, "quantity", f"needs[{i}]", num)),
            )
            for i, n in enumerate(doc.get("needs", []))
        )
        if not products:
            seen: dict[str, None] = {}
            for w in workplaces:
                for t in w.techniques:
                    seen.setdefault(t.product)
                    for k, _ in t.inputs:
                        seen.setdefault(k)
            products = list(seen)
        return validate(
            Economy(
                str(doc.get("name", "economy")),
                tuple(products),
                tuple(workplaces),
                needs,
                tuple(units),
            )
        )
    except InputError as exc:
        raise FileFormatError(exc.message, path=path) from None


@dataclass(frozen=True, slots=True)
class Target:
    """What the plan asks of one technique of one workplace."""

    workplace: str
    technique: str
    product: str
    quantity: float
    labour: float
    inputs: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Flow:
    """Units of a product going from a producing workplace to a workplace or council."""

    source: str
    target: str
    product: str
    quantity: float


def targets(economy: Economy, activity: FloatArray, *, tiny: float = 1e-9) -> tuple[Target, ...]:
    """Each workplace's targets: output, labour and inputs of every technique in use."""
    out = []
    for (w, t), x in zip(economy.techniques(), activity.tolist(), strict=True):
        if x > tiny:
            out.append(
                Target(
                    w.name,
                    t.name,
                    t.product,
                    x,
                    x * t.labour,
                    tuple((p, a * x) for p, a in t.inputs),
                )
            )
    return tuple(out)


def flows(economy: Economy, activity: FloatArray, *, tiny: float = 1e-9) -> tuple[Flow, ...]:
    """Flows between units: every use of a product is supplied by its producers pro rata.

    Rule: proportional allocation — a producer making share ``s`` of a product's
    output supplies share ``s`` of each workplace's input and each council's need.
    """
    made: dict[str, list[tuple[str, float]]] = {}
    for (w, t), x in zip(economy.techniques(), activity.tolist(), strict=True):
        if x > tiny:
            made.setdefault(t.product, []).append((w.name, x))
    uses: list[tuple[str, str, float]] = []
    for (w, t), x in zip(economy.techniques(), activity.tolist(), strict=True):
        uses.extend((w.name, p, a * x) for p, a in t.inputs if a * x > tiny)
    uses.extend((n.council, n.product, n.quantity) for n in economy.needs if n.quantity > tiny)
    totals: dict[tuple[str, str, str], float] = {}
    for user, product, amount in uses:
        producers = made.get(product, [])
        total = sum(x for _, x in producers)
        for source, x in producers:
            key = (source, user, product)
            totals[key] = totals.get(key, 0.0) + amount * x / total
    return tuple(Flow(s, u, p, q) for (s, u, p), q in totals.items() if q > tiny)
