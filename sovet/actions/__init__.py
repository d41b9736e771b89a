"""Actions: the only code that changes state.

Each action takes the database and a keyword-only ``actor``, checks a pure rule,
and appends exactly one ledger entry in one transaction.
"""

from __future__ import annotations

from sovet.actions.accounts import (
    change_own_password,
    create_account,
    disable_account,
    enable_account,
    issue_token,
    reset_password,
    revoke_tokens,
)
from sovet.actions.admission import challenge_admission, request_admission
from sovet.actions.budgets import cast_budget_ballot, close_budget, open_budget
from sovet.actions.deadlines import close_due
from sovet.actions.elections import (
    begin_voting,
    cast_ballot,
    close_due_elections,
    close_election,
    nominate,
    open_election,
    stand,
    withdraw,
)
from sovet.actions.federation import (
    apportion_council,
    cosign_faction,
    found_council,
    found_faction,
    found_federation,
    found_unit,
    join_council,
    join_unit,
    leave_unit,
    register_member,
    register_members,
    set_faction,
)
from sovet.actions.land import divide_land
from sovet.actions.motions import (
    amend_motion,
    close_motion,
    decide_amendment,
    expire_ratification,
    forward_motion,
    open_voting,
    propose_motion,
    vote,
)
from sovet.actions.petitions import close_due_demands, open_demand, sign_demand
from sovet.actions.planning import declare_needs, declare_production, propose_plan
from sovet.actions.recall import open_petition, sign_petition
from sovet.actions.sessions import (
    add_minutes,
    attend,
    close_session,
    give_floor,
    open_session,
    request_floor,
)

__all__ = [
    "add_minutes",
    "amend_motion",
    "apportion_council",
    "attend",
    "begin_voting",
    "cast_ballot",
    "cast_budget_ballot",
    "challenge_admission",
    "change_own_password",
    "close_budget",
    "close_due",
    "close_due_demands",
    "close_due_elections",
    "close_election",
    "close_motion",
    "close_session",
    "cosign_faction",
    "create_account",
    "decide_amendment",
    "declare_needs",
    "declare_production",
    "disable_account",
    "divide_land",
    "enable_account",
    "expire_ratification",
    "forward_motion",
    "found_council",
    "found_faction",
    "found_federation",
    "found_unit",
    "give_floor",
    "issue_token",
    "join_council",
    "join_unit",
    "leave_unit",
    "nominate",
    "open_budget",
    "open_demand",
    "open_election",
    "open_petition",
    "open_session",
    "open_voting",
    "propose_motion",
    "propose_plan",
    "register_member",
    "register_members",
    "request_admission",
    "request_floor",
    "reset_password",
    "revoke_tokens",
    "set_faction",
    "sign_demand",
    "sign_petition",
    "stand",
    "vote",
    "withdraw",
]
