"""`python -m bot action-server`: rasa-sdk's action server, bound where we say, behind a token.

rasa-sdk 3.6 (`rasa run actions`) listens on `SANIC_HOST`, by default every interface, and asks
no caller who it is: whoever reaches its port runs any action on a tracker they write, e.g.
`action_after_verification` with `verified_account` set shows any household's bill, and the
same goes for cancelling, binding and 报停 (red team F4). So this entry point runs the same
rasa-sdk app with:

- `--host` (the launchers pass 127.0.0.1; a container passes 0.0.0.0 and a NetworkPolicy or the
  compose network keeps strangers out), and
- `ACTION_SERVER_TOKEN`: when set, `/webhook` and `/actions` answer only a request with
  `Authorization: Bearer <token>` (compared in constant time), which Rasa sends from the
  `headers` of its `action_endpoint`; `/health` stays open for probes. Without it the server
  warns at start that it trusts anyone who can reach it.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import settings

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
OPEN_PATHS = frozenset({"/health"})


def require_token(app: Sanic, token: str) -> None:
    """Refuse every request but the health check unless it carries `Bearer <token>`."""
    expected = f"Bearer {token}".encode()

    @app.on_request
    async def authenticate(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get("Authorization", "").encode()
        if hmac.compare_digest(given, expected):
            return None
        return response.json({"error": "unauthorised"}, status=401)


def build_app(token: str | None, actions: str = "actions") -> Sanic:
    """The rasa-sdk app for `actions` (no CORS: only Rasa calls it), behind `token` if given."""
    app = create_app(actions, cors_origins=None)
    if token:
        require_token(app, token)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    return app


def register(subparsers: argparse._SubParsersAction) -> None:
    """`action-server --host H --port P`: the project's actions, for Rasa's `action_endpoint`."""
    parser = subparsers.add_parser("action-server", help="run the action server (rasa-sdk)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=5055, help="port (5055)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    utils.configure_colored_logging(settings().log_level)
    utils.update_sanic_log_level()
    token = os.environ.get(TOKEN_VARIABLE) or None
    if token is None:
        logger.warning(
            "%s is not set: the action server on %s:%d answers anyone who can reach it",
            TOKEN_VARIABLE,
            args.host,
            args.port,
        )
    app = build_app(token)
    logger.info("Action endpoint is up and running on http://%s:%d", args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers())
    return 0
