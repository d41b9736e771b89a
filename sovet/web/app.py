"""The web application: ``create_app(settings)`` builds it; nothing is global.

The database, its lock, the password hasher and the cookie-signing key live on
``app.state``. The JSON API is under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``,
browsable at ``/api/v1/docs``); the server-rendered pages come from
:mod:`sovet.web.pages`; static files are under ``/static``.
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
from sovet.web.store import Store

__all__ = ["SecurityHeaders", "app_from_environment", "create_app", "sweep_deadlines"]

STATIC = Path(__file__).parent / "static"
_log = logging.getLogger("sovet.web")

_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeaders:
    """Headers every answer carries: no sniffing, no framing, no referrer abroad."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        await self.app(scope, receive, add_headers if scope["type"] == "http" else send)


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
        docs_url=f"{api.PREFIX}/docs",
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
    app.add_middleware(SessionMiddleware, secret=lambda: secret)
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(errors.SovetError, handle_sovet_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    for unavailable in (sa.exc.OperationalError, sa.exc.InterfaceError):  # 503, not a bug
        app.add_exception_handler(unavailable, handle_database_unavailable)
    app.add_exception_handler(Exception, handle_unexpected)
    app.include_router(api.router)
    app.include_router(pages.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    return app


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
