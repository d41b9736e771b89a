"""The transparency log: canonical events, RFC 6962 Merkle tree, signed heads, proofs.

Pure: no I/O, clock or randomness (except :func:`generate_signing_key`, which
asks the operating system for a new key and is never used to verify).

* :mod:`~sovet.ledger.canonical` -- canonical JSON, the bytes of every event;
* :mod:`~sovet.ledger.events` -- the entry envelope and its hash chain;
* :mod:`~sovet.ledger.merkle` -- leaf and node hashes, tree roots, an append-only builder;
* :mod:`~sovet.ledger.proofs` -- inclusion and consistency proofs (RFC 9162);
* :mod:`~sovet.ledger.heads` -- Ed25519-signed tree heads;
* :mod:`~sovet.ledger.chain` -- every entry's index and prev checked in whole-log vector passes;
* :mod:`~sovet.ledger.verify` -- verify a whole log, naming the first bad entry;
* :mod:`~sovet.ledger.lots` -- the seed of every lot, derived from the log and its ballots;
* :mod:`~sovet.ledger.mirror` -- decide whether a mirror may append what a source publishes.
"""

from __future__ import annotations

from sovet.ledger.canonical import canonical_json, parse_canonical
from sovet.ledger.events import GENESIS_PREV, Entry, decode_entry, encode_entry, next_entry
from sovet.ledger.heads import (
    TreeHead,
    decode_head,
    encode_head,
    generate_signing_key,
    key_id_of,
    public_key_of,
    sign_head,
    verify_head,
)
from sovet.ledger.lots import check_lots, lot_seed
from sovet.ledger.merkle import (
    EMPTY_ROOT,
    MerkleBuilder,
    MerkleLevels,
    leaf_hash,
    node_hash,
    root,
)
from sovet.ledger.mirror import MirrorUpdate, check_extends, plan_mirror
from sovet.ledger.proofs import (
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from sovet.ledger.verify import (
    VerifyReport,
    file_leaf_hashes,
    leaf_hashes,
    split_lines,
    verify_log,
    verify_log_bytes,
)

__all__ = [
    "EMPTY_ROOT",
    "GENESIS_PREV",
    "Entry",
    "MerkleBuilder",
    "MerkleLevels",
    "MirrorUpdate",
    "TreeHead",
    "VerifyReport",
    "canonical_json",
    "check_extends",
    "check_lots",
    "consistency_proof",
    "decode_entry",
    "decode_head",
    "encode_entry",
    "encode_head",
    "file_leaf_hashes",
    "generate_signing_key",
    "inclusion_proof",
    "key_id_of",
    "leaf_hash",
    "leaf_hashes",
    "lot_seed",
    "next_entry",
    "node_hash",
    "parse_canonical",
    "plan_mirror",
    "public_key_of",
    "root",
    "sign_head",
    "split_lines",
    "verify_consistency",
    "verify_head",
    "verify_inclusion",
    "verify_log",
    "verify_log_bytes",
]
