"""The JSON API under ``/api/v1``, described at ``/api/v1/openapi.json``.

One router per noun (``api_*.py``), each handler thin: parse, find the actor, call an
action or read the state, answer. Every unsafe call made with the session cookie
needs the CSRF token (``X-CSRF-Token``); calls with an API token (``Authorization:
Bearer``) do not. Errors have one shape: ``{"ok": false, "error": {"code", "message"}}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from sovet.web import (
    api_auth,
    api_budgets,
    api_elections,
    api_federation,
    api_land,
    api_ledger,
    api_motions,
    api_petitions,
    api_planning,
    api_sessions,
)
from sovet.web.auth import check_csrf
from sovet.web.schemas import ErrorOut

__all__ = ["PREFIX", "router"]

PREFIX = "/api/v1"

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (401, "Not signed in"),
        (403, "Not allowed by the rules (or a missing CSRF token)"),
        (404, "No such record"),
        (409, "Not possible now: not open, already voted, no quorum"),
        (422, "Bad input: the message names the field"),
        (429, "Too many failed sign-ins"),
    )
}

router = APIRouter(prefix=PREFIX, dependencies=[Depends(check_csrf)], responses=_ERRORS)
for _module in (api_federation, api_elections, api_motions, api_sessions, api_ledger, api_auth):
    router.include_router(_module.router)
router.include_router(api_planning.router)
router.include_router(api_budgets.router)
router.include_router(api_land.router)
router.include_router(api_petitions.router)
