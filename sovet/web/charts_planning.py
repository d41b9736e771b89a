"""The plan flows picture, drawn on the server: who makes each product and who uses it.

Three columns, read from left to right: the workplaces that make, the products, and
those that use them (workplaces for their inputs, councils for their needs). Each
flow is a band whose width is proportional to its quantity, and is labelled in words
at its end ("523 grain") as well as titled, so nothing is told by colour: workplaces
are rectangles, products rounded, councils dashed, and each column has its heading.
Like :mod:`sovet.web.charts`, a pure function from data to an SVG string; labels and
numbers arrive translated and formatted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from sovet.web.charts import _svg

__all__ = ["FlowEdge", "FlowNode", "plan_flows"]

PORT = 28
"""Vertical room for one flow at a node's side (wider than the widest band)."""
WIDEST = 14.0
BOX_W, PRODUCT_W, LABEL_W, BEND = 150, 110, 96, 60


@dataclass(frozen=True, slots=True)
class FlowNode:
    """A workplace, a product or a council; ``id`` is unique across the three columns."""

    id: str
    name: str
    kind: str  # "workplace", "product" or "council"
    href: str = ""


@dataclass(frozen=True, slots=True)
class FlowEdge:
    """A flow: ``quantity`` (for the width), ``shown`` at its end, ``title`` in full words."""

    source: str
    target: str
    quantity: float
    shown: str
    title: str


def _wrap(text: str, width: int) -> list[str]:
    """At most three lines of about ``width`` characters; a longer name ends in "…".

    >>> _wrap("Petrograd Soviet of Workers' and Soldiers' Deputies", 20)
    ['Petrograd Soviet of', "Workers' and", "Soldiers' Deputies"]
    >>> _wrap("a b c d e f g h", 3)
    ['a b', 'c d', 'e f…']
    """
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if len(lines) > 3:
        lines = [*lines[:2], lines[2] + "…"]
    return lines or [""]


def _lines(n: FlowNode) -> list[str]:
    return _wrap(n.name, 14 if n.kind == "product" else 20)


def _height(n: FlowNode, ports: int) -> float:
    """A node is tall enough for its name and for one port per flow on its busier side."""
    return max(12.0 + 13 * len(_lines(n)), PORT * ports + 8.0)


def _node(n: FlowNode, x: float, y: float, w: float, h: float) -> str:
    rx = min(h / 2, 16.0) if n.kind == "product" else 4
    dash = ' stroke-dasharray="6 3"' if n.kind == "council" else ""
    fill = {"product": "#fff3d6", "council": "#f3f1ec"}.get(n.kind, "#e3eefb")
    lines = _lines(n)
    mid = y + h / 2 - (len(lines) - 1) * 6.5
    text = "".join(
        f'<text x="{x + w / 2:.1f}" y="{mid + i * 13:.1f}" text-anchor="middle" '
        f'dominant-baseline="middle" font-size="11">{escape(t)}</text>'
        for i, t in enumerate(lines)
    )
    body = (
        f'<g class="node {escape(n.kind)}" data-id="{escape(n.id)}"><title>{escape(n.name)}</title>'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h:.1f}" rx="{rx:.1f}" fill="{fill}" '
        f'stroke="#333" stroke-width="1.3"{dash}/>{text}</g>'
    )
    return f'<a href="{escape(n.href)}">{body}</a>' if n.href else body


def _stack(nodes: Sequence[FlowNode], ports: dict[str, int], top: float) -> dict[str, float]:
    """Top edge of each node in a column, and (key ``""``) the column's bottom."""
    where: dict[str, float] = {}
    y = top
    for n in nodes:
        where[n.id] = y
        y += _height(n, ports.get(n.id, 1)) + 12
    where[""] = y
    return where


