"""Parcels and households as text: a CSV file, or the lines of a form.

Parcels, one a line: ``parcel,area,quality`` (quality may be left out: 1).
Households, one a line: ``household,eaters,workers``. A first line naming the
columns is skipped, as are blank lines and lines starting with ``#``. Numbers are
exact: ``12``, ``12.5`` or ``25/2`` (never a binary float). Every problem is
reported with its line and field (``parcels.csv:3: area: '12,5' is not a number``),
all of them at once.

>>> parse_parcels("parcel,area,quality\\nnorth,12.5,1\\nriver,6\\n")
[('north', Fraction(25, 2), Fraction(1, 1)), ('river', Fraction(6, 1), Fraction(1, 1))]
>>> parse_households("Ivanovs,6,2\\nPetrovs,4,x", path="h.csv")
Traceback (most recent call last):
...
sovet.errors.FileFormatError: h.csv:2: workers: 'x' is not a whole number
"""

from __future__ import annotations

import csv
from fractions import Fraction

from sovet.errors import FileFormatError, InputError

__all__ = ["parse_households", "parse_parcels", "read_count", "read_exact"]

Number = str | int | Fraction


def read_exact(value: Number, where: str) -> Fraction:
    """An exact number from ``"12"``, ``"12.5"`` or ``"25/2"`` (never a float); an error
    names ``where`` (``parcel 'north': area``).

    >>> read_exact("12.5", "parcel 'n': area"), read_exact("25/2", "x")
    (Fraction(25, 2), Fraction(25, 2))
    """
    if isinstance(value, bool | float):
        raise InputError(f"{where}: expected an exact number such as 12, 12.5 or 25/2")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    text = value.strip()
    if "e" in text.lower() or "_" in text:
        raise InputError(f"{where}: {value!r} is not a number (write 12, 12.5 or 25/2)")
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise InputError(f"{where}: {value!r} is not a number (write 12, 12.5 or 25/2)") from None


def read_count(value: int | str, where: str) -> int:
    """A whole number of people, 0 or more."""
    if isinstance(value, bool):
        raise InputError(f"{where}: expected a whole number")
    if isinstance(value, int):
        number = value
    else:
        text = value.strip()
        if not text.isascii() or not text.isdigit():
            raise InputError(f"{where}: {value!r} is not a whole number")
        try:
            number = int(text)
        except ValueError:  # past the interpreter's digit limit: no count of people
            raise InputError(f"{where}: {len(text)} digits is too many") from None
    if number < 0:
        raise InputError(f"{where}: must be 0 or more, got {number}")
    return number


def _rows(text: str, header: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    first = True
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in next(csv.reader([line]))]
        if first and cells and cells[0].lower() in header:
            first = False
            continue  # the column names
        first = False
        out.append((number, cells))
    return out


def _table(
    text: str, header: tuple[str, ...], fields: tuple[str, ...], minimum: int
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    problems: list[tuple[int, str]] = []
    out = []
    for number, cells in _rows(text, header):
        if not minimum <= len(cells) <= len(fields):
            problems.append((number, f"expected {','.join(fields)}, got {len(cells)} fields"))
            continue
        out.append((number, dict(zip(fields, cells, strict=False))))
    return out, problems


def _raise(problems: list[tuple[int, str]], path: str | None) -> None:
    if problems:
        lines = [
            f"{path}:{n}: {message}" if path is not None else f"line {n}: {message}"
            for n, message in sorted(problems)
        ]
        raise FileFormatError("\n".join(lines))


def parse_parcels(text: str, *, path: str | None = None) -> list[tuple[str, Fraction, Fraction]]:
    """``(id, area, quality)`` rows; raises FileFormatError naming every bad line and field."""
    rows, problems = _table(text, ("parcel", "id"), ("parcel", "area", "quality"), 2)
    out = []
    for number, row in rows:
        try:
            if not row["parcel"]:
                raise InputError("parcel: the name is empty")
            area = read_exact(row["area"], "area")
            quality = read_exact(row.get("quality") or "1", "quality")
        except InputError as exc:
            problems.append((number, exc.message))
            continue
        out.append((row["parcel"], area, quality))
    _raise(problems, path)
    return out


def parse_households(text: str, *, path: str | None = None) -> list[tuple[str, int, int]]:
    """``(name, eaters, workers)`` rows; raises FileFormatError naming every bad line and field."""
    fields = ("household", "eaters", "workers")
    rows, problems = _table(text, ("household", "name"), fields, 3)
    out = []
    for number, row in rows:
        try:
            if not row["household"]:
                raise InputError("household: the name is empty")
            eaters = read_count(row["eaters"], "eaters")
            workers = read_count(row["workers"], "workers")
        except InputError as exc:
            problems.append((number, exc.message))
            continue
        out.append((row["household"], eaters, workers))
    _raise(problems, path)
    return out
