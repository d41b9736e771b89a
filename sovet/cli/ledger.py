"""``sovet ledger``: roots, verification, proofs and mirrors of the transparency log.

Files: a log is JSONL, one canonical entry per line; its signed tree heads are
JSONL too, one head per line, in ``<log>.heads.jsonl`` beside ``<log>.jsonl``
(for a mirror directory: ``log.jsonl`` and ``heads.jsonl``).

Where entries come from is one small function, :func:`_entries_from`, so that a
database source can be added beside files.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

import click

from sovet.cli.common import echo_json
from sovet.errors import FileFormatError, InputError, VerificationError
from sovet.ledger.events import decode_entry
from sovet.ledger.heads import TreeHead, decode_head, encode_head
from sovet.ledger.merkle import root
from sovet.ledger.mirror import plan_mirror
from sovet.ledger.proofs import inclusion_proof, verify_inclusion
from sovet.ledger.verify import VerifyReport, file_leaf_hashes, split_lines, verify_log_bytes
from sovet.settings import load_settings
from sovet.storage import Database, open_database

__all__ = ["heads_location", "ledger", "pin_key", "read_pin"]

DB_HELP = "Read the log from this database (URL) instead of a file."

_FETCH_TIMEOUT = 60


def _read_file(path: str) -> bytes:
    return Path(path).read_bytes()


def _entries_from(source: str) -> bytes:
    """The bytes of a log (JSONL) from a file path."""
    return _read_file(source)


def _open(database_url: str | None) -> Database:
    """The database named by --db (or the settings), closed when the command ends."""
    db = open_database(load_settings(database_url=database_url).database_url)
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(db.close)
    return db


def _database_log(db: Database) -> bytes:
    """The database's log as JSONL bytes, one canonical entry per line."""
    return b"".join(raw + b"\n" for raw in db.raw_entries())


def heads_location(log: str) -> str:
    """Where a log's heads are published: ``X.jsonl`` -> ``X.heads.jsonl``.

    >>> heads_location("https://example.org/ledger.jsonl")
    'https://example.org/ledger.heads.jsonl'
    """
    if not log.endswith(".jsonl"):
        raise InputError(f"{log}: a log's name ends with .jsonl")
    return log.removesuffix(".jsonl") + ".heads.jsonl"


def _parse_heads(data: bytes, where: str) -> list[TreeHead]:
    heads = []
    for number, line in enumerate(split_lines(data), 1):
        try:
            heads.append(decode_head(line))
        except InputError as exc:
            raise FileFormatError(exc.message, path=where, line=number) from exc
    return heads


def _heads_for(log: str, heads: str | None) -> tuple[list[TreeHead], str | None]:
    """The heads given with --heads, or published beside the log, or none."""
    if heads is None:
        beside = Path(heads_location(log)) if log.endswith(".jsonl") else None
        if Path(log).name == "log.jsonl":
            beside = Path(log).with_name("heads.jsonl")
        if beside is None or not beside.is_file():
            return [], None
        heads = str(beside)
    return _parse_heads(_read_file(heads), heads), heads


def _public_key(key: str | None) -> bytes | None:
    if key is None:
        return None
    try:
        raw = bytes.fromhex(key)
    except ValueError:
        raise InputError("--key: an Ed25519 public key is 64 hex digits") from None
    if len(raw) != 32:
        raise InputError("--key: an Ed25519 public key is 64 hex digits")
    return raw


@click.group()
def ledger() -> None:
    """The transparency log: roots, verification, proofs and mirrors.

    A log is a JSONL file, one canonical event per line; its signed tree heads are
    published beside it as X.heads.jsonl. docs/ledger.md explains the format and
    how to check it with nothing but the specification.

    Example:

    \b
        sovet ledger verify ledger.jsonl --key 3b6a27bc...
    """


@ledger.command("root")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print {root, leaves} as JSON.")
def root_command(file: str, as_json: bool) -> None:
    """Print the RFC 6962 Merkle root of FILE and its leaf count.

    Each line is a leaf: its bytes without the newline (a last line without a
    newline counts too). Prints "ROOT LEAVES" with the root in lowercase hex.

    Example:

    \b
        sovet ledger root ledger.jsonl
    """
    leaves = file_leaf_hashes(_read_file(file))
    tree_root = root(leaves)
    if as_json:
        echo_json({"leaves": len(leaves), "root": tree_root.hex()})
    else:
        click.echo(f"{tree_root.hex()} {len(leaves)}")