def plan_flows(
    makers: Sequence[FlowNode],
    products: Sequence[FlowNode],
    users: Sequence[FlowNode],
    edges: Sequence[FlowEdge],
    *,
    label: str,
    headings: tuple[str, str, str],
) -> str:
    """Makers → products → users, one band per flow, width proportional to quantity.

    Edges run from a maker to a product or from a product to a user; each ends at its
    own port on a node's side, where its ``shown`` label is written.

    >>> svg = plan_flows([FlowNode("m", "Mill", "workplace")], [FlowNode("p", "flour", "product")],
    ...     [FlowNode("u", "Soviet", "council")],
    ...     [FlowEdge("m", "p", 10, "10 flour", "Mill makes 10 flour"),
    ...      FlowEdge("p", "u", 5, "5 flour", "Soviet needs 5 flour")], label="x",
    ...     headings=("made by", "product", "used by"))
    >>> svg.count('class="flow"'), svg.count('class="node council"'), 'stroke-width="14.0"' in svg
    (2, 1, True)
    """
    left = {n.id for n in makers}
    outs: dict[str, list[FlowEdge]] = {}
    ins: dict[str, list[FlowEdge]] = {}
    for e in edges:
        outs.setdefault(e.source, []).append(e)
        ins.setdefault(e.target, []).append(e)
    ports = {
        n.id: max(len(outs.get(n.id, [])), len(ins.get(n.id, [])), 1)
        for n in (*makers, *products, *users)
    }
    x_make = 10.0
    x_product = x_make + BOX_W + LABEL_W + BEND
    x_use = x_product + PRODUCT_W + BEND + LABEL_W
    width = int(x_use + BOX_W + 10)
    top = 34.0
    columns = [_stack(c, ports, top) for c in (makers, products, users)]
    height = int(max(c[""] for c in columns) + 4)
    shift = [(height - 4 - c[""]) / 2 for c in columns]  # centre the shorter columns
    geometry: dict[str, tuple[float, float, float]] = {}  # id -> x, y, width
    for (nodes, x, w), where, dy in zip(
        ((makers, x_make, BOX_W), (products, x_product, PRODUCT_W), (users, x_use, BOX_W)),
        columns,
        shift,
        strict=True,
    ):
        for n in nodes:
            geometry[n.id] = (x, where[n.id] + dy, w)
    peak = max((e.quantity for e in edges), default=1.0) or 1.0
    body = [
        f'<text x="{x + w / 2:.1f}" y="16" text-anchor="middle" font-size="12" '
        f'font-weight="bold">{escape(h)}</text>'
        for x, w, h in (
            (x_make, BOX_W, headings[0]),
            (x_product, PRODUCT_W, headings[1]),
            (x_use, BOX_W, headings[2]),
        )
    ]

    def port(node: str, edge: FlowEdge, side: dict[str, list[FlowEdge]]) -> float:
        _, y, _ = geometry[node]
        return y + 4 + PORT * side[node].index(edge) + PORT / 2

    for e in edges:
        if e.source not in geometry or e.target not in geometry:
            continue
        sx, _, sw = geometry[e.source]
        tx, _, _ = geometry[e.target]
        y0, y1 = port(e.source, e, outs), port(e.target, e, ins)
        x0, x1 = sx + sw, tx
        stroke = max(1.5, WIDEST * e.quantity / peak)
        mid = (x0 + x1) / 2
        if e.source in left:  # label where the band leaves the maker
            text = (
                f'<text x="{x0 + 4:.1f}" y="{y0 - stroke / 2 - 2:.1f}" font-size="10">'
                f"{escape(e.shown)}</text>"
            )
        else:  # label where the band reaches the user
            text = (
                f'<text x="{x1 - 4:.1f}" y="{y1 - stroke / 2 - 2:.1f}" font-size="10" '
                'text-anchor="end">'
                f"{escape(e.shown)}</text>"
            )
        body.append(
            f'<g class="flow"><title>{escape(e.title)}</title>'
            f'<path d="M{x0:.1f} {y0:.1f} C{mid:.1f} {y0:.1f} {mid:.1f} {y1:.1f} {x1:.1f} '
            f'{y1:.1f}" fill="none" stroke="#5a5a5a" stroke-opacity="0.55" '
            f'stroke-width="{stroke:.1f}"/>{text}</g>'
        )
    for n in (*makers, *products, *users):
        nx, ny, nw = geometry[n.id]
        body.append(_node(n, nx, ny, nw, _height(n, ports[n.id])))
    return _svg(width, height, label, body, "flows")
