"""Every setting, declared once with its default and help.

Settings merge, later winning: the defaults here, ``sovet.toml`` in the working
directory (a ``[sovet]`` table), ``SOVET_*`` environment variables, and command-line
flags. They are loaded at the entry point and passed down; nothing reads them globally.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from sovet.errors import InputError

__all__ = ["SETTINGS", "Setting", "Settings", "load_settings"]


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", "sqlite:///sovet.db", "Where the federation is stored."),
    Setting("host", "127.0.0.1", "Address the web server listens on."),
    Setting("port", 8000, "Port the web server listens on."),
    Setting("workers", 1, "Web server worker processes."),
    Setting("secret_key", "", "Key that signs session cookies.", secret=True),
    Setting(
        "max_body_bytes",
        1_048_576,
        "Largest request body accepted (bytes); a larger one is refused with 413.",
    ),
    Setting(
        "max_upload_bytes",
        16_777_216,
        "Largest body of the bulk forms and calls (member lists, budget projects, plan "
        "declarations, land divisions), in bytes.",
    ),
    Setting(
        "behind_tls",
        False,
        "The site is reached over HTTPS (at a proxy): send Strict-Transport-Security on "
        "every answer, not only on those that came over TLS.",
    ),
    Setting(
        "heavy_per_minute",
        30,
        "Anonymous requests per minute, per client address, to endpoints that compute "
        "(proofs, recounts, plans); 0 turns the limit off.",
    ),
    Setting("heavy_burst", 20, "How many such requests a client may make at once."),
    Setting(
        "deadline_interval",
        60,
        "Seconds between the server's sweeps that close every vote past its deadline "
        "(0: no sweeps; run `sovet close-due` instead).",
    ),
    Setting(
        "trusted_proxies",
        "",
        "Addresses of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto "
        "headers the server believes (comma-separated; empty: believe none).",
    ),
)


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = "sqlite:///sovet.db"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    secret_key: str = field(default="", repr=False)
    max_body_bytes: int = 1_048_576
    max_upload_bytes: int = 16_777_216
    behind_tls: bool = False
    heavy_per_minute: int = 30
    heavy_burst: int = 20
    deadline_interval: int = 60
    trusted_proxies: str = ""

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _coerce(name: str, value: Any, source: str) -> Any:
    kind = type(next(s.default for s in SETTINGS if s.name == name))
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise InputError(f"{source}: {name} must be true or false, not {value!r}")
    if kind is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise InputError(f"{source}: {name} must be a whole number, not {value!r}") from None
    return str(value)


def load_settings(
    *, environ: Mapping[str, str] | None = None, config: Path | None = None, **flags: Any
) -> Settings:
    """Defaults < sovet.toml < SOVET_* environment < flags."""
    environ = os.environ if environ is None else environ
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    path = config or Path("sovet.toml")
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("sovet", {})
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: {exc}") from None
        for key, value in table.items():
            if key not in names:
                raise InputError(f"{path}: unknown setting {key!r}")
            values[key] = _coerce(key, value, str(path))
    for name in names:
        env = environ.get(f"SOVET_{name.upper()}")
        if env is not None:
            values[name] = _coerce(name, env, f"SOVET_{name.upper()}")
    for name, value in flags.items():
        if value is not None:
            values[name] = _coerce(name, value, f"--{name.replace('_', '-')}")
    return Settings(**values)