UNVOUCHED_EXIT = 5
"""Exit code of ``verify --db`` whose log is intact but whose key came from the same
database: nothing vouches for who signed it."""

UNVOUCHED = (
    "the signatures were checked with the key stored in the same database, so this "
    "vouches only for the log's internal consistency, NOT for who signed it: whoever "
    "can write the database can rewrite history and re-sign it with a new key. Give "
    "the federation's key with --key, or --pin-file to pin it on first sight."
)


def _report(
    report: VerifyReport,
    heads_file: str | None,
    as_json: bool,
    *,
    key_source: str = "",
    warning: str | None = None,
) -> None:
    if warning is not None:
        click.echo(f"WARNING: {warning}", err=True)
    if as_json:
        echo_json(
            {
                "ok": True,
                "size": report.size,
                "root": report.root.hex(),
                "heads": report.heads,
                "heads_file": heads_file,
                "signatures_checked": report.signatures_checked,
                "strict": report.strict,
                "lots": report.lots,
                "key_source": key_source or None,
                "vouched": warning is None and report.signatures_checked,
                "warning": warning,
            }
        )
        return
    click.echo(f"ok: {report.size} entries intact, root {report.root.hex()}")
    if report.lots:
        click.echo(f"{report.lots} lots recomputed from the log: every seed follows")
    if report.heads:
        signed = "signatures checked" if report.signatures_checked else "signatures NOT checked"
        if not report.signatures_checked:
            signed += " (give --key)"
        elif key_source:
            signed += f" with the {key_source}"
        click.echo(f"{report.heads} tree heads from {heads_file} match the log; {signed}")


def read_pin(path: Path) -> bytes | None:
    """The key pinned in ``path`` (64 hex digits), or None when nothing is pinned yet."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8").strip()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise InputError(f"{path}: a pinned key is 64 hex digits") from None
    if len(raw) != 32:
        raise InputError(f"{path}: a pinned key is 64 hex digits")
    return raw


def pin_key(path: Path, seen: bytes | None, given: bytes | None) -> tuple[bytes | None, bool]:
    """Trust on first sight: the key to check signatures with, and whether it was pinned
    just now. A key already pinned in ``path`` wins, and a different key given or seen
    is refused; otherwise the key given (or, failing that, seen) is pinned."""
    pinned = read_pin(path)
    if pinned is not None:
        for key, what in ((given, "--key"), (seen, "the source's key")):
            if key is not None and key != pinned:
                raise VerificationError(
                    f"{what} {key.hex()} is not the key pinned in {path} ({pinned.hex()}): "
                    "the log was re-signed by someone else"
                )
        return pinned, False
    key = given or seen
    if key is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(key.hex() + "\n", encoding="utf-8")
    return key, key is not None


def _founding_key(data: bytes) -> bytes | None:
    """The public key the log's first entry (``federation.founded``) names, if any."""
    lines = split_lines(data)
    if not lines:
        return None
    try:
        entry = decode_entry(lines[0], expected_index=0)
        return bytes.fromhex(str(entry.data.get("public_key", ""))) or None
    except (InputError, VerificationError, ValueError):
        return None


