"""Petrograd, 1917: factory committees, regiments and villages send deputies to the
Vyborg district soviet, the Petrograd Soviet, the provincial peasant soviet and the
All-Russian Congress of Soviets.

The bodies and factions are historical; every person is invented (illustrative), and the
membership is scaled down about a thousandfold so the demo stays small (the Petrograd
Soviet seated one deputy per thousand workers; here one per five members).
"""

from __future__ import annotations

from sovet.demo.scenario import CouncilSpec, FactionSpec, LandSpec, Scenario, UnitSpec
from sovet.planning.demo import petrograd_1917

__all__ = ["PETROGRAD"]

_LEFT = {"bolsheviks": 0.45, "left-srs": 0.15, "mensheviks": 0.15, "srs": 0.1}
_SOLDIERS = {"srs": 0.35, "bolsheviks": 0.3, "mensheviks": 0.15, "left-srs": 0.1}
_VILLAGE = {"srs": 0.45, "left-srs": 0.3, "bolsheviks": 0.1}

PETROGRAD = Scenario(
    name="petrograd-1917",
    federation="Soviets of Petrograd, 1917 (demo)",
    constitution_changes=(
        (
            "[kinds.council]\nmembers_per_delegate = 1000",
            "[kinds.council]\nmembers_per_delegate = 5",
        ),
        ("max_seats = 600", "max_seats = 9"),
    ),
    factions=(
        FactionSpec("bolsheviks", "RSDLP (Bolsheviks)", "Bol", "#c0392b"),
        FactionSpec("mensheviks", "RSDLP (Mensheviks)", "Men", "#e67e22"),
        FactionSpec("srs", "Socialist Revolutionaries", "SR", "#27ae60"),
        FactionSpec("left-srs", "Left Socialist Revolutionaries", "LSR", "#8e44ad"),
    ),
    units=(
        UnitSpec(
            "putilov", "Putilov Works factory committee", "workplace", "Narva district", 30, _LEFT
        ),
        UnitSpec(
            "obukhov", "Obukhov Works factory committee", "workplace", "Nevsky district", 20, _LEFT
        ),
        UnitSpec(
            "petrograd-metal",
            "Petrograd Metal Works factory committee",
            "workplace",
            "Vyborg district",
            15,
            _LEFT,
        ),
        UnitSpec(
            "nobel", "Nobel Works factory committee", "workplace", "Vyborg district", 10, _LEFT
        ),
        UnitSpec(
            "volynsky",
            "Volynsky Regiment committee",
            "military",
            "Petrograd garrison",
            12,
            _SOLDIERS,
        ),
        UnitSpec(
            "pavlovsky",
            "Pavlovsky Regiment committee",
            "military",
            "Petrograd garrison",
            10,
            _SOLDIERS,
        ),
        UnitSpec(
            "ligovo", "Ligovo village land committee", "village", "Petergof uezd", 10, _VILLAGE
        ),
        UnitSpec(
            "murino", "Murino village land committee", "village", "Shlisselburg uezd", 8, _VILLAGE
        ),
    ),
    councils=(
        CouncilSpec(
            "vyborg-soviet", "Vyborg District Soviet", "territorial", ("petrograd-metal", "nobel")
        ),
        CouncilSpec(
            "peasant-soviet",
            "Petrograd Provincial Soviet of Peasants' Deputies",
            "territorial",
            ("ligovo", "murino"),
        ),
        CouncilSpec(
            "petrograd-soviet",
            "Petrograd Soviet of Workers' and Soldiers' Deputies",
            "territorial",
            ("putilov", "obukhov", "petrograd-metal", "nobel", "volynsky", "pavlovsky"),
        ),
        CouncilSpec(
            "all-russian-congress",
            "All-Russian Congress of Soviets",
            "congress",
            ("petrograd-soviet", "peasant-soviet"),
        ),
    ),
    first_names=(
        "Ivan",
        "Pyotr",
        "Anna",
        "Maria",
        "Nikolai",
        "Sergei",
        "Olga",
        "Fyodor",
        "Yelena",
        "Grigory",
        "Aleksandra",
        "Vasily",
        "Tatiana",
        "Mikhail",
        "Daria",
    ),
    last_names=(
        "Ivanov",
        "Petrova",
        "Smirnov",
        "Kuznetsova",
        "Popov",
        "Sokolova",
        "Lebedev",
        "Kozlova",
        "Novikov",
        "Morozova",
        "Volkov",
        "Orlova",
        "Zaitsev",
        "Belova",
    ),
    start="1917-09-01",
    motions={
        "city": "All power to the soviets",
        "city_text": "The soviets take the power of government in Petrograd.",
        "breach": "Continue the war until victory",
        "recall": "Our deputy voted against the factory committee's mandate",
        "reserved": "Decree on Peace",
        "reserved_text": "An immediate just and democratic peace without annexations.",
        "pending": "Decree on Workers' Control",
        "open": "Decree on Land",
    },
    economy=petrograd_1917,
    workplace_units={"Putilov Works": "putilov", "Obukhov Works": "obukhov"},
    need_councils={
        "Petrograd Soviet": "petrograd-soviet",
        "Vyborg District Soviet": "vyborg-soviet",
    },
    period="1917-Q4",
    land=(
        # The village land committee divides its fields among its households per
        # eater, as the land redistributions of 1917–18 did. Fields, areas (in
        # desyatinas), qualities and households are illustrative, not historical.
        LandSpec(
            id="land-ligovo-1917",
            unit="ligovo",
            title="Redistribution of the Ligovo fields, per eater (illustrative)",
            cut="blocks",
            parcels=(
                ("upper-field", "24", "1"),
                ("lower-field", "18", "3/4"),
                ("river-meadow", "9", "3/2"),
                ("far-field", "12", "1/2"),
            ),
            households=(
                ("Household of Ivan Smirnov", 7, 3),
                ("Household of Maria Kuznetsova (widow)", 4, 1),
                ("Household of Pyotr Popov", 9, 4),
                ("Household of Fyodor Lebedev", 5, 2),
                ("Household of Daria Volkova", 3, 2),
            ),
        ),
    ),
)
