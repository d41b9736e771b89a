"""Signed tree heads: the log operator's signed statement "my log has this root at this size".

A head is one canonical JSON line (hex for bytes)::

    {"key_id":"<hex SHA-256 of the raw public key>","root":"<hex>",
     "signature":"<hex Ed25519 signature>","size":1000,
     "timestamp":"2026-11-25T23:40:00Z","v":1}

The signature (Ed25519, RFC 8032) covers the canonical JSON of the same object
without ``signature``: ``{"key_id":...,"root":...,"size":...,"timestamp":...,"v":1}``.
Keys are raw 32-byte Ed25519 keys.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from sovet.errors import InputError, VerificationError
from sovet.ledger.canonical import canonical_json, parse_canonical

__all__ = [
    "TreeHead",
    "decode_head",
    "encode_head",
    "generate_signing_key",
    "head_message",
    "key_id_of",
    "public_key_of",
    "sign_head",
    "verify_head",
]

_HEX = re.compile(r"(?:[0-9a-f]{2})*\Z")
_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z\Z")
_HEAD_KEYS = frozenset({"key_id", "root", "signature", "size", "timestamp", "v"})


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A signed tree head: the log had ``size`` entries with Merkle ``root`` at ``timestamp``."""

    size: int
    root: bytes
    timestamp: str
    signature: bytes
    key_id: str


def key_id_of(public_key: bytes) -> str:
    """The id of a public key: the hex SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(public_key).hexdigest()


def generate_signing_key() -> bytes:
    """A new raw 32-byte Ed25519 private key (from the operating system's randomness).

    The only function of the ledger that is not pure; nothing that verifies calls it.
    """
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def _private(private_key: bytes) -> Ed25519PrivateKey:
    if len(private_key) != 32:
        raise InputError("an Ed25519 private key is 32 raw bytes")
    return Ed25519PrivateKey.from_private_bytes(private_key)


def public_key_of(private_key: bytes) -> bytes:
    """The raw 32-byte public key of a raw private key."""
    return _private(private_key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def head_message(size: int, root: bytes, timestamp: str, key_id: str) -> bytes:
    """The exact bytes a head's signature covers."""
    return canonical_json(
        {"key_id": key_id, "root": root.hex(), "size": size, "timestamp": timestamp, "v": 1}
    )


def sign_head(private_key: bytes, size: int, root: bytes, timestamp: str) -> TreeHead:
    """Sign the statement "the log has ``size`` entries and this ``root``" (Ed25519)."""
    if type(size) is not int or size < 0:
        raise InputError(f"tree size must be a whole number >= 0, not {size!r}")
    if len(root) != 32:
        raise InputError("a tree root is 32 bytes")
    if not _AT.match(timestamp):
        raise InputError(f"timestamp must be UTC ISO 8601 like 2026-11-25T23:40:00Z: {timestamp!r}")
    key = _private(private_key)
    key_id = key_id_of(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    signature = key.sign(head_message(size, root, timestamp, key_id))
    return TreeHead(size, root, timestamp, signature, key_id)


def verify_head(public_key: bytes, head: TreeHead) -> None:
    """Check the head's Ed25519 signature with ``public_key`` (raw 32 bytes).

    Raises :class:`VerificationError` when the key is not the head's key or the
    signature does not match; returns None when it does.
    """
    if len(public_key) != 32:
        raise InputError("an Ed25519 public key is 32 raw bytes (64 hex digits)")
    if key_id_of(public_key) != head.key_id:
        raise VerificationError(f"tree head of size {head.size} is signed by another key")
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            head.signature, head_message(head.size, head.root, head.timestamp, head.key_id)
        )
    except InvalidSignature as exc:
        raise VerificationError(f"tree head of size {head.size}: bad signature") from exc


def encode_head(head: TreeHead) -> bytes:
    """The head as one canonical JSON line (without the newline)."""
    return canonical_json(
        {
            "key_id": head.key_id,
            "root": head.root.hex(),
            "signature": head.signature.hex(),
            "size": head.size,
            "timestamp": head.timestamp,
            "v": 1,
        }
    )


def decode_head(line: bytes) -> TreeHead:
    """Read a head written by :func:`encode_head`; :class:`InputError` names the bad field."""
    obj = parse_canonical(line)
    if set(obj) != _HEAD_KEYS:
        raise InputError(f"a tree head has the keys {sorted(_HEAD_KEYS)}")
    if obj["v"] != 1:
        raise InputError(f"unknown tree head version {obj['v']!r}")
    size = obj["size"]
    if type(size) is not int or size < 0:
        raise InputError(f"size must be a whole number >= 0, not {size!r}")
    for key in ("key_id", "root", "signature"):
        if not isinstance(obj[key], str) or not _HEX.match(obj[key]):
            raise InputError(f"{key} must be lowercase hex")
    if len(obj["root"]) != 64 or len(obj["key_id"]) != 64 or len(obj["signature"]) != 128:
        raise InputError("root and key_id are 32 bytes, signature 64 bytes")
    if not isinstance(obj["timestamp"], str) or not _AT.match(obj["timestamp"]):
        raise InputError("timestamp must be UTC ISO 8601 like 2026-11-25T23:40:00Z")
    return TreeHead(
        size,
        bytes.fromhex(obj["root"]),
        obj["timestamp"],
        bytes.fromhex(obj["signature"]),
        obj["key_id"],
    )