@ledger.command("verify")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--db", "database_url", metavar="URL", help=DB_HELP)
@click.option(
    "--heads",
    "heads_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Signed tree heads (JSONL); default: FILE's .heads.jsonl when present.",
)
@click.option("--key", help="The log's Ed25519 public key (64 hex digits), to check signatures.")
@click.option(
    "--pin-file",
    "pin_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A file holding the federation's pinned key: checked against, or written on first sight.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Also decode every entry as canonical JSON and recompute every lot's seed.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def verify_command(
    file: str | None,
    database_url: str | None,
    heads_file: str | None,
    key: str | None,
    pin_file: Path | None,
    strict: bool,
    as_json: bool,
) -> None:
    """Check that a log is intact: exit 0, or exit 1 naming the first bad entry.

    Checks every entry's index and its link to the entry before it, the Merkle
    root at every signed head, and (with --key) the heads' signatures. A changed
    byte, a removed, inserted or reordered entry, or a head inconsistent with an
    earlier one is reported as "error: entry N: ...". With --db (or no FILE) the
    log and its heads come from the database; the key must come from elsewhere
    (--key, or --pin-file: the key pinned there, or the database's key pinned on
    first sight). With the key stored in the same database it vouches only for
    the log's internal consistency: it says so loudly and exits 5.

    Example:

    \b
        sovet ledger verify ledger.jsonl --heads ledger.heads.jsonl --key 3b6a27bc...
        sovet ledger verify --db sqlite:///sovet.db --pin-file federation.key
    """
    public_key = _public_key(key)
    if file is None or database_url is not None:
        if file is not None:
            raise InputError("give a FILE or --db, not both")
        db = _open(database_url)
        heads = db.heads()
        stored = db.public_key()
        key_source, warning = "key given", None
        if pin_file is not None:
            public_key, first = pin_key(pin_file, stored, public_key)
            key_source = f"key pinned on first sight in {pin_file}" if first else "pinned key"
        elif public_key is None:
            public_key, key_source, warning = stored, "key stored in the database", UNVOUCHED
        report = verify_log_bytes(_database_log(db), heads, public_key, strict=strict)
        _report(report, db.url, as_json, key_source=key_source, warning=warning)
        if warning is not None:
            sys.exit(UNVOUCHED_EXIT)
        return
    heads, heads_used = _heads_for(file, heads_file)
    data = _entries_from(file)
    key_source = "key given" if public_key is not None else ""
    if pin_file is not None:
        public_key, first = pin_key(pin_file, _founding_key(data), public_key)
        key_source = f"key pinned on first sight in {pin_file}" if first else "pinned key"
    report = verify_log_bytes(data, heads, public_key, strict=strict)
    _report(report, heads_used, as_json, key_source=key_source)


@ledger.command("prove")
@click.argument("args", nargs=-1, required=True, metavar="[FILE] INDEX")
@click.option("--db", "database_url", metavar="URL", help=DB_HELP)
@click.option("--size", type=int, help="Prove against the tree of the first N entries.")
@click.option("--json", "as_json", is_flag=True, help="Print the proof as JSON.")
def prove_command(
    args: tuple[str, ...], database_url: str | None, size: int | None, as_json: bool
) -> None:
    """Print the inclusion proof of entry INDEX (RFC 9162), after checking it.

    The proof is the list of sibling hashes from the entry's leaf up to the root
    of the tree of --size entries (default: the whole log). Anyone holding the
    entry and a signed root can check it with the RFC's algorithm. Without FILE
    the log comes from the database (--db or the settings).

    Example:

    \b
        sovet ledger prove ledger.jsonl 17 --json
        sovet ledger prove 17 --db sqlite:///sovet.db
    """
    if len(args) > 2:
        raise InputError("give [FILE] INDEX")
    try:
        index = int(args[-1])
    except ValueError:
        raise InputError(f"INDEX must be a whole number, not {args[-1]!r}") from None
    if len(args) == 2:
        if not Path(args[0]).is_file():
            raise InputError(f"{args[0]}: no such file")
        data = _entries_from(args[0])
    else:
        data = _database_log(_open(database_url))
    report = verify_log_bytes(data)
    size = report.size if size is None else size
    if not 0 < size <= report.size:
        raise InputError(f"--size must be between 1 and {report.size}")
    if not 0 <= index < size:
        raise InputError(f"INDEX must be between 0 and {size - 1}")
    leaves = file_leaf_hashes(data)
    proof = inclusion_proof(leaves, index, size)
    tree_root = report.root if size == report.size else root(leaves[:size])
    verify_inclusion(leaves[index], index, size, proof, tree_root)
    if as_json:
        echo_json(
            {
                "index": index,
                "size": size,
                "leaf_hash": leaves[index].hex(),
                "root": tree_root.hex(),
                "proof": [p.hex() for p in proof],
            }
        )
        return
    click.echo(f"entry {index} of a tree of {size}")
    click.echo(f"leaf  {leaves[index].hex()}")
    click.echo(f"root  {tree_root.hex()}")
    for p in proof:
        click.echo(f"proof {p.hex()}")
    click.echo("proof checked: ok")


@ledger.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", "database_url", metavar="URL", help="The database (default: settings).")
def export_command(out: Path, database_url: str | None) -> None:
    """Write the log to OUT (one canonical entry per line) and its signed heads beside it.

    The heads go to OUT's .heads.jsonl, so `sovet ledger verify OUT` and mirrors
    find them.

    Example:

    \b
        sovet ledger export ledger.jsonl --db sqlite:///sovet.db
    """
    heads_path = Path(heads_location(str(out)))
    db = _open(database_url)
    size = 0
    with out.open("wb") as handle:
        for raw in db.raw_entries():
            handle.write(raw + b"\n")
            size += 1
    heads = db.heads()
    with heads_path.open("wb") as handle:
        for head in heads:
            handle.write(encode_head(head) + b"\n")
    click.echo(f"wrote {size} entries to {out} and {len(heads)} heads to {heads_path}")


