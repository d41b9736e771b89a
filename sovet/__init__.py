"""Sovet: self-government for a federation of councils.

The public API is re-exported here; see ``docs/`` for the concepts.
"""

from __future__ import annotations

from sovet.errors import (
    AlreadyVoted,
    BaseProtected,
    ConstitutionError,
    CountingError,
    FileFormatError,
    Forbidden,
    InputError,
    LedgerError,
    NotFound,
    NotOpen,
    PlanningError,
    QuorumNotMet,
    RuleViolation,
    SovetError,
    StorageError,
    UnresolvedTie,
    VerificationError,
)

__version__ = "0.1.0"

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
    "__version__",
]
