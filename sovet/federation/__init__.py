"""The federation's state as a fold of the log: ``state = fold(events)``.

:func:`apply` takes one event (its ``type``, ``at``, ``actor`` and ``data`` as written
in the log) and changes the state; it does no I/O and reads no clock, so replaying
the same log always gives the same state. Everything a later event needs is in the
log: ids are chosen by the action, times come from the event, and consequences that
follow by rule (a recall vote opening when a petition reaches its threshold, a seat
passing to the next on the list, a ratification completing) are derived here, so a
replay derives them again.

The state keeps, per kind of record, a dict from id to a frozen record; ``touched``
collects the ``(kind, id)`` pairs changed since it was last cleared, which is what
storage writes to the projection tables.

The package is laid out by seam:

* :mod:`~sovet.federation.state` -- :class:`State` and its queries, :class:`Event`, ``KINDS``;
* :mod:`~sovet.federation.handlers` -- the handler for every event type, :func:`apply` and
  :func:`fold`;
* one module of handlers per area: :mod:`~sovet.federation.bodies` (the federation, its
  constitution, members, factions, units, councils), :mod:`~sovet.federation.elections`,
  :mod:`~sovet.federation.motions`, :mod:`~sovet.federation.effects` (what a passed motion
  does), :mod:`~sovet.federation.ratification`, :mod:`~sovet.federation.recall` (petitions and
  recall votes), :mod:`~sovet.federation.sessions` and :mod:`~sovet.federation.economy`
  (budgets, declarations for the plan, land).
"""

from __future__ import annotations

from sovet.federation.handlers import HANDLERS as HANDLERS
from sovet.federation.handlers import apply, fold
from sovet.federation.ratification import ratification_outcome as ratification_outcome
from sovet.federation.recall import recall_threshold_reached as recall_threshold_reached
from sovet.federation.state import KINDS, Event, State, add_days
from sovet.federation.state import Handler as Handler

__all__ = ["KINDS", "Event", "State", "add_days", "apply", "fold"]
