"""Reading and validating a policy file.

A heating company edits its policy YAML by hand, usually someone who is not a programmer, and a
wrong value there turns into a wrong promise to thousands of customers. So the loader is strict:
every key must be present with the right type and range, unknown keys (typos) are refused, and the
first problem stops the process with a message that names the file and the dotted key, e.g.
`tianjin.yml: refund.tiers[1].rate must be between 0 and 1, got 1.5`.

Reading the file is the only I/O of `bot.policy`; everything else is pure.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.policy import validation
from bot.policy.model import Policy

CITIES_DIR = Path(__file__).resolve().parent / "cities"
"""Where the shipped city policies live: a bare name `tianjin` means `<CITIES_DIR>/tianjin.yml`."""

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


class PolicyError(ValueError):
    """A policy file is missing, unreadable or invalid; the message names the file and the key."""


# ---------------------------------------------------------------- YAML with no duplicate keys


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, which PyYAML would otherwise silently overwrite.

    A duplicated `fix_hours:` in a hand-edited file is an easy mistake whose effect (the second one
    wins) nobody would notice until a deadline is wrong.
    """


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            continue  # an odd key (a list…) is reported later as unknown, not here
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_policy(data: Any, *, name: str, source: str) -> Policy:
    """Validate already-parsed YAML data and build a `Policy`, raising `PolicyError`.

    `source` is the file name used in error messages (`tianjin.yml`); `name` becomes `Policy.name`.
    Separate from file reading so tests and tools can validate a dict directly. The keys and their
    checks are the section models of `bot.policy.model`.
    """
    try:
        checked = validation.validate(data)
    except validation.Problem as problem:
        raise PolicyError(f"{source}: {problem}") from None
    return checked.policy(name, source)


# --------------------------------------------------------------------------- files and cache


def available_policies() -> list[str]:
    """Names of the shipped city policies (`beijing`, `tianjin`, …)."""
    return sorted(p.stem for p in CITIES_DIR.glob("*.yml"))


def policy_path(name_or_path: str, relative_to: Path | None = None) -> Path:
    """The file a policy name or path refers to, raising `PolicyError` when there is none.

    A value containing a slash or ending in `.yml`/`.yaml` is a path (relative ones are taken from
    `relative_to`, else the working directory); anything else is a shipped city name.
    """
    value = name_or_path.strip()
    if "/" in value or "\\" in value or value.endswith((".yml", ".yaml")):
        path = Path(value).expanduser()
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        if not path.is_file():
            raise PolicyError(f"{path.name}: no such policy file: {path}")
        return path.resolve()
    if not _NAME.match(value):
        raise PolicyError(
            f"{value!r} is not a policy name (lower-case letters, digits, - or _) nor a .yml path"
        )
    path = CITIES_DIR / f"{value}.yml"
    if not path.is_file():
        known = ", ".join(available_policies()) or "none"
        raise PolicyError(f"no policy named {value!r} (expected {path}); available: {known}")
    return path


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path.name}: cannot be read: {exc}") from exc
    try:
        return yaml.load(text, Loader=_StrictLoader)  # SafeLoader subclass: safe
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path.name}: is not valid YAML: {exc}") from exc


def _merge(base: Mapping[Any, Any], override: Mapping[Any, Any]) -> dict[Any, Any]:
    """Deep-merge mappings: the override wins; lists and scalars are replaced, not combined."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_with_extends(path: Path, chain: tuple[Path, ...] = ()) -> Any:
    """Read a file, first merging the policy it `extends` (a name or a path next to it)."""
    if path in chain:
        names = " → ".join(p.name for p in (*chain, path))
        raise PolicyError(f"{path.name}: extends itself in a loop: {names}")
    data = _read_yaml(path)
    if not isinstance(data, Mapping) or "extends" not in data:
        return data
    parent = data["extends"]
    if not isinstance(parent, str) or not parent.strip():
        raise PolicyError(
            f"{path.name}: extends must be a policy name or a .yml path, got {parent!r}"
        )
    base = _read_with_extends(policy_path(parent, relative_to=path.parent), (*chain, path))
    if not isinstance(base, Mapping):
        raise PolicyError(f"{path.name}: extends {parent!r}, which is not a mapping of keys")
    own = {k: v for k, v in data.items() if k != "extends"}
    return _merge(base, own)


def read_policy_file(path: Path, name: str | None = None) -> Policy:
    """Read and validate one policy file, uncached."""
    data = _read_with_extends(path)
    return parse_policy(data, name=name or path.stem, source=path.name)


_cache: dict[Path, Policy] = {}
_cache_lock = threading.Lock()


def load_policy(name_or_path: str | None = None, *, fresh: bool = False) -> Policy:
    """The policy for a city name or a company's own file, validated; cached per file.

    `None` means the configured one (`HEATING_POLICY`, default `beijing`). `fresh=True` rereads the
    file (tests, or an operator checking an edit) and replaces the cached copy.
    """
    if name_or_path is None:
        from bot.config import settings  # late: importing the package must not read the environment

        name_or_path = settings().policy
    path = policy_path(name_or_path)
    with _cache_lock:
        cached = _cache.get(path)
    if cached is not None and not fresh:
        return cached
    policy = read_policy_file(path)
    with _cache_lock:
        _cache[path] = policy
    return policy


def clear_policy_cache() -> None:
    """Forget every cached policy, so the next `load_policy` reads its file again."""
    with _cache_lock:
        _cache.clear()
