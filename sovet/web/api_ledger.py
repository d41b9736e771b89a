"""API: the transparency log — signed head, entries, inclusion and consistency proofs,
and a server-sent-events stream of new entries for live tallies and roll calls."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from sovet.errors import InputError, NotFound
from sovet.ledger import Entry, consistency_proof, decode_entry, inclusion_proof
from sovet.storage import Database
from sovet.web import views
from sovet.web.limits import heavy
from sovet.web.schemas import ConsistencyProofOut, EntryOut, EntryPage, HeadOut, InclusionProofOut
from sovet.web.store import store_of

__all__ = ["ID_KEYS", "router", "stream_item"]

router = APIRouter(tags=["ledger"])

# Fields of an entry's data that name a record: what a live page needs to refresh.
ID_KEYS = (
    "id",
    "new_id",
    "election",
    "motion",
    "amendment",
    "session",
    "petition",
    "mandate",
    "council",
    "unit",
    "body",
    "member",
    "to",
)


def _entry_out(entry: Entry) -> dict[str, Any]:
    return {
        "index": entry.index,
        "type": entry.type,
        "at": entry.at,
        "actor": entry.actor,
        "data": dict(entry.data),
        "prev": entry.prev,
        "leaf_hash": entry.leaf_hash.hex(),
    }


def _entries(db: Database, start: int, stop: int) -> list[Entry]:
    return [
        decode_entry(raw, expected_index=start + i)
        for i, raw in enumerate(db.raw_entries(start, stop))
    ]


@router.get("/ledger/head", response_model=HeadOut | None)
def head(request: Request) -> dict[str, Any] | None:
    """The latest signed tree head and the key that signs it."""
    store = store_of(request)
    latest = store.db.latest_head()
    with store.read() as s:
        return views.head_out(latest, s.public_key)


@router.get("/ledger/heads", response_model=list[HeadOut])
def heads(
    request: Request,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Every signed head, smallest tree first (a page of them)."""
    store = store_of(request)
    with store.read() as s:
        key = s.public_key
    found = store.db.heads()[offset : offset + limit]
    return [out for out in (views.head_out(h, key) for h in found) if out is not None]


@router.get("/ledger/entries", response_model=EntryPage)
def entries(
    request: Request,
    start: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """A page of entries from index ``start``; ``next`` is where the next page starts."""
    db = store_of(request).db
    size = db.size()
    stop = min(size, start + limit)
    found = _entries(db, start, stop) if start < size else []
    return {
        "start": start,
        "size": size,
        "entries": [_entry_out(e) for e in found],
        "next": stop if stop < size else None,
    }


@router.get("/ledger/entries/{index}", response_model=EntryOut)
def entry(request: Request, index: int) -> dict[str, Any]:
    db = store_of(request).db
    if index < 0 or index >= db.size():
        raise NotFound(f"no entry {index} (the log has {db.size()})")
    return _entry_out(_entries(db, index, index + 1)[0])


@router.get(
    "/ledger/proof/inclusion", response_model=InclusionProofOut, dependencies=[Depends(heavy)]
)
def proof_of_inclusion(
    request: Request,
    index: Annotated[int, Query(ge=0)],
    size: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """The audit path of entry ``index`` in the tree of ``size`` entries (default: all),
    RFC 9162 §2.1.3; check it against the signed head of that size. O(log n) hashes:
    the server keeps the tree's levels. Anonymous clients are rate-limited."""
    tree, length = store_of(request).tree()
    size = length if size is None else size
    if size > length:
        raise InputError(f"size: the log has {length} entries, not {size}")
    if index >= size:
        raise InputError(f"index: {index} is not in a tree of {size} entries")
    proof = inclusion_proof(tree, index, size)
    return {
        "index": index,
        "size": size,
        "leaf_hash": tree.leaf(index).hex(),
        "root": tree.root(size).hex(),
        "proof": [p.hex() for p in proof],
    }


@router.get(
    "/ledger/proof/consistency",
    response_model=ConsistencyProofOut,
    dependencies=[Depends(heavy)],
)
def proof_of_consistency(
    request: Request,
    old: Annotated[int, Query(ge=1)],
    new: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """Proof that the tree of ``old`` entries is a prefix of the tree of ``new``
    (default: all): the log was only appended to. RFC 9162 §2.1.4. O(log n) hashes;
    anonymous clients are rate-limited."""
    tree, length = store_of(request).tree()
    new = length if new is None else new
    if new > length:
        raise InputError(f"new: the log has {length} entries, not {new}")
    if old > new:
        raise InputError(f"old: {old} is larger than new ({new})")
    return {
        "old_size": old,
        "new_size": new,
        "old_root": tree.root(old).hex(),
        "new_root": tree.root(new).hex(),
        "proof": [p.hex() for p in consistency_proof(tree, old, new)],
    }


# ---- live: server-sent events --------------------------------------------------------------


def stream_item(entry: Entry) -> str:
    """One server-sent event for a new entry: its index as the event id, its type, and
    the ids of the records it touches (enough for a page to refresh what changed)."""
    ids = {k: v for k, v in entry.data.items() if k in ID_KEYS and isinstance(v, str)}
    payload = {"index": entry.index, "type": entry.type, "at": entry.at, "ids": ids}
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"id: {entry.index}\nevent: entry\ndata: {data}\n\n"


@router.get(
    "/events/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def events(
    request: Request,
    since: Annotated[int | None, Query(ge=0)] = None,
    limit: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    timeout: Annotated[int | None, Query(ge=1, le=86_400)] = None,
) -> StreamingResponse:
    """New ledger entries as server-sent events (``event: entry``, ``id`` = index).

    Starts after the ``Last-Event-ID`` header when reconnecting, else at ``since``,
    else at the current end of the log. Ends after ``limit`` events or ``timeout``
    seconds when given; otherwise runs until the client goes away.
    """
    db = store_of(request).db
    poll = float(getattr(request.app.state, "poll_seconds", 1.0))
    last = request.headers.get("last-event-id", "")
    start = int(last) + 1 if last.isdigit() else since
    if start is None:
        start = await run_in_threadpool(db.size)

    async def generate() -> AsyncIterator[str]:
        position, sent = start, 0
        began = beat = time.monotonic()
        yield f"retry: {int(poll * 3000)}\n\n"
        while True:
            batch = await run_in_threadpool(_entries_from, db, position)
            for e in batch:
                yield stream_item(e)
                position, sent = e.index + 1, sent + 1
                if limit is not None and sent >= limit:
                    return
            now = time.monotonic()
            if timeout is not None and now - began >= timeout:
                return
            if await request.is_disconnected():
                return
            if now - beat >= 15:
                beat = now
                yield ": keep-alive\n\n"
            await asyncio.sleep(poll)

    return StreamingResponse(
        generate(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _entries_from(db: Database, position: int) -> list[Entry]:
    return _entries(db, position, position + 500)
