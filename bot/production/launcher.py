"""`python -m bot run-prod` (`make run-prod`): the production profile on one machine.

REPLICAS Rasa servers (default 2) and two action servers behind nginx on PORT (default 8080), two
console processes behind it on PORT+1, the scheduler, the broker consumer (events into the report's
table), all on PostgreSQL (tickets and trackers),
Redis (conversation locks) and RabbitMQ (events). The environment configures everything, with
deploy/local.env filling what it does not set; the endpoints and credentials files are rendered
from it (`bot.production.profile`), so a missing variable stops the start with its name.

Unlike `make run`, a process that dies is started again (a replica that crashed rejoins nginx's
pool when it is ready; nginx sends its traffic to the others meanwhile); one that keeps dying
stops the whole profile. Ctrl-C (or SIGTERM) stops everything.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ProgrammingError

from bot.config import CLOCK_ANCHOR_ENV, PROJECT_ROOT, ConfigError, settings
from bot.launcher import (
    PRIVATE_UMASK,
    Service,
    action_service,
    console_service,
    new_secret,
    private_dir,
    rasa_service,
    scheduler_service,
    spawn,
    start,
    stop,
    write_secrets,
)
from bot.production import nginx
from bot.production.profile import read_env_file, render

LOCAL_ENV = PROJECT_ROOT / "deploy" / "local.env"
NGINX = "/usr/sbin/nginx"
#: A process that dies this often within `CRASH_WINDOW` seconds stops the profile.
MAX_CRASHES, CRASH_WINDOW = 3, 300.0
#: Secrets every process of the profile needs; `run-prod` generates those the environment lacks.
SECRETS = ("RASA_AUTH_TOKEN", "REST_CHANNEL_TOKEN", "CONSOLE_SECRET", "ACTION_SERVER_TOKEN")
#: Where run-prod's Rasa replicas listen: nginx, on this machine, is the only way in.
LOOPBACK = "127.0.0.1"
_DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def environment(environ: Mapping[str, str], env_file: Path | None = LOCAL_ENV) -> dict[str, str]:
    """`environ` over the values of `env_file` (what the environment sets wins)."""
    return {**(read_env_file(env_file) if env_file else {}), **environ}


def tracker_database_url(env: Mapping[str, str]) -> str:
    """The tracker store's database as a URL, from the `TRACKER_DB_*` variables."""
    return URL.create(
        "postgresql",
        username=env.get("TRACKER_DB_USER") or None,
        password=env.get("TRACKER_DB_PASSWORD") or None,
        host=env.get("TRACKER_DB_HOST") or None,
        port=int(env["TRACKER_DB_PORT"]) if env.get("TRACKER_DB_PORT") else None,
        database=env.get("TRACKER_DB_NAME") or None,
    ).render_as_string(hide_password=False)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database `url` names unless it exists (a fresh machine).

    Connects to the server's `postgres` database as the same user; a database another process
    created meanwhile is fine.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    name = parsed.database or ""
    if not _DATABASE_NAME.fullmatch(name):
        raise ConfigError(f"database name {name!r} must be letters, digits and _")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                # created by someone else since the check: fine
                with contextlib.suppress(ProgrammingError):
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


@dataclass
class ProdStack:
    """The production profile's processes on one machine and how to reach them."""

    services: list[Service]
    env: dict[str, str]
    ports: nginx.Ports
    workdir: Path

    @property
    def url(self) -> str:
        """The public address (every Rasa path) behind nginx."""
        return f"http://127.0.0.1:{self.ports.public}"

    def replicas(self) -> list[Service]:
        """The Rasa servers, in port order."""
        return [s for s in self.services if s.name.startswith("Rasa server")]


