"""Pages of the ledger: the signed tree head (its signature checked on the server and
shown so anyone can check it again), the entries, and each entry's inclusion proof."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from sovet.errors import NotFound, VerificationError
from sovet.ledger import decode_entry, inclusion_proof, verify_head, verify_inclusion
from sovet.web.limits import heavy
from sovet.web.pages_common import PageContext, PageRoute, render
from sovet.web.store import store_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)
PAGE = 50


def _head(request: Request) -> dict[str, Any] | None:
    store = store_of(request)
    with store.lock:
        head = store.db.latest_head()
        public = store.db.public_key()
    if head is None:
        return None
    verified = False
    if public is not None:
        try:
            verify_head(public, head)
            verified = True
        except VerificationError:
            verified = False
    return {
        "size": head.size,
        "root": head.root.hex(),
        "timestamp": head.timestamp,
        "signature": head.signature.hex(),
        "key_id": head.key_id,
        "public_key": public.hex() if public else "",
        "verified": verified,
        "raw_root": head.root,
    }


@router.get("/ledger", response_class=HTMLResponse)
def ledger(request: Request, start: int | None = None) -> HTMLResponse:
    """The signed head, checked against the instance's public key, and the entries, newest first."""
    ctx = PageContext(request)
    head = _head(request)
    size = head["size"] if head else 0
    first = max(0, size - PAGE) if start is None else max(0, min(start, max(0, size - 1)))
    stop = min(size, first + PAGE)
    entries = []
    for i, raw in enumerate(store_of(request).db.raw_entries(first, stop)):
        e = decode_entry(raw, expected_index=first + i)
        entries.append(e)
    entries.reverse()
    with store_of(request).read() as s:
        values = {
            "title": ctx._("Ledger"),
            "head": head,
            "entries": entries,
            "newer": stop if stop < size else None,
            "older": max(0, first - PAGE) if first > 0 else None,
            "first": first,
            "stop": stop,
        }
        return render(request, "ledger.html", values, state=s)


@router.get("/ledger/find")
def find_entry(index: int = 0) -> RedirectResponse:
    """The "go to entry" form, which works without JavaScript."""
    return RedirectResponse(f"/ledger/{max(0, index)}", status_code=303)


@router.get("/ledger/{index}", response_class=HTMLResponse, dependencies=[Depends(heavy)])
def entry(request: Request, index: int) -> HTMLResponse:
    """One entry, its leaf hash and its audit path to the latest signed head, checked."""
    ctx = PageContext(request)
    head = _head(request)
    if head is None or not 0 <= index < head["size"]:
        raise NotFound(f"no ledger entry {index}")
    store = store_of(request)
    raw = next(iter(store.db.raw_entries(index, index + 1)))
    e = decode_entry(raw, expected_index=index)
    tree, _ = store.tree()  # read after the head, so it holds the head's tree
    proof = inclusion_proof(tree, index, head["size"])
    try:
        verify_inclusion(e.leaf_hash, index, head["size"], proof, head["raw_root"])
        included = True
    except VerificationError:
        included = False
    with store_of(request).read() as s:
        values = {
            "title": ctx._("Ledger entry %(n)s", n=index),
            "e": e,
            "raw": raw.decode("utf-8"),
            "pretty": json.dumps(json.loads(raw), indent=2, ensure_ascii=False),
            "head": head,
            "proof": [h.hex() for h in proof],
            "included": included,
        }
        return render(request, "entry.html", values, state=s)
