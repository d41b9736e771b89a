"""The demo economies, as data: Petrograd 1917 and a present-day co-op federation.

Figures are illustrative, not historical statistics. In Petrograd, factories,
mills and villages exchange grain, flour, textiles, metal, fuel and tools:
villages grow grain with horse ploughs or iron ones (which need tools from the
works), the steam mill grinds it, the Putilov and Obukhov works smelt metal
from Donbas coal or village firewood. Capacities bind — the goods famine of
1917 — so the capacity plan must shift to dearer techniques. The councils'
*wants* (beyond their needs) exceed what can be made; participatory planning
trims them against indicative labour prices.

>>> e = petrograd_1917()
>>> len(e.workplaces), e.products[:3]
(9, ('grain', 'flour', 'textiles'))
"""

from __future__ import annotations

from sovet.planning.model import Economy, Need, Technique, Workplace, validate

__all__ = [
    "DEMOS",
    "coop_federation",
    "coop_federation_wants",
    "petrograd_1917",
    "petrograd_1917_wants",
]


def _t(
    name: str, product: str, labour: float, capacity: float | None, **inputs: float
) -> Technique:
    return Technique(name, product, labour, tuple(sorted(inputs.items())), capacity)


def petrograd_1917() -> Economy:
    """Petrograd, autumn 1917: works, mills and volosts (units: poods, arshins, pieces).

    >>> petrograd_1917().demand().tolist()
    [0.0, 2500.0, 1800.0, 70.0, 0.0, 40.0]
    """
    products = ("grain", "flour", "textiles", "metal", "fuel", "tools")
    units = (
        ("grain", "pood"),
        ("flour", "pood"),
        ("textiles", "arshin"),
        ("metal", "pood"),
        ("fuel", "pood"),
        ("tools", "piece"),
    )
    workplaces = (
        Workplace(
            "Putilov Works",
            (
                _t("open-hearth furnace", "metal", 0.5, 450.0, fuel=2.0, tools=0.002),
                _t("tool shop", "tools", 1.5, 150.0, metal=0.6, fuel=0.3),
            ),
            place="town",
        ),
        Workplace(
            "Obukhov Works",
            (_t("old furnace", "metal", 0.8, 300.0, fuel=2.6, tools=0.003),),
            place="town",
        ),
        Workplace(
            "Nevsky Cotton Mill",
            (_t("spinning and weaving", "textiles", 0.8, 2000.0, fuel=0.15, metal=0.005),),
            place="town",
        ),
        Workplace(
            "Vyborg Side Weavers' Artel",
            (_t("hand looms", "textiles", 2.0, 600.0, fuel=0.02),),
            place="town",
        ),
        Workplace(
            "Petrograd Steam Flour Mill",
            (_t("roller mill", "flour", 0.05, 3500.0, grain=1.25, fuel=0.04, tools=0.0005),),
            place="town",
        ),
        Workplace(
            "Tsarskoye Selo volost",
            (
                _t("horse plough", "grain", 1.0, 2400.0, grain=0.15, tools=0.004),
                _t("iron plough", "grain", 0.7, 1200.0, grain=0.15, tools=0.02),
            ),
            place="country",
        ),
        Workplace(
            "Kolpino volost",
            (
                _t("horse plough", "grain", 1.2, 1800.0, grain=0.16, tools=0.004),
                _t("woodcutting", "fuel", 0.6, 2500.0, tools=0.002),
            ),
            place="country",
        ),
        Workplace(
            "Donbas Miners' Committee",
            (_t("coal pits", "fuel", 0.3, 1200.0, metal=0.004, tools=0.001),),
            place="country",
        ),
        Workplace(
            "Sestroretsk Arms Works",
            (_t("forge", "tools", 2.2, None, metal=0.7, fuel=0.4),),
            place="town",
        ),
    )
    needs = (
        Need("Petrograd Soviet", "flour", 1500.0),
        Need("Petrograd Soviet", "textiles", 800.0),
        Need("Vyborg District Soviet", "flour", 600.0),
        Need("Vyborg District Soviet", "textiles", 300.0),
        Need("Petrograd garrison regiments", "flour", 400.0),
        Need("Petrograd garrison regiments", "textiles", 300.0),
        Need("Petrograd garrison regiments", "metal", 50.0),
        Need("Tsarskoye Selo volost assembly", "textiles", 400.0),
        Need("Tsarskoye Selo volost assembly", "tools", 40.0),
        Need("Tsarskoye Selo volost assembly", "metal", 20.0),
    )
    return validate(Economy("Petrograd 1917", products, workplaces, needs, units))


