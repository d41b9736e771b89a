"""Values as the constitution writes them: shares read exactly, fractions shown as
``"n/d"``, and any value shown as the file would write it (for messages)."""

from __future__ import annotations

import decimal
import json
import re
from fractions import Fraction

__all__ = ["format_fraction", "parse_share", "render", "show"]


def parse_share(value: object) -> Fraction:
    """A share written as ``"2/3"``, ``"50%"``, ``"0.5"``, ``0.5`` (a Decimal) or ``1``,
    exactly as a Fraction. Raises ValueError with a readable message.

    >>> parse_share("2/3"), parse_share("12.5%"), parse_share(decimal.Decimal("0.1"))
    (Fraction(2, 3), Fraction(1, 8), Fraction(1, 10))
    """
    if isinstance(value, bool):
        raise ValueError(f'expected a share such as "1/2" or "50%", got {show(value)}')
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"expected a finite share, got {value}")
        if value and not -100 <= value.adjusted() <= 100:
            # Fraction(Decimal("1e-99999999")) would work out 10^99999999: minutes
            raise ValueError(f"expected a share such as 0.5, got {value}")
        if len(value.as_tuple().digits) > _MAX_DIGITS:
            raise ValueError(f"expected a share such as 0.5, got {_long(str(value))}")
        return Fraction(value)
    if isinstance(value, str):
        text = value.strip()
        if sum(c.isdigit() for c in text) > _MAX_DIGITS:
            raise ValueError(f'expected a share such as "1/2", got {_long(text)}')
        match = _RATIO.fullmatch(text)
        if match:
            denominator = int(match["d"])
            if denominator == 0:
                raise ValueError(f"{render(value)} divides by zero")
            return Fraction(int(match["n"]), denominator) * (-1 if match["sign"] else 1)
        match = _PERCENT.fullmatch(text)
        if match:
            return Fraction(decimal.Decimal(match["x"])) / 100
        if _DECIMAL.fullmatch(text):
            return Fraction(decimal.Decimal(text))
        raise ValueError(f'expected a share such as "1/2", "50%" or 0.5, got {render(value)}')
    raise ValueError(f'expected a share such as "1/2", "50%" or 0.5, got {show(value)}')


# a share is never written with more digits than this; ints past 4,300 digits can't
# even be read or shown
_MAX_DIGITS = 100


def _long(text: str) -> str:
    return f"a number of {sum(c.isdigit() for c in text)} digits ({text[:20]}…)"


_RATIO = re.compile(r"(?P<sign>-)?\s*(?P<n>\d+)\s*/\s*(?P<d>\d+)")
_PERCENT = re.compile(r"(?P<x>-?\d+(?:\.\d+)?)\s*%")
_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")


def format_fraction(value: Fraction) -> str:
    """Always ``"n/d"``, as in the JSON output.

    >>> format_fraction(Fraction(1)), format_fraction(Fraction(2, 4))
    ('1/1', '1/2')
    """
    return f"{value.numerator}/{value.denominator}"


def show(value: object) -> str:
    kinds = {
        bool: "a boolean",
        int: "an integer",
        decimal.Decimal: "a decimal number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    for kind, name in kinds.items():
        if type(value) is kind:
            return f"{name} ({render(value)})" if kind not in (list, dict) else name
    return f"a {type(value).__name__} ({value})"


def render(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
