"""Pictures drawn on the server: pure functions from data to an SVG string.

Every chart names what it shows in words as well as in colour: each mark carries a
``<title>`` (read by screen readers and shown on hover) and the page prints the same
figures as text beside it, so nothing is told by colour or position alone. Labels
arrive already translated and numbers already formatted in the reader's locale; the
functions only lay things out. Geometry is computed in floating point (it is only
geometry); the figures shown come exactly from the caller.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from html import escape

__all__ = [
    "GraphNode",
    "Seat",
    "federation_graph",
    "hemicycle",
    "land_bars",
    "layer_nodes",
    "progress_bars",
    "stage_bars",
    "turnout_bar",
]

STAGE_COLOURS = ("#1f5fa8", "#c8530a", "#2c7a3f", "#8a2f8f", "#8c6d00", "#006d77", "#a3222b")
"""Colours of successive stages (each also named in the stage's title and legend)."""


def _svg(width: int, height: int, label: str, body: Sequence[str], cls: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {cls}" role="img" direction="ltr" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-label="{escape(label)}"><title>{escape(label)}</title>' + "".join(body) + "</svg>"
    )


# ---- council composition --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seat:
    """One seated delegate: their name, their faction's name and colour."""

    delegate: str
    faction: str
    colour: str
    href: str = ""


def _rows_for(seats: int) -> int:
    """How many arcs a hemicycle of ``seats`` seats uses (about three seats per arc
    for each arc, so that seats stay round).

    >>> [_rows_for(n) for n in (1, 10, 40, 200)]
    [1, 2, 4, 8]
    """
    return max(1, min(12, round(math.sqrt(seats / 3))))


def hemicycle(seats: Sequence[Seat], *, label: str) -> str:
    """A council's composition as a hemicycle: one circle per seated delegate.

    Seats are filled arc by arc from the left end in the order given (group them by
    faction first); each circle is coloured by faction and titled "delegate — faction".

    >>> svg = hemicycle([Seat("Ana", "Left", "#c00"), Seat("Bo", "Right", "#00c")], label="x")
    >>> svg.count('class="seat"')
    2
    """
    n = len(seats)
    width, height = 400, 215
    if n == 0:
        return _svg(width, height, label, [], "hemicycle")
    rows = _rows_for(n)
    inner, outer = 80.0, 185.0
    radii = [inner + (outer - inner) * (r / max(1, rows - 1)) for r in range(rows)]
    if rows == 1:
        radii = [(inner + outer) / 2]
    lengths = [r for r in radii]
    total = sum(lengths)
    per_row = [max(1, round(n * r / total)) for r in lengths]
    per_row[-1] += n - sum(per_row)
    while per_row[-1] < 1:  # keep every arc non-empty
        i = per_row.index(max(per_row))
        per_row[i] -= 1
        per_row[-1] += 1
    # positions: (angle, radius) for every slot, ordered by angle so factions form wedges
    slots: list[tuple[float, float]] = []
    for radius, count in zip(radii, per_row, strict=True):
        for k in range(count):
            angle = math.pi * (1 - (k + 0.5) / count) if count > 1 else math.pi / 2
            slots.append((angle, radius))
    slots.sort(key=lambda s: (-s[0], s[1]))
    size = max(3.0, min(11.0, (outer - inner) / rows / 2.3, 520.0 / max(n, 1) ** 0.5 / 2.2))
    cx, cy = width / 2, height - 12
    body: list[str] = []
    for seat, (angle, radius) in zip(seats, slots, strict=True):
        x, y = cx + radius * math.cos(angle), cy - radius * math.sin(angle)
        title = escape(f"{seat.delegate} — {seat.faction}")
        circle = (
            f'<circle class="seat" cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" '
            f'fill="{escape(seat.colour)}" stroke="#222" stroke-width="0.6" '
            f'data-faction="{escape(seat.faction)}"><title>{title}</title></circle>'
        )
        if seat.href:
            circle = f'<a href="{escape(seat.href)}">{circle}</a>'
        body.append(circle)
    body.append(
        f'<text x="{cx}" y="{cy - 10}" text-anchor="middle" font-size="34" '
        f'font-weight="bold" fill="#222">{n}</text>'
    )
    return _svg(width, height, label, body, "hemicycle")


# ---- STV stages -------------------------------------------------------------------------


def stage_bars(
    rounds: Sequence[Mapping[str, object]],
    names: Mapping[str, str],
    *,
    label: str,
    stage_word: str,
    quota: str | None = None,
    quota_word: str = "quota",
    fmt: Callable[[str], str] = str,
) -> str:
    """A count's stages as bars: for each candidate one bar per stage, one group per stage.

    ``rounds`` are the ``rounds`` of a result's JSON (tallies as decimal strings keyed
    by candidate id); ``names`` gives each candidate's name. Bars scale to the largest
    tally (or the quota) and each is titled "name, stage n: votes".

    >>> r = [{"number": 1, "tallies": {"a": "3", "b": "1"}}, {"number": 2, "tallies": {"a": "4"}}]
    >>> svg = stage_bars(r, {"a": "Ana", "b": "Bo"}, label="x", stage_word="stage")
    >>> svg.count('class="stage"')
    2
    """
    order = list(names)
    values: list[dict[str, Fraction]] = [
        {c: Fraction(str(v)) for c, v in dict(r.get("tallies", {})).items()}  # type: ignore[call-overload]
        for r in rounds
    ]
    peak = max([Fraction(1)] + [v for t in values for v in t.values()])
    if quota is not None:
        peak = max(peak, Fraction(quota))
    stages = max(1, len(rounds))
    label_w, bar_w, bar_h, gap = 170, 380, 8, 10
    row_h = stages * bar_h + gap
    width = label_w + bar_w + 30
    height = 34 + row_h * len(order) + 16 * min(stages, 20) + 10
    body: list[str] = []
    for n, c in enumerate(order):
        y = 30 + n * row_h + (stages * bar_h) / 2
        body.append(
            f'<text x="{label_w - 8}" y="{y:.1f}" text-anchor="end" font-size="12" '
            f'dominant-baseline="middle">{escape(names[c])}</text>'
        )
    for s, (r, tallies) in enumerate(zip(rounds, values, strict=True)):
        colour = STAGE_COLOURS[s % len(STAGE_COLOURS)]
        number = r.get("number", s + 1)
        body.append(f'<g class="stage" data-stage="{number}" fill="{colour}">')
        for n, c in enumerate(order):
            if c not in tallies:
                continue
            v = tallies[c]
            w = float(v / peak) * bar_w
            shown = dict(r.get("tallies", {}))[c]  # type: ignore[call-overload]
            body.append(
                f'<rect x="{label_w}" y="{30 + n * row_h + s * bar_h}" width="{w:.1f}" '
                f'height="{bar_h - 1}"><title>{escape(names[c])}, {escape(stage_word)} '
                f"{number}: {escape(str(shown))}</title></rect>"
            )
        body.append("</g>")
    if quota is not None:
        x = label_w + float(Fraction(quota) / peak) * bar_w
        bottom = 30 + row_h * len(order)
        body.append(
            f'<line class="quota" x1="{x:.1f}" y1="22" x2="{x:.1f}" y2="{bottom}" '
            'stroke="#a3222b" stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="16" font-size="11" fill="#a3222b" text-anchor="middle">'
            f"{escape(quota_word)} {escape(fmt(quota))}</text>"
        )
    legend_y = 34 + row_h * len(order)
    for s, r in enumerate(rounds[:20]):
        colour = STAGE_COLOURS[s % len(STAGE_COLOURS)]
        y = legend_y + s * 16
        body.append(
            f'<rect x="{label_w}" y="{y}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{label_w + 16}" y="{y + 9}" font-size="11">'
            f"{escape(stage_word)} {r.get('number', s + 1)}</text>"
        )
    return _svg(width, height, label, body, "stages")


# ---- the federation graph ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A body in the graph: a unit (no constituents) or a council and what sends to it."""

    id: str
    name: str
    constituents: tuple[str, ...] = ()
    href: str = ""
    council: bool = False


def layer_nodes(nodes: Sequence[GraphNode]) -> list[list[str]]:
    """Layers of the DAG from the base up: a node sits one layer above its highest
    constituent; within a layer, nodes are ordered by the mean position of their
    constituents (the barycentre rule) so that edges cross little.

    >>> ns = [GraphNode("a", "A"), GraphNode("b", "B"), GraphNode("c", "C", ("a", "b")),
    ...       GraphNode("d", "D", ("c", "a"))]
    >>> layer_nodes(ns)
    [['a', 'b'], ['c'], ['d']]
    """
    by_id = {n.id: n for n in nodes}
    depth: dict[str, int] = {}

    def level(node_id: str, trail: frozenset[str]) -> int:
        if node_id in depth:
            return depth[node_id]
        parents = [c for c in by_id[node_id].constituents if c in by_id and c not in trail]
        d = 1 + max((level(c, trail | {node_id}) for c in parents), default=-1)
        depth[node_id] = d
        return d

    for n in nodes:
        level(n.id, frozenset())
    layers: list[list[str]] = [[] for _ in range(1 + max(depth.values(), default=0))]
    for n in nodes:
        layers[depth[n.id]].append(n.id)
    position = {node: i for i, node in enumerate(layers[0])}
    for layer in layers[1:]:

        def centre(node_id: str) -> float:
            seen = [position[c] for c in by_id[node_id].constituents if c in position]
            return sum(seen) / len(seen) if seen else 0.0

        layer.sort(key=lambda node_id: (centre(node_id), node_id))
        for i, node in enumerate(layer):
            position[node] = i
    return layers


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines[:3] or [""]


def federation_graph(nodes: Sequence[GraphNode], *, label: str) -> str:
    """The federation as a layered graph: base units at the bottom, each council above
    the bodies that send delegates to it, an arrow from each constituent to its council.

    >>> svg = federation_graph([GraphNode("a", "A"), GraphNode("c", "C", ("a",), council=True)],
    ...                        label="x")
    >>> svg.count('class="node unit"'), svg.count('class="node council"'), svg.count('class="edge"')
    (1, 1, 1)
    """
    layers = layer_nodes(nodes)
    by_id = {n.id: n for n in nodes}
    box_w, box_h, gap_x, gap_y, per_row = 128, 46, 14, 70, 6
    # a wide layer is drawn as several rows of at most ``per_row`` boxes
    rows: list[list[str]] = []
    for layer in layers:
        rows += [layer[i : i + per_row] for i in range(0, len(layer), per_row)] or [[]]
    widest = max((len(row) for row in rows), default=1)
    width = max(300, widest * (box_w + gap_x) + gap_x)
    height = len(rows) * box_h + (len(rows) - 1) * gap_y + 40
    where: dict[str, tuple[float, float]] = {}
    for depth, row in enumerate(rows):
        row_w = len(row) * (box_w + gap_x) - gap_x
        x0 = (width - row_w) / 2
        y = height - 20 - (depth + 1) * box_h - depth * gap_y
        for i, node_id in enumerate(row):
            where[node_id] = (x0 + i * (box_w + gap_x), y)
    body = [
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#555"/>'
        "</marker></defs>"
    ]
    for n in nodes:
        x1, y1 = where[n.id]
        for c in n.constituents:
            if c not in where:
                continue
            x0, y0 = where[c]
            body.append(
                f'<path class="edge" d="M{x0 + box_w / 2:.1f} {y0:.1f} C{x0 + box_w / 2:.1f} '
                f"{y0 - gap_y / 2:.1f} {x1 + box_w / 2:.1f} {y1 + box_h + gap_y / 2:.1f} "
                f'{x1 + box_w / 2:.1f} {y1 + box_h:.1f}" fill="none" stroke="#777" '
                f'stroke-width="1.2" marker-end="url(#arrow)"><title>'
                f"{escape(by_id[c].name)} → {escape(n.name)}</title></path>"
            )
    for n in nodes:
        nx, ny = where[n.id]
        kind = "council" if n.council else "unit"
        fill, stroke = ("#fff3d6", "#8c6d00") if n.council else ("#e3eefb", "#1f5fa8")
        lines = _wrap(n.name, 20)
        mid = ny + box_h / 2 - (len(lines) - 1) / 2 * 13
        text = "".join(
            f'<text x="{nx + box_w / 2:.1f}" y="{mid + i * 13:.1f}"'
            f' text-anchor="middle" dominant-baseline="middle" font-size="11">{escape(t)}</text>'
            for i, t in enumerate(lines)
        )
        node = (
            f'<g class="node {kind}" data-id="{escape(n.id)}"><title>{escape(n.name)}</title>'
            f'<rect x="{nx:.1f}" y="{ny:.1f}" width="{box_w}" height="{box_h}" rx="6" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>{text}</g>'
        )
        if n.href:
            node = f'<a href="{escape(n.href)}">{node}</a>'
        body.append(node)
    return _svg(int(width), int(height), label, body, "graph")


# ---- progress and turnout --------------------------------------------------------------------


def progress_bars(bars: Sequence[tuple[str, Fraction, Fraction, str]], *, label: str) -> str:
    """Horizontal progress bars, each ``(caption, share reached, threshold, shown text)``.

    Shares are fractions of the whole (0..1); the threshold is drawn as a marked line.
    Used for ratification (share of units, share of members).

    >>> svg = progress_bars([("units", Fraction(1, 2), Fraction(1, 2), "2 of 4")], label="x")
    >>> svg.count('class="bar"'), svg.count('class="threshold"')
    (1, 1)
    """
    width, bar_w, row = 420, 300, 46
    height = 12 + row * len(bars)
    body: list[str] = []
    for i, (caption, share, threshold, shown) in enumerate(bars):
        y = 10 + i * row
        w = float(min(Fraction(1), max(Fraction(0), share))) * bar_w
        t = 10 + float(min(Fraction(1), threshold)) * bar_w
        body.append(
            f'<text x="10" y="{y + 10}" font-size="12">{escape(caption)}: {escape(shown)}</text>'
            f'<rect x="10" y="{y + 16}" width="{bar_w}" height="16" fill="#e6e6e6" '
            'stroke="#555"/>'
            f'<rect class="bar" x="10" y="{y + 16}" width="{w:.1f}" height="16" fill="#2c7a3f">'
            f"<title>{escape(caption)}: {escape(shown)}</title></rect>"
            f'<line class="threshold" x1="{t:.1f}" y1="{y + 12}" x2="{t:.1f}" y2="{y + 36}" '
            'stroke="#a3222b" stroke-width="2"/>'
        )
    return _svg(width, height, label, body, "progress")


def turnout_bar(
    voted: int, electorate: int, *, label: str, shown: str, fmt: Callable[[int], str] = str
) -> str:
    """Turnout as one bar: the share of the electorate that voted, with the figures.

    >>> svg = turnout_bar(3, 4, label="turnout", shown="3 of 4 (75%)")
    >>> 'width="225.0"' in svg
    True
    """
    bar_w = 300
    share = Fraction(voted, electorate) if electorate else Fraction(0)
    w = float(min(Fraction(1), share)) * bar_w
    body = [
        f'<rect x="10" y="8" width="{bar_w}" height="20" fill="#e6e6e6" stroke="#555"/>'
        f'<rect class="bar" x="10" y="8" width="{w:.1f}" height="20" fill="#1f5fa8">'
        f"<title>{escape(shown)}</title></rect>"
        f'<text x="10" y="44" font-size="11">{escape(fmt(0))}</text>'
        f'<text x="{10 + bar_w}" y="44" font-size="11" text-anchor="end">{escape(fmt(electorate))}'
        "</text>"
    ]
    return _svg(320, 50, label, body, "turnout")


# ---- land per head ----------------------------------------------------------------------------


def land_bars(rows: Sequence[tuple[str, Fraction, Fraction, str]], *, label: str) -> str:
    """Effective land per head of each household, ``(caption, got, entitled, shown text)``:
    a bar for what it got, and a black tick with a caret below for its entitlement, so
    the chart reads without colour; the caption repeats the figures in words.

    >>> svg = land_bars([("Ivanovs", Fraction(2), Fraction(7, 3), "2 of 7/3")], label="x")
    >>> svg.count('class="bar"'), svg.count('class="entitlement"')
    (1, 1)
    """
    width, bar_w, row = 460, 340, 48
    height = 14 + row * len(rows)
    top = max((max(got, entitled) for _, got, entitled, _ in rows), default=Fraction(0))
    scale = top if top > 0 else Fraction(1)
    body: list[str] = []
    for i, (caption, got, entitled, shown) in enumerate(rows):
        y = 10 + i * row
        w = float(max(Fraction(0), got) / scale) * bar_w
        t = 10 + float(max(Fraction(0), entitled) / scale) * bar_w
        body.append(
            f'<text x="10" y="{y + 10}" font-size="12">{escape(caption)}: {escape(shown)}</text>'
            f'<rect x="10" y="{y + 16}" width="{bar_w}" height="16" fill="#f2f2f2" '
            'stroke="#555"/>'
            f'<rect class="bar" x="10" y="{y + 16}" width="{w:.1f}" height="16" fill="#8c6d00">'
            f"<title>{escape(caption)}: {escape(shown)}</title></rect>"
            f'<g class="entitlement"><line x1="{t:.1f}" y1="{y + 12}" x2="{t:.1f}" y2="{y + 36}" '
            'stroke="#000" stroke-width="2"/>'
            f'<path d="M{t - 5:.1f},{y + 42} L{t:.1f},{y + 36} L{t + 5:.1f},{y + 42} Z" '
            'fill="#000"/></g>'
        )
    return _svg(width, height, label, body, "land")