def petrograd_1917_wants() -> tuple[Need, ...]:
    """What the councils would like beyond their needs, if labour allows."""
    return (
        Need("Petrograd Soviet", "textiles", 600.0),
        Need("Vyborg District Soviet", "textiles", 300.0),
        Need("Tsarskoye Selo volost assembly", "textiles", 500.0),
        Need("Tsarskoye Selo volost assembly", "tools", 80.0),
        Need("Petrograd garrison regiments", "metal", 150.0),
    )


def coop_federation() -> Economy:
    """A present-day federation of co-operatives (units: tonnes, MWh, pieces, hours).

    >>> sorted(w.place for w in coop_federation().workplaces)[:2]
    ['country', 'country']
    """
    products = ("grain", "bread", "vegetables", "electricity", "bicycles", "repairs")
    units = (
        ("grain", "tonne"),
        ("bread", "tonne"),
        ("vegetables", "tonne"),
        ("electricity", "MWh"),
        ("bicycles", "piece"),
        ("repairs", "hour"),
    )
    workplaces = (
        Workplace(
            "Green Valley Farm Co-op",
            (
                _t(
                    "organic rotation",
                    "grain",
                    30.0,
                    400.0,
                    electricity=0.2,
                    repairs=2.0,
                    grain=0.05,
                ),
                _t("market garden", "vegetables", 60.0, 150.0, electricity=0.3, repairs=1.0),
            ),
            place="country",
        ),
        Workplace(
            "Hilltop Growers",
            (
                _t("mechanised", "grain", 12.0, 300.0, electricity=0.6, repairs=4.0, grain=0.05),
                _t("greenhouses", "vegetables", 40.0, 100.0, electricity=1.5, repairs=2.0),
            ),
            place="country",
        ),
        Workplace(
            "Cornerstone Bakery Co-op",
            (
                _t("electric ovens", "bread", 25.0, 250.0, grain=0.8, electricity=0.9, repairs=1.0),
                _t("wood-fired ovens", "bread", 45.0, None, grain=0.8, repairs=2.0),
            ),
            place="town",
        ),
        Workplace(
            "Sunwind Energy Co-op",
            (
                _t("solar park", "electricity", 1.5, 900.0, repairs=0.5),
                _t("wind turbines", "electricity", 2.5, 600.0, repairs=1.0),
            ),
            place="country",
        ),
        Workplace(
            "Wheelhouse Bicycle Works",
            (_t("frame and assembly", "bicycles", 6.0, 1500.0, electricity=0.05, repairs=0.5),),
            place="town",
        ),
        Workplace(
            "Fixers' Union Local 12",
            (_t("repair crews", "repairs", 1.0, None, electricity=0.002),),
            place="town",
        ),
    )
    needs = (
        Need("Riverside Neighbourhood Assembly", "bread", 120.0),
        Need("Riverside Neighbourhood Assembly", "vegetables", 90.0),
        Need("Riverside Neighbourhood Assembly", "electricity", 300.0),
        Need("Hill District Council", "bread", 90.0),
        Need("Hill District Council", "vegetables", 60.0),
        Need("Hill District Council", "electricity", 250.0),
        Need("Tenants' Union Federation", "bicycles", 400.0),
        Need("Tenants' Union Federation", "repairs", 500.0),
    )
    return validate(Economy("Co-op federation", products, workplaces, needs, units))


def coop_federation_wants() -> tuple[Need, ...]:
    """What the co-op federation's councils would like beyond their needs."""
    return (
        Need("Riverside Neighbourhood Assembly", "vegetables", 80.0),
        Need("Hill District Council", "vegetables", 60.0),
        Need("Tenants' Union Federation", "bicycles", 900.0),
        Need("Hill District Council", "electricity", 300.0),
    )


DEMOS = {
    "petrograd": (petrograd_1917, petrograd_1917_wants),
    "coop": (coop_federation, coop_federation_wants),
}
"""Demo scenario name → (economy, wants)."""
