"""Fault: a base unit's mirror detects a rewritten or forked log, and says so.

A federation's log and signed heads are published as files (``log.jsonl`` and
``log.heads.jsonl``) served over HTTP on 127.0.0.1, and a mirror follows them with
``sovet ledger mirror URL --into DIR --key KEY``. The honest log grows twice and the
mirror takes each growth. Then whoever runs the server publishes, **signed with the
federation's own key**, in turn:

* a **rewritten** log: the same length, one old entry changed (every later hash and
  every head recomputed and re-signed);
* a **forked** log: the first entries kept, a different history after them, longer
  than what the mirror holds;
* a **truncated** log: history cut back to an earlier size;
* a **tampered** log: one byte of an old entry changed without re-signing.

Each must be refused (exit 1, a message naming the problem), the mirror's files must
be left exactly as they were, and the honest log must still be taken afterwards.

    python bench/faults/mirror_fork.py          # prints PASS or FAIL last; exit 0 or 1
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.ledger.heads import encode_head
from sovet.storage import Database, open_database

KEY = bytes(range(32))  # a fixed test key: the forger holds the real key, as an operator does
LOOPBACK = "127.0.0.1"


def build(url: str, names: Sequence[str]) -> Database:
    """A federation whose members are ``names``, with fixed timestamps: the same names
    give byte-identical entries, so two builds share a prefix exactly."""
    db = open_database(url)
    actions.found_federation(
        db,
        name="Mirror test",
        constitution=DEFAULT_CONSTITUTION,
        at="2026-11-01T00:00:00Z",
        signing_key=KEY,
    )
    for i, name in enumerate(names):
        actions.register_member(
            db,
            actor="operator",
            name=name,
            member_id=f"m{i}",
            at=f"2026-11-01T00:{i // 60:02d}:{i % 60:02d}Z",
        )
    return db


def publish(db: Database, where: Path) -> None:
    """Write the log and its heads where the web server serves them."""
    entries = list(db.raw_entries())
    (where / "log.jsonl").write_bytes(b"".join(e + b"\n" for e in entries))
    heads = [encode_head(h) for h in db.heads()]
    (where / "log.heads.jsonl").write_bytes(b"".join(h + b"\n" for h in heads))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sovet-mirror-") as tmp:
        root = Path(tmp)
        site, mirror, work = root / "site", root / "mirror", root / "db"
        site.mkdir()
        work.mkdir()
        handler = functools.partial(Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer((LOOPBACK, 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        source = f"http://{LOOPBACK}:{server.server_address[1]}/log.jsonl"
        names = [f"Member {i}" for i in range(30)]
        counter = iter(range(1000))

        def log_of(members: Sequence[str]) -> Database:
            return build(f"sqlite:///{work / f'v{next(counter)}.db'}", members)

        public_key = log_of(names[:1]).public_key()
        assert public_key is not None

        def run_mirror() -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [
                    *(sys.executable, "-m", "sovet", "ledger", "mirror", source),
                    *("--into", str(mirror), "--key", public_key.hex()),
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )

        def mirror_files() -> tuple[bytes, bytes]:
            return (mirror / "log.jsonl").read_bytes(), (mirror / "heads.jsonl").read_bytes()

        def expect(ok: bool, what: str, detail: str = "") -> None:
            print(f"  {'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail else ""))
            if not ok:
                failures.append(what)

        # the honest log, growing
        for size in (10, 20):
            publish(log_of(names[:size]), site)
            done = run_mirror()
            expect(
                done.returncode == 0 and "mirrored" in done.stdout,
                f"the mirror takes the honest log of {size + 1} entries",
                (done.stdout + done.stderr).strip(),
            )
        held = mirror_files()

        # forgeries, each signed with the federation's key except the last
        rewritten = names[:20]
        rewritten[5] = "Someone Else"
        forgeries = {
            "rewritten (entry 6 changed, same length, re-signed)": log_of(rewritten),
            "forked (first 10 kept, a different history after, longer)": log_of(
                names[:10] + [f"Forked {i}" for i in range(15)]
            ),
            "truncated (cut back to 12 entries)": log_of(names[:11]),
        }
        for what, forged in forgeries.items():
            publish(forged, site)
            done = run_mirror()
            said = (done.stdout + done.stderr).strip()
            expect(
                done.returncode == 1 and "refusing to mirror" in said,
                f"a {what} log is refused",
                said.splitlines()[-1] if said else "(nothing said)",
            )
            expect(mirror_files() == held, f"the mirror is unchanged after the {what} log")

        # tampered: one byte of an old entry, heads left as they were
        publish(log_of(names[:20]), site)
        data = (site / "log.jsonl").read_bytes()
        at = data.index(b"Member 3")
        (site / "log.jsonl").write_bytes(data[:at] + b"Nember 3" + data[at + 8 :])
        done = run_mirror()
        said = (done.stdout + done.stderr).strip()
        expect(
            done.returncode == 1 and "refusing to mirror" in said,
            "a tampered (one byte, not re-signed) log is refused",
            said.splitlines()[-1] if said else "(nothing said)",
        )
        expect(mirror_files() == held, "the mirror is unchanged after the tampered log")

        # and the honest log, grown further, is still taken
        publish(log_of(names[:30]), site)
        done = run_mirror()
        expect(
            done.returncode == 0 and "mirrored 10 new entries" in done.stdout,
            "the honest log, grown to 31 entries, is taken again",
            done.stdout.strip(),
        )
        server.shutdown()
    if failures:
        print(f"FAIL: mirror_fork: {len(failures)} check(s) failed: {'; '.join(failures)}")
        return 1
    print("PASS: mirror_fork: rewritten, forked, truncated and tampered logs are refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
