"""What every action shares: new ids and time."""

from __future__ import annotations

import re
import secrets

__all__ = ["new_id", "slug"]


def new_id(prefix: str) -> str:
    """A fresh random id such as ``m-3f9a1c2b7d``."""
    return f"{prefix}-{secrets.token_hex(5)}"


def slug(text: str) -> str:
    """A readable id from a name.

    >>> slug("Putilov Works, Petrograd")
    'putilov-works-petrograd'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"
