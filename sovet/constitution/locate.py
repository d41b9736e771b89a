"""Locating key paths in a constitution's text: tomllib gives values, not positions."""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from bisect import bisect_right

__all__ = ["KeyPath", "Locator", "dotted", "key_text"]

KeyPart = str | int
KeyPath = tuple[KeyPart, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key_text(part: KeyPart) -> str:
    if isinstance(part, int):
        return f"[{part}]"
    return part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)


def dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + key_text(part)
    return out


class Locator:
    """Finds the line where each key path is first written, by a small scan of valid TOML.

    It follows ``[table]`` and ``[[array]]`` headers, ``key = value`` lines with dotted and
    quoted keys, inline tables and (multi-line) arrays, and skips strings and comments.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.lines: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}
        # A best effort: anything left unlocated falls back to an enclosing table.
        with contextlib.suppress(IndexError, ValueError, tomllib.TOMLDecodeError):
            self._scan()

    def line(self, path: KeyPath) -> int:
        for end in range(len(path), 0, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return 1

    def _line_at(self, pos: int) -> int:
        return bisect_right(self.starts, pos)

    def _record(self, path: KeyPath, pos: int) -> None:
        line = self._line_at(pos)
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], line)

    def _scan(self) -> None:
        text, i = self.text, 0
        table: KeyPath = ()
        while True:
            i = self._skip_blank(i, newlines=True)
            if i >= len(text):
                return
            start = i
            if text.startswith("[[", i):
                key, i = self._parse_key(i + 2)
                index = self.arrays.get(key, -1) + 1
                self.arrays[key] = index
                table = (*key, index)
                self._record(key, start)
                self._record(table, start)
                i = text.index("]]", i) + 2
            elif text[i] == "[":
                key, i = self._parse_key(i + 1)
                table = key
                self._record(table, start)
                i = text.index("]", i) + 1
            else:
                key, i = self._parse_key(i)
                self._record((*table, *key), start)
                i = self._skip_blank(i)
                i = self._skip_value(i + 1, (*table, *key))  # past "="
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline + 1

    def _skip_blank(self, i: int, *, newlines: bool = False) -> int:
        text = self.text
        while i < len(text):
            c = text[i]
            if c in " \t\r" or (newlines and c == "\n"):
                i += 1
            elif c == "#" and newlines:
                newline = text.find("\n", i)
                i = len(text) if newline < 0 else newline
            else:
                break
        return i

    def _parse_key(self, i: int) -> tuple[KeyPath, int]:
        text, parts = self.text, []
        while True:
            i = self._skip_blank(i)
            if text[i] in "\"'":
                end = self._string_end(i)
                parts.append(tomllib.loads(f"k = {text[i:end]}")["k"])
                i = end
            else:
                match = _BARE_KEY.match(text, i)
                if match is None:
                    raise ValueError("not a key")
                parts.append(match.group())
                i = match.end()
            i = self._skip_blank(i)
            if i < len(text) and text[i] == ".":
                i += 1
                continue
            return tuple(parts), i

    def _string_end(self, i: int) -> int:
        """Index just past the string starting at ``i``."""
        text = self.text
        for quote in ('"""', "'''"):
            if text.startswith(quote, i):
                j = i + 3
                while True:
                    if quote == '"""' and text[j] == "\\":
                        j += 2
                    elif text.startswith(quote, j):
                        j += 3
                        for _ in range(2):  # up to two more quotes end the content
                            if j < len(text) and text[j] == quote[0]:
                                j += 1
                        return j
                    else:
                        j += 1
        quote, j = text[i], i + 1
        while text[j] != quote:
            j += 2 if quote == '"' and text[j] == "\\" else 1
        return j + 1

    def _skip_value(self, i: int, path: KeyPath) -> int:
        text = self.text
        i = self._skip_blank(i)
        c = text[i]
        if c in "\"'":
            return self._string_end(i)
        if c == "[":
            i, index = i + 1, 0
            while True:
                i = self._skip_blank(i, newlines=True)
                if text[i] == "]":
                    return i + 1
                self._record((*path, index), i)
                i = self._skip_value(i, (*path, index))
                index += 1
                i = self._skip_blank(i, newlines=True)
                if text[i] == ",":
                    i += 1
        if c == "{":
            i += 1
            while True:
                i = self._skip_blank(i)
                if text[i] == "}":
                    return i + 1
                key, i = self._parse_key(i)
                self._record((*path, *key), i)
                i = self._skip_blank(i)
                i = self._skip_value(i + 1, (*path, *key))
                i = self._skip_blank(i)
                if text[i] == ",":
                    i += 1
        while i < len(text) and text[i] not in ",]}\n#":
            i += 1
        return i
