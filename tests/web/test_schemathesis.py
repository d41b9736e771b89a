"""Property-based tests over the OpenAPI description: no request the description allows
(and none that breaks it) makes the server fail, and every answer to a valid request
matches its described schema.

Runs in process against the ASGI app, signed in with an API token of a member who
convenes a unit and a council (so that requests reach the actions, not only the
sign-in check), with a bounded number of examples per operation.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.generation import GenerationMode

from .test_api import OPERATIONS

# the live stream runs until the client leaves; it is tested in test_api.py
CHECKED = [op for op in OPERATIONS if op != "GET /events/stream"]


# every role: a convenor of a unit and the council (a1), a plain member (a3), a member of
# another unit (c2), the instance operator, and nobody signed in (with fewer examples each)
ROLES: dict[str | None, int] = {"a1": 8, "a3": 3, "c2": 3, "operator": 3, None: 3}


@pytest.mark.parametrize("login", list(ROLES), ids=[str(r) for r in ROLES])
@pytest.mark.parametrize("operation", CHECKED)
def test_no_server_error_and_answers_match_the_description(
    operation: str, login: str | None, app: FastAPI, token_for: Callable[[str], str]
) -> None:
    method, path = operation.split(" ", 1)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    api_operation = schema[f"/api/v1{path}"][method]
    bearer = {} if login is None else {"Authorization": f"Bearer {token_for(login)}"}
    strategy = st.one_of(
        api_operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        api_operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @given(case=strategy)
    @settings(
        max_examples=ROLES[login],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(
            headers=bearer, checks=[not_a_server_error, response_schema_conformance]
        )

    run()
