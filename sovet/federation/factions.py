"""Factions founded by members: a proposal, co-signed until the constitution's number of
founders have signed; then the faction exists and its founders belong to it.

``faction.registered`` (the operator's, before members founded their own) still folds.
"""

from __future__ import annotations

from dataclasses import replace

from sovet.federation.state import Event, State
from sovet.model import Faction, FactionFounding

__all__ = ["faction_cosigned", "faction_proposed"]


def faction_proposed(s: State, e: Event) -> None:
    d = e.data
    founding = FactionFounding(
        id=d["id"],
        name=d["name"],
        short=d["short"],
        colour=d.get("colour", "#777777"),
        proposed_by=e.actor or "",
        proposed_at=e.at,
        founders=(e.actor,) if e.actor else (),
    )
    s.put("foundings", founding.id, founding)
    _found_at_threshold(s, founding, e)


def faction_cosigned(s: State, e: Event) -> None:
    founding = s.foundings[e.data["faction"]]
    founding = replace(founding, founders=(*founding.founders, e.data["member"]))
    s.put("foundings", founding.id, founding)
    _found_at_threshold(s, founding, e)


def _found_at_threshold(s: State, founding: FactionFounding, e: Event) -> None:
    if founding.founded or len(founding.founders) < s.rules().factions.founders:
        return
    s.put("foundings", founding.id, replace(founding, founded=True))
    faction = Faction(
        id=founding.id,
        name=founding.name,
        short=founding.short,
        colour=founding.colour,
        founders=founding.founders,
        founded_at=e.at,
    )
    s.put("factions", faction.id, faction)
    for member_id in founding.founders:
        member = s.members[member_id]
        s.put("members", member.id, replace(member, faction=faction.id))
