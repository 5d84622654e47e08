"""`python -m bot.rasa_server …`: `rasa run …` with the HTTP API token from the environment, and
Rasa's version kept from strangers.

`rasa run --auth-token T` puts the token of Rasa's HTTP API (every conversation readable and
writable with it) in the process's argv, which every local user reads with `ps`, and in a
container every user of the host (red team R3). Rasa 3.6 reads the token only from its command
line, so this entry point runs Rasa's own command line in this process (`rasa.__main__.main`:
logging, telemetry switch, plugins and `rasa run` as Rasa does them) with a plugin on Rasa's
`configure_commandline` hook, its extension point for the parsed arguments, that sets
`auth_token` from `RASA_AUTH_TOKEN`. The token is in no process's argv; `/proc/<pid>/environ` is
readable by the process's own user only. `--enable-api` without the variable is refused (Rasa
would open its API to anyone), and so is `--auth-token` on the command line.

The same plugin adds a listener to Rasa's server (`server_listeners`) that, before it serves:
- answers `/` with `ok` and `/version` with Sanic's plain 404 to callers that are not on this
  machine: Rasa says `Hello from Rasa: 3.6.21` and its version to anyone (red team R11). A
  request nginx forwards comes from loopback, so one is local only if every address in its
  `X-Forwarded-For` is loopback too; readiness checks of the launchers are local, a container
  platform's probe from another address gets `ok` (status 200), all it asks;
- answers Rasa's API errors (its `ErrorResponse`: 401, 403, 404, 400 …) without the `version`
  Rasa puts in every one, to everyone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import TYPE_CHECKING

import pluggy
from sanic import Sanic, response
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.rest import from_this_machine as loopback
from bot.config import ConfigError

if TYPE_CHECKING:
    from rasa.server import ErrorResponse

TOKEN_VARIABLE = "RASA_AUTH_TOKEN"
#: Rasa's paths that tell its version; strangers get a neutral answer (`_neutral_for_strangers`).
VERSION_PATHS = frozenset({"/", "/version"})

_hookimpl = pluggy.HookimplMarker("rasa")


def request_is_local(peer: str | None, forwarded_for: str | None) -> bool:
    """Whether a request comes from this machine: its socket peer is loopback and so is every
    address a proxy on this machine (nginx in run-prod) says it forwarded the request for."""
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    return all(loopback(address) for address in [peer, *hops])


async def _neutral_for_strangers(request: Request) -> HTTPResponse | None:
    """`ok` for `/` and a plain 404 for `/version` to callers that are not on this machine."""
    path = request.path.rstrip("/") or "/"
    if path not in VERSION_PATHS or request_is_local(
        request.ip, request.headers.get("X-Forwarded-For")
    ):
        return None
    if path == "/":
        return response.text("ok")
    raise NotFound(f"Requested URL {request.path} not found")


async def _error_without_version(request: Request, exception: ErrorResponse) -> HTTPResponse:
    """Rasa's API error body, less the version it adds to every one."""
    body = {key: value for key, value in exception.error_info.items() if key != "version"}
    return response.json(body, status=exception.status)


def conceal_version(app: Sanic, loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Keep the Rasa version from strangers on `app` (a `before_server_start` listener)."""
    from rasa.server import ErrorResponse

    app.register_middleware(_neutral_for_strangers, "request")
    app.error_handler.add(ErrorResponse, _error_without_version)


class ServerPlugin:
    """Rasa's `configure_commandline` hook: the token from the environment, the listener."""

    def __init__(self, token: str | None) -> None:
        self.token = token

    @_hookimpl
    def configure_commandline(self, cmdline_arguments: argparse.Namespace) -> None:
        """Set the parsed `rasa run` arguments: `auth_token` and `server_listeners`."""
        args = cmdline_arguments
        if getattr(args, "auth_token", None):
            raise ConfigError(
                f"pass the HTTP API token in {TOKEN_VARIABLE}, not --auth-token: a command line "
                "is readable by every user of the machine"
            )
        if getattr(args, "enable_api", False) and not self.token:
            raise ConfigError(f"--enable-api needs {TOKEN_VARIABLE}: without it the API is open")
        args.auth_token = self.token
        args.server_listeners = [(conceal_version, "before_server_start")]


def serve(rasa_arguments: list[str], environ: dict[str, str] | None = None) -> None:
    """Run `rasa run <rasa_arguments>` in this process with the token of `environ`'s
    `RASA_AUTH_TOKEN` (default: this process's environment)."""
    import rasa.__main__
    from rasa.plugin import plugin_manager

    token = (os.environ if environ is None else environ).get(TOKEN_VARIABLE, "").strip() or None
    plugin_manager().register(ServerPlugin(token))
    sys.argv = ["rasa", "run", *rasa_arguments]
    rasa.__main__.main()


def main(argv: list[str]) -> int:
    """The entry point's exit code: 2 with the reason when the token is missing or misplaced."""
    try:
        serve(argv)
    except ConfigError as error:
        print(f"错误 (error): {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
