"""The chart of a counted budget: funded projects named in words, bars to scale, names
escaped."""

from __future__ import annotations

import re

from sovet.web.charts_budgets import ProjectBar, budget_bars


def bar(name: str, approvals: int, cost: int, funded: bool) -> ProjectBar:
    return ProjectBar(name, approvals, cost, funded, f"approvals: {approvals}", f"costs {cost}")


def test_funded_projects_are_named_in_words_and_drawn_most_supported_first() -> None:
    svg = budget_bars(
        [bar("Library", 1, 30, False), bar("Stove", 4, 60, True), bar("Bikes", 2, 50, True)],
        voters=4,
        total=100,
        label="Projects",
        funded_word="funded",
        not_funded_word="not funded",
    )
    names = re.findall(r'font-size="12" font-weight="\w+">([^<]+)</text>', svg)
    assert names == ["✓ Stove", "✓ Bikes", "Library"]
    assert re.findall(r'fill="#333">(funded|not funded)</text>', svg) == [
        "funded",
        "funded",
        "not funded",
    ]
    # the approvals bar is a share of the voters, the cost bar a share of the budget
    widths = re.findall(r'class="approvals[^"]*" x="\d+" y="[\d.]+" width="([\d.]+)"', svg)
    assert widths == ["340.0", "170.0", "85.0"]
    costs = re.findall(r'class="cost" x="\d+" y="[\d.]+" width="([\d.]+)"', svg)
    assert costs == ["204.0", "170.0", "102.0"]
    assert "<title>Stove (funded): approvals: 4</title>" in svg


def test_names_are_escaped_and_long_ones_shortened() -> None:
    svg = budget_bars(
        [bar("<script>alert(1)</script> and a very long project name", 0, 500, False)],
        voters=0,
        total=100,
        label="a < b",
        funded_word="funded",
        not_funded_word="not funded",
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'aria-label="a &lt; b"' in svg
    assert "…</text>" in svg  # shortened in the picture, whole in the title
    assert 'width="0.0"' in svg  # nobody voted: no approvals bar
    assert re.search(r'class="cost" x="\d+" y="[\d.]+" width="340.0"', svg)  # capped at the total