def _fetch(source: str, *, missing_ok: bool = False) -> bytes | None:
    """The bytes at a file path or an http(s) URL; None when absent and ``missing_ok``."""
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=_FETCH_TIMEOUT) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as exc:
            if missing_ok and exc.code == 404:
                return None
            raise InputError(f"{source}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, TimeoutError) as exc:
            raise InputError(f"{source}: cannot fetch ({exc})") from None
    if source.startswith("file://"):
        source = source.removeprefix("file://")
    path = Path(source)
    if missing_ok and not path.exists():
        return None
    return _read_file(source)


def _complete(path: Path) -> bytes:
    """A mirror file's complete lines; a last line cut short by a crash is removed."""
    if not path.exists():
        return b""
    data = path.read_bytes()
    cut = data.rfind(b"\n") + 1
    if cut != len(data):
        with path.open("r+b") as out:
            out.truncate(cut)
            os.fsync(out.fileno())
    return data[:cut]


def _append(path: Path, lines: tuple[bytes, ...]) -> None:
    """Append lines to a file and make them durable before returning."""
    if not lines:
        return
    with path.open("ab") as out:
        out.write(b"".join(line + b"\n" for line in lines))
        out.flush()
        os.fsync(out.fileno())


@ledger.command("mirror")
@click.argument("source")
@click.option(
    "--into",
    "into",
    required=True,
    type=click.Path(file_okay=False),
    help="The mirror's directory (log.jsonl and heads.jsonl).",
)
@click.option("--key", help="The source's Ed25519 public key (64 hex digits).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def mirror_command(source: str, into: str, key: str | None, as_json: bool) -> None:
    """Keep a local copy of another federation's log, refusing rewritten history.

    SOURCE is the log (a path or an http(s) URL ending in .jsonl); its heads are
    read from the same place with .heads.jsonl instead of .jsonl. The mirror in
    DIR holds log.jsonl and heads.jsonl. Each run fetches the source, checks that
    every entry and head already held is unchanged, that the whole log verifies,
    and that each new head is consistent with the last head seen; then appends
    only what is new. A rewritten or forked log is refused with exit 1. The
    source's key (--key, or the one its founding entry names) is pinned on first
    sight in DIR/key; afterwards heads must be signed by that key.

    Example:

    \b
        sovet ledger mirror https://council.example.org/ledger.jsonl --into mirrors/council
    """
    public_key = _public_key(key)
    directory = Path(into)
    directory.mkdir(parents=True, exist_ok=True)
    log_path, heads_path = directory / "log.jsonl", directory / "heads.jsonl"
    local = split_lines(_complete(log_path))
    local_heads = _parse_heads(_complete(heads_path), str(heads_path))
    remote_data = _fetch(source)
    assert remote_data is not None
    public_key, _ = pin_key(directory / "key", _founding_key(remote_data), public_key)
    remote_heads_data = _fetch(heads_location(source), missing_ok=True)
    remote_heads = (
        _parse_heads(remote_heads_data, heads_location(source)) if remote_heads_data else []
    )
    try:
        update = plan_mirror(local, local_heads, split_lines(remote_data), remote_heads, public_key)
    except VerificationError as exc:
        raise VerificationError(
            f"refusing to mirror {source}: {exc.message}", index=exc.index
        ) from exc
    _append(log_path, update.new_entries)
    _append(heads_path, tuple(encode_head(h) for h in update.new_heads))
    if as_json:
        echo_json(
            {
                "source": source,
                "new_entries": len(update.new_entries),
                "new_heads": len(update.new_heads),
                "size": update.size,
                "root": update.root.hex(),
                "heads_published": remote_heads_data is not None,
            }
        )
        return
    if remote_heads_data is None:
        click.echo(f"note: {heads_location(source)} not found; the source publishes no heads")
    if not update.new_entries and not update.new_heads:
        click.echo(f"up to date: {update.size} entries, root {update.root.hex()}")
    else:
        click.echo(
            f"mirrored {len(update.new_entries)} new entries and {len(update.new_heads)} "
            f"new heads: {update.size} entries, root {update.root.hex()}"
        )
