"""A present-day federation of co-operatives, union locals and a tenants' assembly.

Every person is invented. Co-ops and locals send delegates to the city assembly and to
the food sector federation, which meet in the federation congress.
"""

from __future__ import annotations

from sovet.demo.scenario import CouncilSpec, FactionSpec, LandSpec, Scenario, UnitSpec
from sovet.planning.demo import coop_federation

__all__ = ["COOP"]

_MIX = {"solidarity": 0.4, "green-left": 0.25, "independents": 0.15}

COOP = Scenario(
    name="coop-federation",
    federation="Riverside Federation of Co-ops and Locals (demo)",
    constitution_changes=(
        (
            "[kinds.council]\nmembers_per_delegate = 1000",
            "[kinds.council]\nmembers_per_delegate = 4",
        ),
        ("max_seats = 600", "max_seats = 8"),
    ),
    factions=(
        FactionSpec("solidarity", "Solidarity Slate", "SOL", "#d35400"),
        FactionSpec("green-left", "Green Left", "GL", "#16a085"),
        FactionSpec("independents", "Independent Members", "IND", "#7f8c8d"),
    ),
    units=(
        UnitSpec("bakery-coop", "Northside Bakery Co-op", "coop", "Northside", 16, _MIX),
        UnitSpec(
            "nurses-local", "Nurses' Union Local 12", "union-local", "General Hospital", 20, _MIX
        ),
        UnitSpec("bike-coop", "Spoke & Chain Bike Co-op", "coop", "Old Town", 8, _MIX),
        UnitSpec("transit-local", "Transit Workers Local 7", "union-local", "Depot", 18, _MIX),
        UnitSpec("grocery-coop", "Riverside Grocery Co-op", "coop", "Riverside", 14, _MIX),
        UnitSpec(
            "tenants", "Elm Street Tenants' Assembly", "neighbourhood", "Elm Street", 12, _MIX
        ),
    ),
    councils=(
        CouncilSpec(
            "food-federation",
            "Food Sector Federation",
            "industrial",
            ("bakery-coop", "grocery-coop"),
        ),
        CouncilSpec(
            "city-assembly",
            "Riverside City Assembly",
            "territorial",
            ("bakery-coop", "nurses-local", "bike-coop", "transit-local", "tenants"),
        ),
        CouncilSpec(
            "federation-congress",
            "Federation Congress",
            "congress",
            ("city-assembly", "food-federation"),
        ),
    ),
    first_names=(
        "Alex",
        "Sam",
        "Priya",
        "Jordan",
        "Mei",
        "Kofi",
        "Lucia",
        "Omar",
        "Ines",
        "Tomasz",
        "Aisha",
        "Noah",
        "Zeynep",
        "Diego",
        "Hana",
    ),
    last_names=(
        "Garcia",
        "Okafor",
        "Nguyen",
        "Kowalski",
        "Haddad",
        "Silva",
        "Murphy",
        "Tanaka",
        "Novak",
        "Rahman",
        "Costa",
        "Larsen",
        "Moreau",
        "Adeyemi",
    ),
    start="2026-03-02",
    motions={
        "city": "Rent strike support fund",
        "city_text": "Each local and co-op pays 1% of dues into a fund for tenants on strike.",
        "breach": "Accept the city's offer on transit fares",
        "recall": "Our delegate stopped reporting back to the general meeting",
        "reserved": "Federation position: no war budget",
        "reserved_text": "The federation opposes the city's participation in military spending.",
        "pending": "Federation production plan for 2027",
        "open": "Joint purchasing of flour and coffee",
    },
    economy=coop_federation,
    workplace_units={
        "Cornerstone Bakery Co-op": "bakery-coop",
        "Wheelhouse Bicycle Works": "bike-coop",
    },
    need_councils={"Riverside Neighbourhood Assembly": "city-assembly"},
    period="2027",
    land=(
        # The tenants' assembly, which holds the Elm Street building as a housing
        # co-op, allots its flats to households per person. Flats are never cut;
        # quality weighs light, floor and noise. Every figure is illustrative.
        LandSpec(
            id="housing-elm-street-2026",
            unit="tenants",
            title="Allotment of the Elm Street flats (illustrative)",
            cut="whole",
            parcels=(
                ("flat-1a", "48", "4/5"),
                ("flat-1b", "35", "4/5"),
                ("flat-2a", "72", "1"),
                ("flat-2b", "54", "1"),
                ("flat-3a", "72", "6/5"),
                ("flat-3b", "40", "6/5"),
            ),
            # larger households first: when no flat is cut, ties go to the first listed
            households=(
                ("Garcia–Okafor", 5, 2),
                ("Haddad", 4, 1),
                ("Kowalski", 3, 2),
                ("Silva", 2, 2),
                ("Murphy–Tanaka", 2, 1),
                ("Nguyen", 1, 1),
            ),
        ),
    ),
)