def prod_stack(
    model: Path, workdir: Path, ports: nginx.Ports, environ: Mapping[str, str]
) -> ProdStack:
    """Render the profile into `workdir` and describe every process (start them with `start`).

    `environ` must hold the production variables (`environment` adds deploy/local.env's) and
    the `SECRETS`. Raises `ConfigError` naming any variable that is missing.
    """
    if not Path(NGINX).exists():
        raise ConfigError(f"{NGINX} not found: install Debian's nginx (scripts/bootstrap.sh does)")
    missing = [name for name in SECRETS if not environ.get(name)]
    if missing:
        raise ConfigError(f"missing environment variable(s): {', '.join(missing)}")
    if environ.get(CLOCK_ANCHOR_ENV):
        raise ConfigError(f"{CLOCK_ANCHOR_ENV} pins the clock for evaluation stacks: unset it")
    env = {
        **environ,
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports.actions}/webhook",
        "CONSOLE_TRUSTED_PROXIES": environ.get("CONSOLE_TRUSTED_PROXIES") or "127.0.0.1",
        # nginx in front of the widget too: its X-Forwarded-For names the visitor's address
        "WEBCHAT_TRUSTED_PROXIES": environ.get("WEBCHAT_TRUSTED_PROXIES") or "127.0.0.1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    endpoints = render(PROJECT_ROOT / "endpoints.production.yml", workdir / "endpoints.yml", env)
    credentials = render(
        PROJECT_ROOT / "credentials.production.yml", workdir / "credentials.yml", env
    )
    prefix = workdir / "nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(nginx.config(ports, prefix), encoding="utf-8")
    public = f"http://127.0.0.1:{ports.public}"
    services = [
        *(
            action_service(f"action server {i}", port)
            for i, port in enumerate(ports.action_servers, 1)
        ),
        *(
            # behind nginx on this machine: the replicas listen on loopback only
            rasa_service(
                f"Rasa server {i}",
                model,
                port,
                endpoints,
                credentials,
                api=True,
                interface=LOOPBACK,
            )
            for i, port in enumerate(ports.rasa, 1)
        ),
        scheduler_service(ports.scheduler, public),
        Service(
            "events consumer",
            [
                sys.executable,
                "-m",
                "bot",
                "events",
                "consume",
                "--health-port",
                str(ports.consumer),
            ],
            f"http://127.0.0.1:{ports.consumer}/health",
        ),
        *(
            console_service(f"agent console {i}", port, public)
            for i, port in enumerate(ports.consoles, 1)
        ),
        Service(
            "nginx",
            [NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
            f"{public}{nginx.HEALTH_PATH}",
        ),
    ]
    return ProdStack(services, env, ports, workdir)


def prepare(env: Mapping[str, str]) -> None:
    """The one-off job before the processes start: both databases exist, the schema is current
    (and, under a demo policy, the demo company is loaded, as `make run` does)."""
    from datetime import datetime, timezone

    from bot.policy import load_policy
    from bot.store.db import ensure_schema, session_scope
    from bot.store.demo import load_demo

    ensure_database(env["DATABASE_URL"])
    ensure_database(tracker_database_url(env))
    ensure_schema(env["DATABASE_URL"])
    if load_policy().company.demo:
        with session_scope(env["DATABASE_URL"]) as session:
            load_demo(session, datetime.now(timezone.utc))


def supervise(stack: ProdStack) -> int:
    """Restart a process that dies until Ctrl-C; stop everything if one keeps dying."""
    crashes: dict[str, list[float]] = {}
    while True:
        for service in stack.services:
            if service.process is None or service.process.poll() is None:
                continue
            now = time.monotonic()
            recent = [t for t in crashes.get(service.name, []) if now - t < CRASH_WINDOW] + [now]
            crashes[service.name] = recent
            if len(recent) >= MAX_CRASHES:
                print(f"✗ {service.name} keeps stopping; stopping the rest", file=sys.stderr)
                return 1
            print(f"✗ {service.name} stopped; starting it again", file=sys.stderr, flush=True)
            spawn(service, stack.env)
        time.sleep(1)


def run_prod(model: Path, ports: nginx.Ports, env_file: Path | None) -> int:
    """Run the production profile in the foreground until Ctrl-C."""
    from bot.launcher import demo_agents

    os.umask(PRIVATE_UMASK)
    env = environment(os.environ, env_file)
    generated = {name: new_secret(32) for name in SECRETS if not env.get(name)}
    env.update(generated)
    os.environ.update(env)  # this process's own database work (migrations, demo agents)
    settings.cache_clear()
    workdir = private_dir(PROJECT_ROOT / "var" / "production")
    private_dir(workdir.parent)
    shutil.rmtree(workdir / "nginx", ignore_errors=True)
    stack = prod_stack(model, workdir, ports, env)
    prepare(env)
    secrets_file = write_secrets(
        workdir / "secrets.env",
        {name: env[name] for name in ("RASA_AUTH_TOKEN", "REST_CHANNEL_TOKEN")},
    )
    agents = demo_agents(secrets_file)

    def _interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)
    try:
        start(stack.services, stack.env, timeout=600, together=True)
        print(
            f"\n供热智能客服 (production profile, {len(ports.rasa)} Rasa replicas) is running:\n"
            f"  REST channel    POST http://localhost:{ports.public}/webhooks/rest/webhook "
            f"(Authorization: Bearer $REST_CHANNEL_TOKEN)\n"
            f"  web chat demo   http://localhost:{ports.public}/webhooks/socketio/demo\n"
            f"  WeChat / SMS    /webhooks/wechat/webhook, /webhooks/sms/webhook "
            "(off until WECHAT_* / SMS_* are set)\n"
            f"  tokens          RASA_AUTH_TOKEN, REST_CHANNEL_TOKEN in {secrets_file} (mode 0600)\n"
            f"  agent console   http://localhost:{ports.console}/\n"
            f"  scheduler       http://localhost:{ports.scheduler}/health\n"
            f"  events consumer http://localhost:{ports.consumer}/health\n"
            f"{agents}"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        return supervise(stack)
    except KeyboardInterrupt:
        print("\nstopping …", flush=True)
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 1
    finally:
        stop(stack.services)


def register(subparsers: argparse._SubParsersAction) -> None:
    """`run-prod [--replicas N] [--port P] [--env-file F]`."""
    parser = subparsers.add_parser(
        "run-prod", help="the production profile: Rasa replicas and action servers behind nginx"
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=int(os.environ.get("REPLICAS") or 2),
        help="Rasa servers (REPLICAS, 2)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT") or 8080),
        help="public port (PORT, 8080)",
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=LOCAL_ENV,
        help="values for variables the environment does not set (deploy/local.env)",
    )
    parser.set_defaults(handler=_run_prod_command)


def _run_prod_command(args: argparse.Namespace) -> int:
    from bot.modelcache import ensure_model

    if args.replicas < 1:
        raise ConfigError(f"REPLICAS must be at least 1, got {args.replicas}")
    ports = nginx.Ports.defaults(args.port, args.replicas)
    return run_prod(ensure_model(), ports, args.env_file)
