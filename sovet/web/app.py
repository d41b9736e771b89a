"""The web application: ``create_app(settings)`` builds it; nothing is global.

The database, its lock, the password hasher and the cookie-signing key live on
``app.state``. The JSON API is under ``/api/v1`` (OpenAPI at
``/api/v1/openapi.json``, to which ``/api/v1/docs`` leads); the server-rendered pages
come from :mod:`sovet.web.pages`; static files are under ``/static``. Every answer
carries the headers of :class:`SecurityHeaders`; :class:`~sovet.web.limits.BodyLimit`
refuses oversized bodies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from sovet import errors
from sovet.actions.deadlines import close_due
from sovet.settings import Settings, load_settings
from sovet.storage import Database, open_database, utc_now
from sovet.storage.accounts import session_secret
from sovet.web import api, pages
from sovet.web.auth import ASGIApp, Message, Receive, Scope, Send, SessionMiddleware, make_hasher
from sovet.web.errors import (
    handle_database_unavailable,
    handle_http_error,
    handle_sovet_error,
    handle_unexpected,
    handle_validation_error,
)
from sovet.web.limits import BodyLimit, HeavyLimiter
from sovet.web.store import Store

__all__ = ["CSP", "SecurityHeaders", "app_from_environment", "create_app", "sweep_deadlines"]

STATIC = Path(__file__).parent / "static"
_log = logging.getLogger("sovet.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""The Content-Security-Policy of every answer: scripts, styles and everything else only
from this site's own files (no inline script, no ``style=`` attribute, no handler
attribute anywhere in the templates), forms only to this site, no framing."""

HSTS = "max-age=31536000; includeSubDomains"
PERMISSIONS = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=()"
)

_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"permissions-policy", PERMISSIONS.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    """Headers every answer carries: the CSP, no sniffing, no framing, no referrer
    abroad, no powerful browser features; and Strict-Transport-Security when the request
    came over TLS or ``behind_tls`` says the site is only reached over it."""

    def __init__(self, app: ASGIApp, *, behind_tls: bool = False) -> None:
        self.app = app
        self.behind_tls = behind_tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [*_HEADERS]
        if self.behind_tls or scope.get("scheme") == "https":
            extra.append((b"strict-transport-security", HSTS.encode()))

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                ours = [(k, v) for k, v in extra if k not in names]
                message["headers"] = [*message.get("headers", []), *ours]
            await send(message)

        await self.app(scope, receive, add_headers)


def create_app(
    settings: Settings, *, database: Database | None = None, fast_hashing: bool = False
) -> FastAPI:
    """The app on ``settings.database_url`` (or an open ``database``).

    ``fast_hashing`` makes argon2id cheap, for tests only. The cookie-signing key is
    ``settings.secret_key`` or, when unset, one made once and kept in the database.
    A database the app opens itself it closes when the server shuts down; one passed in
    stays the caller's to close.
    """
    db = database if database is not None else open_database(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        sweeper = None
        if settings.deadline_interval > 0:
            sweeper = asyncio.create_task(sweep_deadlines(store, settings.deadline_interval))
        yield
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
        if database is None:  # opened here, so closed here when the server stops
            db.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Sovet",
        summary="Self-government for a federation of councils",
        version="1",
        openapi_url=f"{api.PREFIX}/openapi.json",
        docs_url=None,  # no third-party script: see docs/web.md
        redoc_url=None,
    )
    secret = settings.secret_key or session_secret(db)
    app.state.settings = settings
    store = Store(db)
    app.state.store = store
    app.state.hasher = make_hasher(fast=fast_hashing)
    app.state.secret = lambda: secret
    app.state.clock = utc_now
    app.state.poll_seconds = 1.0
    app.state.heavy = HeavyLimiter(per_minute=settings.heavy_per_minute, burst=settings.heavy_burst)
    app.add_middleware(SessionMiddleware, secret=lambda: secret)
    app.add_middleware(BodyLimit, body=settings.max_body_bytes, upload=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders, behind_tls=settings.behind_tls)
    app.add_exception_handler(errors.SovetError, handle_sovet_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    for unavailable in (sa.exc.OperationalError, sa.exc.InterfaceError):  # 503, not a bug
        app.add_exception_handler(unavailable, handle_database_unavailable)
    app.add_exception_handler(Exception, handle_unexpected)
    app.add_api_route(f"{api.PREFIX}/docs", _docs, methods=["GET"], include_in_schema=False)
    app.include_router(api.router)
    app.include_router(pages.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    return app


def _docs() -> RedirectResponse:
    """The API's description is its OpenAPI document (no browsable UI is served: it
    would load a large third-party script); open it in any OpenAPI viewer."""
    return RedirectResponse(f"{api.PREFIX}/openapi.json", status_code=308)


async def sweep_deadlines(store: Store, interval: float) -> None:
    """Every ``interval`` seconds, close every vote past its deadline (as ``deadline``),
    holding the store's lock so that no request reads the state while it changes."""
    while True:
        await asyncio.sleep(interval)
        try:
            closed = await run_in_threadpool(_close_due, store)
        except (errors.SovetError, sa.exc.SQLAlchemyError) as exc:
            _log.warning("closing votes past their deadline failed: %s", exc)
            continue
        if closed:
            _log.info("closed %d vote(s) past their deadline", closed)


def _close_due(store: Store) -> int:
    with store.lock:
        return close_due(store.db, at=store.db.clock())


def app_from_environment() -> FastAPI:
    """The app from ``sovet.toml`` and ``SOVET_*`` variables: uvicorn's factory, so that
    every worker process builds its own."""
    return create_app(load_settings())
