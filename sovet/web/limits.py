"""Limits that keep one client from taking the server's memory or CPU.

* :class:`BodyLimit` refuses a request body larger than ``max_body_bytes`` (or
  ``max_upload_bytes`` on the bulk forms and calls of :data:`UPLOADS`) with 413: at once
  when ``Content-Length`` says so, and otherwise by counting the bytes as they arrive,
  so a chunked body is cut off at the limit and never held whole in memory.
* :class:`HeavyLimiter` is a token bucket per client address for anonymous requests to
  endpoints that compute (proofs, recounts, plans): :func:`heavy` is the dependency
  such a route declares; a signed-in account is not limited by it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request

from sovet.web.auth import ASGIApp, Message, Receive, Scope, Send, current_account
from sovet.web.errors import NotSignedIn, TooManyAttempts, error_response

__all__ = [
    "UPLOADS",
    "BodyLimit",
    "BodyTooLarge",
    "HeavyLimiter",
    "RateLimited",
    "body_limit_for",
    "heavy",
]

# The bulk forms and calls: lists of members, budget projects, plan declarations and
# land divisions, and the operator's forms (members one per line).
UPLOADS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"/api/v1/units/[^/]+/members",
        r"/api/v1/budgets",
        r"/api/v1/plans/[^/]+/(production|needs)",
        r"/api/v1/land",
        r"/api/v1/motions",
        r"/operator/[^/]+",
        r"/bodies/[^/]+/budgets/new",
        r"/bodies/[^/]+/motions/new",
        r"/plans/[^/]+/(production|needs)",
        r"/units/[^/]+/land/new",
    )
)


def body_limit_for(path: str, *, body: int, upload: int) -> int:
    """The largest body ``path`` accepts: ``upload`` on the bulk routes, else ``body``.

    >>> body_limit_for("/api/v1/auth/login", body=10, upload=99)
    10
    >>> body_limit_for("/api/v1/plans/1918-Q1/needs", body=10, upload=99)
    99
    """
    return upload if any(p.fullmatch(path) for p in UPLOADS) else body


class BodyTooLarge(HTTPException):
    """The body grew past the limit while it was being read (handled as a 413 page or
    JSON error by the app's one handler of HTTP errors)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413, f"the request body is larger than {limit:,} bytes", {"Connection": "close"}
        )


class BodyLimit:
    """Refuse bodies past the limit (413) before they are read, or as they arrive."""

    def __init__(self, app: ASGIApp, *, body: int, upload: int) -> None:
        self.app = app
        self.body = body
        self.upload = upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit_for(scope["path"], body=self.body, upload=self.upload)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, BodyTooLarge(limit))
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as exc:  # read outside the app's handlers (e.g. a middleware)
            if started:
                raise
            await self._refuse(scope, receive, send, exc)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, exc: BodyTooLarge) -> None:
        request = Request(scope, receive)
        response = error_response(request, 413, "too_large", str(exc.detail), exc.headers)
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


class RateLimited(TooManyAttempts):
    """Too many anonymous requests to endpoints that compute; ``retry_after`` seconds."""

    code = "rate_limited"


@dataclass
class _Bucket:
    tokens: float
    at: float


class HeavyLimiter:
    """A token bucket per client: ``burst`` requests at once, refilled at ``per_minute``.

    >>> now = [0.0]
    >>> limiter = HeavyLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    >>> limiter.take("a"), limiter.take("a"), limiter.take("a")
    (0, 0, 1)
    >>> now[0] = 1.0
    >>> limiter.take("a")
    0
    """

    def __init__(
        self,
        *,
        per_minute: int,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        clients: int = 10_000,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.clock = clock
        self.clients = clients
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> int:
        """Take one token for ``client``: 0 when allowed, else the seconds to wait."""
        if self.rate <= 0:
            return 0
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= self.clients:
                    self._forget_full(now)
                bucket = self._buckets[client] = _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0
            return max(1, int((1 - bucket.tokens) / self.rate + 0.999))

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have refilled (they hold nothing a new one would not)."""
        full = [
            c for c, b in self._buckets.items() if b.tokens + (now - b.at) * self.rate >= self.burst
        ]
        for client in full:
            del self._buckets[client]
        if len(self._buckets) >= self.clients:  # all busy: forget the oldest half
            for client in sorted(self._buckets, key=lambda c: self._buckets[c].at)[
                : self.clients // 2
            ]:
                del self._buckets[client]


def heavy(request: Request) -> None:
    """Dependency of the routes that compute: an anonymous client gets ``heavy_burst``
    of them at once and ``heavy_per_minute`` after that (429 with Retry-After)."""
    limiter = getattr(request.app.state, "heavy", None)
    if not isinstance(limiter, HeavyLimiter):
        return
    try:
        if current_account(request) is not None:
            return
    except NotSignedIn:  # a revoked token on a public page: served, as anonymous
        pass
    client = request.client.host if request.client else "unknown"
    wait = limiter.take(client)
    if wait:
        raise RateLimited(
            f"too many requests that compute (proofs, recounts, plans) from {client}; "
            f"sign in, or try again in {wait} s",
            retry_after=wait,
        )
