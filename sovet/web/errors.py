"""The one table from errors to HTTP statuses, and the one shape of a JSON error.

Every error the web answers is a :class:`sovet.errors.SovetError` (or one of the
few web-only errors below, which are too); its stable ``code`` goes into the body::

    {"ok": false, "error": {"code": "already_voted", "message": "a1 has already voted ..."}}

Requests under ``/api/`` get that JSON; pages get a short HTML page with the same
message. Nothing answers with a traceback.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sovet import errors

__all__ = [
    "STATUS",
    "CsrfError",
    "NotSignedIn",
    "TooManyAttempts",
    "error_body",
    "error_response",
    "handle_database_unavailable",
    "handle_http_error",
    "handle_sovet_error",
    "handle_unexpected",
    "handle_validation_error",
    "status_for",
]

log = logging.getLogger("sovet.web")


class NotSignedIn(errors.SovetError):
    """The request needs a signed-in account (a session cookie or an API token)."""

    code = "not_signed_in"


class CsrfError(errors.Forbidden):
    """A form or cookie-authenticated call without the right CSRF token."""

    code = "csrf_failed"


class TooManyAttempts(errors.SovetError):
    """Too many failed sign-ins; ``retry_after`` seconds until the next try."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# The one table of HTTP statuses; the first matching class wins.
STATUS: tuple[tuple[type[errors.SovetError], int], ...] = (
    (NotSignedIn, 401),
    (TooManyAttempts, 429),
    (errors.NotFound, 404),
    (errors.Forbidden, 403),  # CsrfError too
    (errors.BaseProtected, 403),
    (errors.AlreadyVoted, 409),
    (errors.NotOpen, 409),
    (errors.QuorumNotMet, 409),
    (errors.RuleViolation, 409),
    (errors.InputError, 422),  # FileFormatError, ConstitutionError
    (errors.UnresolvedTie, 409),
    (errors.CountingError, 422),
    (errors.PlanningError, 422),
    (errors.VerificationError, 500),
    (errors.LedgerError, 500),
    (errors.StorageError, 503),
    (errors.SovetError, 400),
)


def status_for(exc: errors.SovetError) -> int:
    """The HTTP status of an error, from :data:`STATUS`.

    >>> status_for(errors.AlreadyVoted("twice"))
    409
    >>> status_for(NotSignedIn("sign in"))
    401
    """
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def error_body(code: str, message: str) -> dict[str, object]:
    return {"ok": False, "error": {"code": code, "message": message}}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The error as JSON (API) or as a small HTML page (pages)."""
    if _wants_json(request):
        return JSONResponse(error_body(code, message), status_code=status, headers=headers)
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{status} — Sovet</title></head><body><main><h1>{status}</h1>"
        f'<p>{html.escape(message)}</p><p><a href="/">Home</a></p></main></body></html>'
    )
    return HTMLResponse(page, status_code=status, headers=headers)


async def handle_sovet_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.SovetError)
    status = status_for(exc)
    headers = None
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after)}
    if status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc.message)
    return error_response(request, status, exc.code, exc.message, headers)


def _field(loc: tuple[object, ...] | list[object]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[0] if loc else "request")


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    """A request that does not parse: every problem named by its field."""
    assert isinstance(exc, RequestValidationError)
    problems = [f"{_field(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()]
    return error_response(request, 422, errors.InputError.code, "; ".join(problems))


_HTTP_CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
}


async def handle_http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no such route, wrong method) in the same shape."""
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else "request refused"
    if exc.status_code == 404 and message == "Not Found":
        message = f"no page {request.url.path}"
    return error_response(request, exc.status_code, code, message, exc.headers)


async def handle_database_unavailable(request: Request, exc: Exception) -> Response:
    """A database that cannot be reached (stopped, restarting, unreachable) is no bug:
    503 with a clear message and Retry-After; the next request connects again."""
    log.error("%s %s: the database is unavailable: %s", request.method, request.url.path, exc)
    return error_response(
        request,
        503,
        errors.StorageError.code,
        "the database is unavailable right now; try again in a moment",
        {"Retry-After": "5"},
    )


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback on the server, a plain message to the client."""
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(request, 500, "internal_error", "something went wrong on the server")
