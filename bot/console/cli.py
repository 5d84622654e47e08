"""`python -m bot console` (run the agents' console) and `python -m bot agents …` (accounts).

python -m bot agents add wang --name 王芳 --role agent      # asks for the password
HEATING_AGENT_PASSWORD=… python -m bot agents add lead --name 李主管 --role supervisor
python -m bot agents list
python -m bot agents passwd wang
python -m bot agents disable wang
python -m bot console --port 5006
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import secrets
import sys
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from bot.console.auth import check_password_strength, hash_password
from bot.store import agents as agent_store
from bot.store.db import ensure_schema, session_scope
from bot.store.errors import InvalidInput
from bot.store.models import AGENT_ROLES, Agent

PASSWORD_ENV = "HEATING_AGENT_PASSWORD"

#: The demo run's agents: (username, display name, role). Their password comes from
#: CONSOLE_DEMO_PASSWORD or is generated and printed once; none is written in the repository.
DEMO_AGENTS = (("agent", "演示客服", "agent"), ("lead", "演示主管", "supervisor"))


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _new_password() -> str:
    """The password from HEATING_AGENT_PASSWORD, else asked twice on the terminal."""
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise InvalidInput(f"no terminal to ask for the password: set {PASSWORD_ENV}")
        password = getpass.getpass("密码 (password): ")
        if getpass.getpass("再输一次 (again): ") != password:
            raise InvalidInput("the two passwords differ")
    try:
        check_password_strength(password)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return password


# ---- agents --------------------------------------------------------------------------------------


def register_agents(subparsers: argparse._SubParsersAction) -> None:
    """`agents add|list|passwd|disable`."""
    agents = subparsers.add_parser("agents", help="console agents: add, list, change password")
    commands = agents.add_subparsers(dest="agents_command", required=True, metavar="ACTION")
    add = commands.add_parser("add", help=f"add an agent (password from {PASSWORD_ENV} or asked)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the name users and colleagues see")
    add.add_argument("--role", choices=AGENT_ROLES, default="agent")
    add.set_defaults(handler=_agents_add)
    listing = commands.add_parser("list", help="list agents")
    listing.set_defaults(handler=_agents_list)
    passwd = commands.add_parser("passwd", help="set a new password")
    passwd.add_argument("username")
    passwd.set_defaults(handler=_agents_passwd)
    disable = commands.add_parser("disable", help="stop an agent from logging in")
    disable.add_argument("username")
    disable.set_defaults(handler=_agents_disable)


def _agents_add(args: argparse.Namespace) -> int:
    password_hash = hash_password(_new_password())
    ensure_schema()
    with session_scope() as session:
        agent_store.add_agent(session, args.username, args.name, args.role, password_hash, _now())
    print(f"已添加 (added): {args.username} ({args.role})")
    return 0


def _agents_list(args: argparse.Namespace) -> int:
    ensure_schema()
    with session_scope() as session:
        found = agent_store.list_agents(session)
        for agent in found:
            state = "在线 (online)" if agent.online else "离线 (offline)"
            if not agent.active:
                state = "已停用 (disabled)"
            print(f"{agent.username}  {agent.display_name}  {agent.role}  {state}")
        print(f"共 {len(found)} 个 (agents)")
    return 0


def _existing(session: Session, username: str) -> Agent:
    agent = agent_store.get_agent_by_username(session, username)
    if agent is None:
        raise InvalidInput(f"no agent named {username!r}")
    return agent


def _agents_passwd(args: argparse.Namespace) -> int:
    password_hash = hash_password(_new_password())
    ensure_schema()
    with session_scope() as session:
        agent_store.set_password(session, _existing(session, args.username), password_hash)
    print(f"密码已更新 (password changed): {args.username}")
    return 0


def _agents_disable(args: argparse.Namespace) -> int:
    ensure_schema()
    with session_scope() as session:
        agent_store.set_active(session, _existing(session, args.username), False)
    print(f"已停用 (disabled): {args.username}")
    return 0


def ensure_demo_agents(session: Session, password: str | None, now: datetime) -> str | None:
    """Create the demo agents, or reset their password to `password` when one is given.

    Returns the password to print when it was generated here (first run without
    CONSOLE_DEMO_PASSWORD), else `None`: an existing demo agent keeps the password printed before.
    """
    generated = None
    if password is None and any(
        agent_store.get_agent_by_username(session, name) is None for name, _, _ in DEMO_AGENTS
    ):
        password = generated = secrets.token_urlsafe(12)
    if password is None:
        return None
    password_hash = hash_password(password)
    for username, display_name, role in DEMO_AGENTS:
        agent = agent_store.get_agent_by_username(session, username)
        if agent is None:
            agent_store.add_agent(session, username, display_name, role, password_hash, now)
        else:
            agent_store.set_password(session, agent, password_hash)
    return generated


# ---- console -------------------------------------------------------------------------------------


def register_console(subparsers: argparse._SubParsersAction) -> None:
    """`console`: the agents' console in the foreground (its timers run in the scheduler)."""
    parser = subparsers.add_parser("console", help="run the agents' console (web, port 5006)")
    parser.add_argument("--host", help="address to listen on (CONSOLE_HOST, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (CONSOLE_PORT, 5006)")
    parser.add_argument("--rasa-url", help="Rasa server URL (RASA_URL, http://127.0.0.1:5005)")
    parser.set_defaults(handler=_console)


def _console(args: argparse.Namespace) -> int:
    from bot.config import settings
    from bot.console.app import create_app
    from bot.console.config import load_console_settings
    from bot.handoff.config import handoff_settings
    from bot.policy import load_policy

    environ = dict(os.environ)
    if args.rasa_url:
        environ["RASA_URL"] = args.rasa_url
    console = load_console_settings(environ)
    handoff = handoff_settings()
    policy = load_policy()
    logging.basicConfig(
        level=settings().log_level, format="%(asctime)s %(levelname)s %(name)s  %(message)s"
    )
    ensure_schema()
    app = create_app(console, handoff, policy)
    host, port = args.host or console.host, args.port or console.port
    print(
        f"客服工作台 (agent console): http://{host}:{port}/  →  Rasa {console.rasa_url}", flush=True
    )
    app.run(host=host, port=port, access_log=False, motd=False, workers=1)
    return 0
