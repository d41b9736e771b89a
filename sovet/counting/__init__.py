"""Counting: every method exact to its published rules.

``METHODS`` is the one registry of election methods (a literal dict, no import-time
registration); ``count(method, profile, seats)`` runs one.
"""

from __future__ import annotations

from collections.abc import Callable

from sovet.counting.apportion import APPORTIONMENT_METHODS, Apportionment, apportion
from sovet.counting.approval import approval, phragmen
from sovet.counting.base import Profile, Result, Round, Tie, TieBreak, format_value
from sovet.counting.borda import borda
from sovet.counting.condorcet import copeland, minimax, ranked_pairs, schulze
from sovet.counting.irv import count_irv
from sovet.counting.meek import count_meek
from sovet.counting.plurality import plurality, two_round
from sovet.counting.stv import count_scottish_stv
from sovet.errors import InputError

__all__ = [
    "APPORTIONMENT_METHODS",
    "METHODS",
    "Apportionment",
    "Profile",
    "Result",
    "Round",
    "Tie",
    "TieBreak",
    "apportion",
    "count",
    "format_value",
]

CountFn = Callable[..., Result]

# method id -> function(profile, seats, *, tiebreak) -> Result
METHODS: dict[str, CountFn] = {
    "plurality": plurality,
    "two-round": two_round,
    "approval": approval,
    "borda": borda,
    "schulze": schulze,
    "ranked-pairs": ranked_pairs,
    "copeland": copeland,
    "minimax": minimax,
    "phragmen": phragmen,
    "meek-stv": count_meek,
    "irv": count_irv,
    "scottish-stv": count_scottish_stv,
}


def count(method: str, profile: Profile, seats: int = 1, *, seed: int | None = None) -> Result:
    """Count ``profile`` for ``seats`` by the method registered as ``method``."""
    try:
        fn = METHODS[method]
    except KeyError:
        known = ", ".join(sorted(METHODS))
        raise InputError(f"unknown method {method!r}; known: {known}") from None
    if seats < 1:
        raise InputError(f"seats must be at least 1, not {seats}")
    return fn(profile, seats, tiebreak=TieBreak(seed=seed))
