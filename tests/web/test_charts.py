"""The server-drawn SVG pictures: well-formed, one mark per thing counted, each named
in words (title) as well as by colour."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

from sovet.counting import count
from sovet.counting.formats import read_blt
from sovet.federation import State
from sovet.storage import Database
from sovet.web.charts import (
    GraphNode,
    Seat,
    federation_graph,
    hemicycle,
    layer_nodes,
    progress_bars,
    stage_bars,
    turnout_bar,
)
from sovet.web.pages_bodies import composition_seats

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_hemicycle_has_one_seat_per_seated_delegate_coloured_and_titled(web_db: Database) -> None:
    s: State = web_db.state
    seats, rows = composition_seats(s, "soviet", "non-party")
    root = parse(hemicycle(seats, label="District Soviet"))
    circles = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "seat"]
    seated = s.seated("soviet")
    assert len(circles) == len(seated) == 5
    by_faction: dict[str, int] = {}
    for c in circles:
        faction = c.get("data-faction")
        assert faction is not None
        by_faction[faction] = by_faction.get(faction, 0) + 1
        title = c.find(f"{SVG}title")
        assert title is not None and title.text is not None
        assert title.text.endswith(f"— {faction}")
        expected = next(r["colour"] for r in rows if r["name"] == faction)
        assert c.get("fill") == expected
    # a1, a2 and b2 are Bolsheviks, b1 a Menshevik, c1 non-party
    assert by_faction == {"Bolsheviks": 3, "Mensheviks": 1, "non-party": 1}
    assert root.get("role") == "img" and root.get("aria-label") == "District Soviet"


def test_hemicycle_places_every_seat_apart_for_a_large_congress() -> None:
    seats = [
        Seat(f"D{i}", "F" if i < 400 else "G", "#a00" if i < 400 else "#00a") for i in range(649)
    ]
    root = parse(hemicycle(seats, label="Congress"))
    circles = [c for c in root.iter(f"{SVG}circle")]
    assert len(circles) == 649
    points = {(c.get("cx"), c.get("cy")) for c in circles}
    assert len(points) == 649  # no two seats drawn on the same spot
    assert all(float(c.get("cy", "0")) <= 215 for c in circles)  # the upper half only


def test_empty_hemicycle_is_still_an_image() -> None:
    root = parse(hemicycle([], label="Empty"))
    assert list(root.iter(f"{SVG}circle")) == []


def test_stage_bars_have_one_group_per_stage_of_a_real_count(shared_data: Path) -> None:
    folder = shared_data / "elections" / "glasgow2007_droop" / "ballots"
    path = sorted(folder.glob("*.blt"))[0]
    ballots = read_blt(path.read_bytes(), source=path.name)
    result = count("scottish-stv", ballots.profile, ballots.seats or 1).to_json()
    rounds = result["rounds"]
    assert isinstance(rounds, list) and len(rounds) > 1
    names = {c: c.title() for c in result["candidates"]}  # type: ignore[union-attr]
    root = parse(
        stage_bars(rounds, names, label="stages", stage_word="stage", quota=str(result["quota"]))
    )
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "stage"]
    assert len(groups) == len(rounds)
    for group, r in zip(groups, rounds, strict=True):
        bars = list(group.iter(f"{SVG}rect"))
        assert len(bars) == len(r["tallies"])  # one bar per candidate with a tally
        titles = [b.find(f"{SVG}title").text for b in bars]  # type: ignore[union-attr]
        assert all(f"stage {r['number']}:" in t for t in titles if t)
    # bars are proportional: the largest first-stage tally is the longest bar
    first = rounds[0]["tallies"]
    top = max(first, key=lambda c: Fraction(first[c]))
    widths = {
        b.find(f"{SVG}title").text.split(",")[0]: float(b.get("width", "0"))  # type: ignore[union-attr]
        for b in groups[0].iter(f"{SVG}rect")
    }
    assert max(widths, key=lambda k: widths[k]) == names[top]
    assert any(line.get("class") == "quota" for line in root.iter(f"{SVG}line"))


def test_layers_put_each_council_above_all_its_constituents() -> None:
    nodes = [
        GraphNode("f1", "Factory 1"),
        GraphNode("f2", "Factory 2"),
        GraphNode("v", "Village"),
        GraphNode("d", "District soviet", ("f1", "f2"), council=True),
        GraphNode("ind", "Metal workers", ("f1",), council=True),
        GraphNode("city", "City soviet", ("d", "v"), council=True),
        GraphNode("top", "Congress", ("city", "ind", "v"), council=True),
    ]
    layers = layer_nodes(nodes)
    depth = {n: i for i, layer in enumerate(layers) for n in layer}
    for n in nodes:
        for c in n.constituents:
            assert depth[c] < depth[n.id]
    assert depth["top"] == 3 and set(layers[0]) == {"f1", "f2", "v"}
    root = parse(federation_graph(nodes, label="graph"))
    edges = [p for p in root.iter(f"{SVG}path") if p.get("class") == "edge"]
    assert len(edges) == sum(len(n.constituents) for n in nodes)
    kinds = [g.get("class") for g in root.iter(f"{SVG}g")]
    assert kinds.count("node unit") == 3 and kinds.count("node council") == 4


def test_graph_of_the_test_federation_links_every_body(web_db: Database) -> None:
    s = web_db.state
    nodes = [GraphNode(u, s.units[u].name, (), f"/units/{u}") for u in s.units] + [
        GraphNode(c.id, c.name, c.constituents, f"/councils/{c.id}", council=True)
        for c in s.councils.values()
    ]
    root = parse(federation_graph(nodes, label="graph"))
    links = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert links == {"/units/u1", "/units/u2", "/units/v", "/councils/soviet"}


def test_progress_bars_mark_the_threshold() -> None:
    root = parse(
        progress_bars(
            [
                ("units", Fraction(1, 4), Fraction(1, 2), "1 of 4"),
                ("members", Fraction(1), Fraction(1, 2), "all"),
            ],
            label="ratification",
        )
    )
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert [float(b.get("width", "0")) for b in bars] == [75.0, 300.0]
    marks = [ln for ln in root.iter(f"{SVG}line") if ln.get("class") == "threshold"]
    assert [float(m.get("x1", "0")) for m in marks] == [160.0, 160.0]


def test_turnout_bar_is_the_share_that_voted() -> None:
    root = parse(turnout_bar(3, 12, label="turnout", shown="3 of 12"))
    bar = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar")
    assert float(bar.get("width", "0")) == 75.0
    empty = parse(turnout_bar(0, 0, label="turnout", shown="0 of 0"))
    assert (
        float(
            next(r for r in empty.iter(f"{SVG}rect") if r.get("class") == "bar").get("width", "1")
        )
        == 0.0
    )


def test_names_are_escaped() -> None:
    svg = hemicycle([Seat("<script>", "A & B", "#000")], label='"x"')
    assert "<script>" not in svg and "A &amp; B" in svg
    parse(svg)
