"""``sovet ledger``: root, verify, prove and mirror on real files, exit codes and messages."""

from __future__ import annotations

import base64
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sovet.cli import main
from sovet.ledger.events import Entry, next_entry
from sovet.ledger.heads import encode_head, public_key_of, sign_head
from sovet.ledger.merkle import root
from sovet.ledger.proofs import verify_inclusion

KEY = bytes(range(32))
PUBLIC_HEX = public_key_of(KEY).hex()
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


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 1), out, err


def build(n: int) -> list[Entry]:
    entries: list[Entry] = []
    previous = None
    for i in range(n):
        previous = next_entry(
            previous,
            "2026-11-25T23:40:00Z",
            ["member.joined", "ballot.cast", "motion.tabled"][i % 3],
            f"m-{i}",
            {"unit": "u-putilov", "n": i, "name": "Путиловский завод"},
        )
        entries.append(previous)
    return entries


def write_log(path: Path, entries: list[Entry], head_sizes: list[int]) -> None:
    path.write_bytes(b"".join(e.raw + b"\n" for e in entries))
    leaves = [e.leaf_hash for e in entries]
    heads = [sign_head(KEY, s, root(leaves[:s]), "2026-11-26T00:00:00Z") for s in head_sizes]
    path.with_name(path.name.replace(".jsonl", ".heads.jsonl")).write_bytes(
        b"".join(encode_head(h) + b"\n" for h in heads)
    )


def test_root_of_the_rfc_test_leaves_matches_the_published_root(
    tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vector = json.loads((shared_data / "merkle/inclusion/1/happy-path.json").read_text())
    assert vector["treeSize"] == 8
    leaves_file = tmp_path / "leaves.txt"
    leaves_file.write_bytes(b"\n".join(RFC_LEAVES) + b"\n")
    code, out, _ = run(["ledger", "root", str(leaves_file)], capsys)
    assert code == 0
    assert out.split() == [base64.b64decode(vector["root"]).hex(), "8"]
    code, out, _ = run(["ledger", "root", "--json", str(leaves_file)], capsys)
    assert json.loads(out) == {"leaves": 8, "root": base64.b64decode(vector["root"]).hex()}


def test_root_of_an_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    code, out, _ = run(["ledger", "root", str(empty)], capsys)
    assert (code, out.split()[1]) == (0, "0")
    assert out.split()[0] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_verify_intact_and_tampered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "ledger.jsonl"
    entries = build(25)
    write_log(log, entries, [5, 25])
    code, out, err = run(["ledger", "verify", str(log), "--key", PUBLIC_HEX], capsys)
    assert code == 0, err
    assert "25 entries intact" in out and "signatures checked" in out
    code, out, _ = run(["ledger", "verify", str(log), "--json", "--strict"], capsys)
    report = json.loads(out)
    assert report["ok"] and report["size"] == 25 and report["heads"] == 2
    assert report["root"] == root([e.leaf_hash for e in entries]).hex()
    # One byte of entry 11 changed: exit 1, naming entry 11.
    data = log.read_bytes()
    at = data.index(b'"n":11') + 5
    log.write_bytes(data[:at] + b"7" + data[at + 1 :])
    code, out, err = run(["ledger", "verify", str(log)], capsys)
    assert code == 1
    assert err.startswith("error: entry 11:") and "Traceback" not in err
    # Entry 3 removed.
    lines = data.splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:3] + lines[4:]))
    code, _, err = run(["ledger", "verify", str(log)], capsys)
    assert code == 1 and err.startswith("error: entry 3:")


def test_verify_with_a_forked_head_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "ledger.jsonl"
    entries = build(12)
    write_log(log, entries, [6, 12])
    heads = tmp_path / "ledger.heads.jsonl"
    fork = sign_head(KEY, 12, root([entries[0].leaf_hash] * 12), "2026-11-26T00:00:01Z")
    heads.write_bytes(heads.read_bytes() + encode_head(fork) + b"\n")
    code, _, err = run(["ledger", "verify", str(log), "--key", PUBLIC_HEX], capsys)
    assert code == 1
    assert "head #3 is inconsistent with head #2" in err


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "ledger.jsonl"
    write_log(log, build(3), [3])
    code, _, err = run(["ledger", "verify", str(log), "--key", "xyz"], capsys)
    assert code == 2 and "--key" in err
    heads = tmp_path / "ledger.heads.jsonl"
    heads.write_bytes(b"not a head\n")
    code, _, err = run(["ledger", "verify", str(log)], capsys)
    assert code == 2 and "ledger.heads.jsonl:1:" in err


