"""Every RFC 6962 / RFC 9162 test vector in ../shared/data/merkle (real, third-party data)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from sovet.errors import VerificationError
from sovet.ledger.merkle import leaf_hash, root
from sovet.ledger.proofs import (
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "data" / "merkle"
# The eight leaves of RFC 6962's test tree, which the numbered folders use.
RFC_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
FILES = sorted(VECTORS.rglob("*.json"))


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


def _proof(vector: dict[str, Any]) -> list[bytes]:
    return [_b64(p) for p in vector.get("proof") or []]


def test_all_vector_files_are_found(shared_data: Path) -> None:
    assert shared_data / "merkle" == VECTORS
    kinds = {f.relative_to(VECTORS).parts[0] for f in FILES}
    assert kinds == {"inclusion", "consistency"}
    assert len(FILES) >= 190


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(VECTORS)))
def test_vector(path: Path) -> None:
    vector = json.loads(path.read_text())
    if path.relative_to(VECTORS).parts[0] == "inclusion":

        def check() -> None:
            verify_inclusion(
                _b64(vector["leafHash"]),
                vector["leafIdx"],
                vector["treeSize"],
                _proof(vector),
                _b64(vector["root"]),
            )
    else:

        def check() -> None:
            verify_consistency(
                vector["size1"],
                vector["size2"],
                _b64(vector["root1"]),
                _b64(vector["root2"]),
                _proof(vector),
            )

    if vector["wantErr"]:
        with pytest.raises(VerificationError):
            check()
    else:
        check()


HAPPY_INCLUSION = sorted(VECTORS.glob("inclusion/[0-9]*/happy-path.json"))
HAPPY_CONSISTENCY = sorted(VECTORS.glob("consistency/[0-9]*/happy-path.json"))


@pytest.mark.parametrize("path", HAPPY_INCLUSION, ids=lambda p: p.parent.name)
def test_we_generate_the_published_inclusion_proof(path: Path) -> None:
    vector = json.loads(path.read_text())
    leaves = [leaf_hash(x) for x in RFC_LEAVES]
    index, size = vector["leafIdx"], vector["treeSize"]
    assert leaves[index] == _b64(vector["leafHash"])
    assert root(leaves[:size]) == _b64(vector["root"])
    assert inclusion_proof(leaves, index, size) == _proof(vector)


@pytest.mark.parametrize("path", HAPPY_CONSISTENCY, ids=lambda p: p.parent.name)
def test_we_generate_the_published_consistency_proof(path: Path) -> None:
    vector = json.loads(path.read_text())
    leaves = [leaf_hash(x) for x in RFC_LEAVES]
    size1, size2 = vector["size1"], vector["size2"]
    assert root(leaves[:size1]) == _b64(vector["root1"])
    assert root(leaves[:size2]) == _b64(vector["root2"])
    assert consistency_proof(leaves, size1, size2) == _proof(vector)


def test_happy_paths_exist() -> None:
    assert len(HAPPY_INCLUSION) >= 5
    assert len(HAPPY_CONSISTENCY) >= 5
