"""Signed tree heads (Ed25519)."""

from __future__ import annotations

import dataclasses

import pytest

from sovet.errors import InputError, VerificationError
from sovet.ledger.heads import (
    decode_head,
    encode_head,
    generate_signing_key,
    head_message,
    key_id_of,
    public_key_of,
    sign_head,
    verify_head,
)
from sovet.ledger.merkle import leaf_hash

ROOT = leaf_hash(b"some log")
AT = "2026-11-26T00:00:00Z"


def test_sign_verify_and_round_trip() -> None:
    private = generate_signing_key()
    public = public_key_of(private)
    head = sign_head(private, 10, ROOT, AT)
    assert head.key_id == key_id_of(public)
    verify_head(public, head)
    line = encode_head(head)
    assert decode_head(line) == head
    assert line.startswith(b'{"key_id":"') and line.endswith(b',"v":1}')


def test_rfc8032_test_vector_key() -> None:
    # RFC 8032 §7.1 TEST 1: this private key has this public key.
    private = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    assert public_key_of(private).hex() == (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"size": 11},
        {"root": leaf_hash(b"another log")},
        {"timestamp": "2026-11-26T00:00:01Z"},
        {"signature": bytes(64)},
    ],
)
def test_any_change_breaks_the_signature(change: dict[str, object]) -> None:
    private = generate_signing_key()
    head = sign_head(private, 10, ROOT, AT)
    with pytest.raises(VerificationError, match="bad signature"):
        verify_head(public_key_of(private), dataclasses.replace(head, **change))  # type: ignore[arg-type]


def test_another_key_is_refused() -> None:
    head = sign_head(generate_signing_key(), 10, ROOT, AT)
    with pytest.raises(VerificationError, match="another key"):
        verify_head(public_key_of(generate_signing_key()), head)


def test_the_signed_message_is_canonical_json() -> None:
    message = head_message(3, ROOT, AT, "ab" * 32)
    assert message == (
        b'{"key_id":"'
        + b"ab" * 32
        + b'","root":"'
        + ROOT.hex().encode()
        + b'","size":3,"timestamp":"2026-11-26T00:00:00Z","v":1}'
    )


@pytest.mark.parametrize(
    "line",
    [
        b'{"size":1}',
        b'{"key_id":"zz","root":"00","signature":"00","size":1,"timestamp":"x","v":1}',
    ],
)
def test_bad_head_lines(line: bytes) -> None:
    with pytest.raises(InputError):
        decode_head(line)


def test_bad_signing_input() -> None:
    private = generate_signing_key()
    with pytest.raises(InputError):
        sign_head(private, -1, ROOT, AT)
    with pytest.raises(InputError):
        sign_head(private, 1, b"short", AT)
    with pytest.raises(InputError):
        sign_head(private, 1, ROOT, "yesterday")
