"""The production endpoints and credentials files, with every `${NAME}` taken from the environment.

Rasa 3.6 expands `${NAME}` only in plain (unquoted) YAML scalars: its loader registers an implicit
resolver, and YAML never applies implicit resolvers to quoted strings. So `url: "${RABBITMQ_HOST}"`
reached the broker literally and the server retried for about 100 s before exiting. Rendering the
file here, before Rasa reads it, expands every value however it is written, and names every missing
variable at once at start instead of one per failed connection.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT, ConfigError

#: `${NAME}` as Rasa writes it (no defaults, no nesting).
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def variables(value: Any) -> set[str]:
    """The names of the `${NAME}` variables used anywhere in a loaded YAML document."""
    if isinstance(value, str):
        return set(_VARIABLE.findall(value))
    if isinstance(value, Mapping):
        return set().union(*(variables(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(variables(v) for v in value)) if value else set()
    return set()


def substitute(value: Any, environ: Mapping[str, str]) -> Any:
    """`value` with every `${NAME}` in its strings replaced by `environ[NAME]` (all must be set).

    Values stay strings: a port "5432" is what Rasa's stores accept, and a password made of
    digits must not become a number.
    """
    missing = sorted(name for name in variables(value) if name not in environ)
    if missing:
        raise ConfigError(f"missing environment variable(s): {', '.join(missing)}")
    return _replace(value, environ)


def _replace(value: Any, environ: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return _VARIABLE.sub(lambda match: environ[match.group(1)], value)
    if isinstance(value, Mapping):
        return {key: _replace(v, environ) for key, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, environ) for v in value]
    return value


def render(source: Path, target: Path, environ: Mapping[str, str]) -> Path:
    """Write `source` with its variables substituted to `target` (raises `ConfigError` naming
    the file and every variable that is not set)."""
    document = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    try:
        rendered = substitute(document, environ)
    except ConfigError as error:
        raise ConfigError(f"{source.name}: {error}") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(rendered, allow_unicode=True), encoding="utf-8")
    target.chmod(0o600)  # it now holds the passwords
    return target


def read_env_file(path: Path) -> dict[str, str]:
    """`NAME=value` lines of an env file (deploy/local.env), without comments or blank lines.

    Values are taken literally (no quotes, no expansion), as docker-compose's `env_file` reads them.
    """
    pairs: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value
    return pairs


#: The files a Rasa server of the production profile reads, rendered under the same names.
PROFILE_FILES = ("endpoints.production.yml", "credentials.production.yml")


def register(subparsers: argparse._SubParsersAction) -> None:
    """`profile render DIR`: what a container runs before `rasa run` (deploy/)."""
    parser = subparsers.add_parser("profile", help="the production endpoints and credentials")
    commands = parser.add_subparsers(dest="profile_command", required=True, metavar="ACTION")
    rendered = commands.add_parser(
        "render", help="write them to DIR with every ${NAME} taken from the environment"
    )
    rendered.add_argument("directory", type=Path)
    rendered.set_defaults(handler=_render_command)
    prepare = commands.add_parser(
        "prepare", help="the one-off job: create both databases if needed, migrate the schema"
    )
    prepare.set_defaults(handler=_prepare_command)


def _render_command(args: argparse.Namespace) -> int:
    for name in PROFILE_FILES:
        target = render(PROJECT_ROOT / name, args.directory / name, os.environ)
        print(f"rendered {target}", file=sys.stderr)
    return 0


def _prepare_command(args: argparse.Namespace) -> int:
    from bot.production.launcher import prepare

    prepare(os.environ)
    print("databases ready, schema current", file=sys.stderr)
    return 0
