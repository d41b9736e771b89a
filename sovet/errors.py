"""Every error Sovet raises, in one tree.

Each class has a stable ``code`` that the JSON API and the command line report,
and a ``status``-like category that ``web`` and ``cli`` map in one table each::

    SovetError
    ├── InputError              bad input: a file, a field, a value (says where)
    │   ├── FileFormatError     a ballot, CSV, TOML or JSONL file that does not parse
    │   └── ConstitutionError   a constitution that is not valid (key path, line)
    ├── NotFound                no such member, unit, council, election, motion ...
    ├── RuleViolation           the action is not allowed by the rules
    │   ├── Forbidden           the actor has no right to do this
    │   ├── BaseProtected       a higher body tried to override a lower one
    │   ├── NotOpen             voting or petitioning on something not open
    │   ├── AlreadyVoted        a second vote on the same ballot
    │   └── QuorumNotMet        too few present to decide
    ├── CountingError           an election or apportionment cannot be counted
    │   └── UnresolvedTie       a tie that the rules leave to a lot and no lot was given
    ├── LedgerError             the transparency log is not intact
    │   └── VerificationError   names the first bad index
    ├── PlanningError           an economy that is not valid or cannot be solved
    └── StorageError            the database cannot be reached or written
"""

from __future__ import annotations

__all__ = [
    "AlreadyVoted",
    "BaseProtected",
    "ConstitutionError",
    "CountingError",
    "FileFormatError",
    "Forbidden",
    "InputError",
    "LedgerError",
    "NotFound",
    "NotOpen",
    "PlanningError",
    "QuorumNotMet",
    "RuleViolation",
    "SovetError",
    "StorageError",
    "UnresolvedTie",
    "VerificationError",
]


class SovetError(Exception):
    """Base of every error Sovet raises on purpose."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(SovetError):
    """Bad input from a user: a value, a field, a file."""

    code = "invalid_input"


class FileFormatError(InputError):
    """A file that does not parse; the message names the file and line."""

    code = "file_format"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        elif line is not None:
            where = f"line {line}: "
        super().__init__(where + message)
        self.path = path
        self.line = line


class ConstitutionError(InputError):
    """A constitution that is not valid; ``problems`` lists every one."""

    code = "invalid_constitution"

    def __init__(self, message: str, *, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class NotFound(SovetError):
    code = "not_found"


class RuleViolation(SovetError):
    code = "rule_violation"


class Forbidden(RuleViolation):
    code = "forbidden"


class BaseProtected(RuleViolation):
    """Power flows from the base: a higher body may not override a lower one."""

    code = "base_protected"


class NotOpen(RuleViolation):
    code = "not_open"


class AlreadyVoted(RuleViolation):
    code = "already_voted"


class QuorumNotMet(RuleViolation):
    code = "quorum_not_met"


class CountingError(SovetError):
    code = "counting_error"


class UnresolvedTie(CountingError):
    code = "unresolved_tie"


class LedgerError(SovetError):
    code = "ledger_error"


class VerificationError(LedgerError):
    """The log is not intact; ``index`` is the first bad entry (or None for a bad head)."""

    code = "verification_failed"

    def __init__(self, message: str, *, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


class PlanningError(SovetError):
    code = "planning_error"


class StorageError(SovetError):
    code = "storage_error"
