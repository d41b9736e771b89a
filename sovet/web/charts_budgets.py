"""The picture of a counted participatory budget, drawn on the server as SVG.

As in :mod:`sovet.web.charts`, the chart says in words what its colours say: each
funded project is labelled with the word for "funded" beside its name, every bar
carries a ``<title>``, and the page prints the same figures in a table. Labels arrive
translated and figures formatted in the reader's locale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from html import escape

from sovet.web.charts import _svg

__all__ = ["ProjectBar", "budget_bars"]

FUNDED = "#2c7a3f"
NOT_FUNDED = "#8a8a8a"
COST = "#1f5fa8"


@dataclass(frozen=True, slots=True)
class ProjectBar:
    """One project: its name, approvals and cost, whether it is funded, and the
    figures as the page shows them (already formatted)."""

    name: str
    approvals: int
    cost: int
    funded: bool
    shown_approvals: str
    shown_cost: str


def budget_bars(
    projects: Sequence[ProjectBar],
    *,
    voters: int,
    total: int,
    label: str,
    funded_word: str,
    not_funded_word: str,
) -> str:
    """Two bars per project, most approved first: approvals (a share of the voters) and
    cost (a share of the budget's total). Funded projects are named "funded" in words
    and drawn solid; the others are named "not funded" and drawn grey.

    >>> bars = [ProjectBar("Stove", 3, 60, True, "3 approvals", "60"),
    ...         ProjectBar("Library", 2, 30, False, "2 approvals", "30")]
    >>> svg = budget_bars(bars, voters=5, total=100, label="x", funded_word="funded",
    ...                   not_funded_word="not funded")
    >>> svg.count('class="approvals funded"'), svg.count('class="approvals"'), "Stove" in svg
    (1, 1, True)
    """
    order = sorted(projects, key=lambda p: (-p.approvals, p.cost, p.name))
    label_w, bar_w, row_h = 200, 340, 46
    width = label_w + bar_w + 20
    height = 12 + row_h * max(1, len(order))
    body: list[str] = []
    for n, p in enumerate(order):
        y = 8 + n * row_h
        word = funded_word if p.funded else not_funded_word
        colour = FUNDED if p.funded else NOT_FUNDED
        mark = "✓ " if p.funded else ""
        name = p.name if len(p.name) <= 28 else p.name[:27] + "…"
        share = Fraction(p.approvals, voters) if voters else Fraction(0)
        cost_share = min(Fraction(1), Fraction(p.cost, total)) if total else Fraction(0)
        a_w = float(min(Fraction(1), share)) * bar_w
        c_w = float(cost_share) * bar_w
        cost_x = label_w + min(c_w, bar_w - 90)
        cls = "approvals funded" if p.funded else "approvals"
        body.append(
            f'<g class="project"><text x="{label_w - 8}" y="{y + 12}" text-anchor="end" '
            f'font-size="12" font-weight="{"bold" if p.funded else "normal"}">'
            f"{escape(mark + name)}</text>"
            f'<text x="{label_w - 8}" y="{y + 27}" text-anchor="end" font-size="11" '
            f'fill="#333">{escape(word)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="14" fill="#eeeeee"/>'
            f'<rect class="{cls}" x="{label_w}" y="{y + 2}" width="{a_w:.1f}" height="14" '
            f'fill="{colour}"><title>{escape(p.name)} ({escape(word)}): '
            f"{escape(p.shown_approvals)}</title></rect>"
            f'<text x="{label_w + 4}" y="{y + 13}" font-size="10" fill="#111">'
            f"{escape(p.shown_approvals)}</text>"
            f'<rect class="cost" x="{label_w}" y="{y + 20}" width="{c_w:.1f}" height="8" '
            f'fill="{COST}"><title>{escape(p.name)}: {escape(p.shown_cost)}</title></rect>'
            f'<text x="{cost_x:.1f}" y="{y + 40}" font-size="10" fill="#333">'
            f"{escape(p.shown_cost)}</text></g>"
        )
    return _svg(width, height, label, body, "budget")