def test_prove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "ledger.jsonl"
    entries = build(21)
    write_log(log, entries, [])
    code, out, err = run(["ledger", "prove", str(log), "13", "--json"], capsys)
    assert code == 0, err
    proof = json.loads(out)
    leaves = [e.leaf_hash for e in entries]
    assert proof["root"] == root(leaves).hex() and proof["size"] == 21
    assert proof["leaf_hash"] == entries[13].leaf_hash.hex()
    verify_inclusion(leaves[13], 13, 21, [bytes.fromhex(p) for p in proof["proof"]], root(leaves))
    code, out, _ = run(["ledger", "prove", str(log), "2", "--size", "8"], capsys)
    assert code == 0 and f"root  {root(leaves[:8]).hex()}" in out and "proof checked: ok" in out
    code, _, err = run(["ledger", "prove", str(log), "30"], capsys)
    assert code == 2 and "INDEX" in err


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A directory published over HTTP on localhost."""
    root_dir = tmp_path / "published"
    root_dir.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root_dir))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root_dir, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_mirror_over_http(
    served: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    published, url = served
    entries = build(30)
    source = published / "ledger.jsonl"
    mirror = tmp_path / "mirror"
    write_log(source, entries[:10], [10])
    args = ["ledger", "mirror", f"{url}/ledger.jsonl", "--into", str(mirror), "--key", PUBLIC_HEX]
    code, out, err = run(args, capsys)
    assert code == 0, err
    assert "mirrored 10 new entries and 1 new heads" in out
    write_log(source, entries, [10, 30])
    code, out, _ = run(args, capsys)
    assert code == 0 and "mirrored 20 new entries and 1 new heads" in out
    assert (mirror / "log.jsonl").read_bytes() == source.read_bytes()
    assert (mirror / "heads.jsonl").read_bytes() == (published / "ledger.heads.jsonl").read_bytes()
    code, out, _ = run(args, capsys)
    assert code == 0 and out.startswith("up to date: 30 entries")
    code, out, err = run(
        ["ledger", "verify", str(mirror / "log.jsonl"), "--key", PUBLIC_HEX], capsys
    )
    assert code == 0 and "2 tree heads" in out, err


def test_mirror_refuses_a_rewritten_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = build(20)
    source = tmp_path / "src" / "ledger.jsonl"
    source.parent.mkdir()
    mirror = tmp_path / "mirror"
    write_log(source, entries[:15], [15])
    assert run(["ledger", "mirror", str(source), "--into", str(mirror)], capsys)[0] == 0
    before = (mirror / "log.jsonl").read_bytes()
    # The source rewrites entry 4 (rebuilding its chain) and re-signs.
    rewritten: list[Entry] = list(entries[:4])
    for e in entries[4:]:
        data = {"forged": True} if e.index == 4 else e.data
        rewritten.append(next_entry(rewritten[-1], e.at, e.type, e.actor, data))
    write_log(source, rewritten, [20])
    code, _, err = run(["ledger", "mirror", str(source), "--into", str(mirror)], capsys)
    assert code == 1
    assert "refusing to mirror" in err and "entry 4" in err
    assert (mirror / "log.jsonl").read_bytes() == before


def test_mirror_recovers_from_an_append_cut_short(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = build(12)
    source = tmp_path / "ledger.jsonl"
    mirror = tmp_path / "mirror"
    write_log(source, entries[:6], [6])
    assert run(["ledger", "mirror", str(source), "--into", str(mirror)], capsys)[0] == 0
    # A crash while appending left half of entry 6 in the mirror.
    with (mirror / "log.jsonl").open("ab") as out:
        out.write(entries[6].raw[:50])
    write_log(source, entries, [6, 12])
    code, out, err = run(["ledger", "mirror", str(source), "--into", str(mirror)], capsys)
    assert code == 0, err
    assert "mirrored 6 new entries" in out
    assert (mirror / "log.jsonl").read_bytes() == source.read_bytes()
