"""Starts the whole stack for a user: action server, Rasa server, scheduler, console, with progress.

One foreground process owns its children: Ctrl-C (or SIGTERM) stops every child, and if one child
dies the others are stopped too, so a half-running assistant never stays behind.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT
from bot.production.profile import read_env_file


@dataclass
class Service:
    """A child process of the stack and the URL that answers once it is ready."""

    name: str
    argv: list[str]
    ready_url: str
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)


#: Where every launcher binds the action server: only this machine's Rasa servers (or nginx in
#: front of them) call it, and it runs any action on a tracker the caller writes (docs/security.md).
ACTIONS_HOST = "127.0.0.1"
#: The header Rasa sends the action server: the token comes from Rasa's environment
#: (`ACTION_SERVER_TOKEN`), which Rasa expands in endpoints files, so no secret is written here.
ACTION_AUTH_HEADER = {"Authorization": "Bearer ${ACTION_SERVER_TOKEN}"}


def write_endpoints(
    target: Path,
    actions_port: int,
    base: Path = PROJECT_ROOT / "endpoints.yml",
    tracker_db: Path | None = None,
) -> Path:
    """A copy of `base` pointing at the action server on `actions_port` with the token header
    (and a tracker DB file)."""
    config = yaml.safe_load(base.read_text(encoding="utf-8")) or {}
    action = config.setdefault("action_endpoint", {})
    action["url"] = f"http://{ACTIONS_HOST}:{actions_port}/webhook"
    action["headers"] = dict(ACTION_AUTH_HEADER)
    if tracker_db is not None:
        config["tracker_store"] = {**config.get("tracker_store", {}), "db": str(tracker_db)}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return target


def _rasa() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def new_secret(nbytes: int = 24) -> str:
    """A random URL-safe secret that never starts with "-".

    `secrets.token_urlsafe` starts with "-" once in 64, and a command line that is handed one
    (`python -m bot dialogue --token -x…`) reads it as an option. Every generated token comes
    from here.
    """
    while (token := secrets.token_urlsafe(nbytes)).startswith("-"):
        pass
    return token


def rasa_service(
    name: str,
    model: Path,
    port: int,
    endpoints: Path,
    credentials: Path = PROJECT_ROOT / "credentials.yml",
    api: bool = False,
    interface: str | None = None,
) -> Service:
    """A Rasa server (channels + dialogue; the HTTP API with `api`), ready at `/`.

    Started through `bot.rasa_server`, which gives Rasa the API token from `RASA_AUTH_TOKEN` in
    the environment: on the command line (`--auth-token`) every user of the machine read it with
    `ps` (red team R3). No `--cors`: the widget talks over a WebSocket and its demo page is served
    by Rasa itself, so no browser needs Rasa to allow another origin, and `--cors *` told every
    website's scripts they may call the API with the visitor's credentials. `interface`: the
    address to listen on (Rasa's default: every one, which the widget needs when nothing is in
    front of Rasa).
    """
    argv = [sys.executable, "-m", "bot.rasa_server", "--model", str(model), "--port", str(port)]
    argv += ["--endpoints", str(endpoints), "--credentials", str(credentials)]
    if api:
        argv.append("--enable-api")
    if interface:
        argv += ["--interface", interface]
    return Service(name, argv, f"http://127.0.0.1:{port}/")


def action_service(name: str, port: int) -> Service:
    """An action server (rasa-sdk with the `actions` package) on this machine's loopback only,
    answering only callers with `ACTION_SERVER_TOKEN` from the environment (bot.action_server)."""
    argv = [sys.executable, "-m", "bot", "action-server", "--host", ACTIONS_HOST]
    argv += ["--port", str(port)]
    return Service(name, argv, f"http://{ACTIONS_HOST}:{port}/health")


def scheduler_service(port: int, rasa_url: str | None = None) -> Service:
    """The scheduler; its `/health` on `port` answers once its first round is done.

    With `rasa_url` (and RASA_AUTH_TOKEN in the environment) it also runs the hand-off's jobs
    through that Rasa server: the console's queue times out and is requeued by it.
    """
    argv = [sys.executable, "-m", "bot", "scheduler", "--health-port", str(port)]
    if rasa_url:
        argv += ["--rasa-url", rasa_url]
    return Service("scheduler", argv, f"http://127.0.0.1:{port}/health")


def console_service(name: str, port: int, rasa_url: str) -> Service:
    """The agents' console (needs CONSOLE_SECRET and RASA_AUTH_TOKEN in the environment)."""
    argv = [sys.executable, "-m", "bot", "console", "--port", str(port), "--rasa-url", rasa_url]
    return Service(name, argv, f"http://127.0.0.1:{port}/health")


def stack_services(
    model: Path,
    endpoints: Path,
    rasa_port: int = 5005,
    actions_port: int = 5055,
    auth_token: str | None = None,
    scheduler_port: int = 5056,
    console_port: int = 5006,
) -> list[Service]:
    """The action server, the Rasa server (REST + socketio, HTTP API with a token), the scheduler.

    The scheduler has no conversation port; its `/health` on `scheduler_port` answers once its
    first round of deadlines and notices is done. The agents' console comes with the HTTP API
    (it reads transcripts and sends replies through it), so only when there is a token; so do
    the scheduler's hand-off jobs, which time out and requeue the console's conversations.
    """
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    return [
        action_service("action server", actions_port),
        rasa_service("Rasa server", model, rasa_port, endpoints, api=bool(auth_token)),
        scheduler_service(scheduler_port, rasa_url if auth_token else None),
        *([console_service("agent console", console_port, rasa_url)] if auth_token else []),
    ]


def free_port() -> int:
    """A TCP port nobody listens on now (for tests and benchmarks that run beside `make run`)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: Files the stack's processes create are readable and writable by its user only.
PRIVATE_UMASK = 0o077
#: Where `make run` keeps the secrets it uses (mode 0600): printed, they went into every log a
#: user redirected the output to (red team R3). Its path is printed instead.
SECRETS_FILE = PROJECT_ROOT / "var" / "secrets.env"


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner may enter (0700), created if missing: var/ holds the
    ticket store, Rasa's trackers and the secrets file (red team R10)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_secrets(path: Path, values: Mapping[str, str]) -> Path:
    """Set `values` in the `NAME=value` file at `path` (other names kept), mode 0600.

    Written to a new 0600 file that then replaces the old one, so no reader ever sees the
    secrets in a file with a wider mode. Source it (`set -a; . var/secrets.env`) or read one
    name from it (`read_secret`).
    """
    merged = {**(read_env_file(path) if path.exists() else {}), **values}
    private_dir(path.parent)
    draft = path.with_name(f".{path.name}.new")
    with contextlib.suppress(FileNotFoundError):
        draft.unlink()
    descriptor = os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("# secrets of the running stack (bot/launcher.py); keep this file 0600\n")
        handle.writelines(f"{name}={value}\n" for name, value in merged.items())
    os.replace(draft, path)
    return path


def read_secret(name: str, path: Path = SECRETS_FILE) -> str:
    """The value of `name` in the secrets file `make run` writes ("" when it has none)."""
    return read_env_file(path).get(name, "") if path.exists() else ""


@dataclass
class DemoStack:
    """An isolated stack on free ports: its own demo database and tracker store under `workdir`."""

    services: list[Service]
    env: dict[str, str]
    database_url: str
    rasa_url: str
    console_url: str = ""


def demo_stack(
    model: Path,
    workdir: Path,
    auth_token: str | None = None,
    extra_env: Mapping[str, str] | None = None,
    clock_at: datetime | None = None,
) -> DemoStack:
    """Seed a demo company in `workdir` and describe a stack on it (start it with `start`).

    End-to-end tests and benchmarks run beside `make run` without touching its ports or data;
    `extra_env` configures channels (their secrets and the stand-ins' base URLs). With
    `clock_at` (aware) the demo data and every process of the stack run on a clock that starts
    at that moment now (`HEATING_CLOCK_ANCHOR`), so what the stack answers does not depend on
    the hour or the date it runs.
    """
    from bot.config import CLOCK_ANCHOR_ENV, clock_anchor_value, settings
    from bot.store.db import ensure_schema, session_scope
    from bot.store.demo import load_demo

    database_url = f"sqlite:///{workdir / 'heating.db'}"
    ensure_schema(database_url)
    pinned = {}
    if clock_at is not None:
        pinned[CLOCK_ANCHOR_ENV] = clock_anchor_value(clock_at, time.time())
    with session_scope(database_url) as session:
        load_demo(session, clock_at or datetime.now(settings().timezone))
    actions_port, rasa_port, scheduler_port = free_port(), free_port(), free_port()
    console_port = free_port()
    endpoints = write_endpoints(
        workdir / "endpoints.yml", actions_port, tracker_db=workdir / "tracker.db"
    )
    return DemoStack(
        services=stack_services(
            model,
            endpoints,
            rasa_port,
            actions_port,
            auth_token=auth_token,
            scheduler_port=scheduler_port,
            console_port=console_port,
        ),
        env={
            **os.environ,
            "CONSOLE_SECRET": secrets.token_urlsafe(32),
            "ACTION_SERVER_TOKEN": secrets.token_urlsafe(32),
            **({"RASA_AUTH_TOKEN": auth_token} if auth_token else {}),
            **(extra_env or {}),
            **pinned,
            "DATABASE_URL": database_url,
            "TF_CPP_MIN_LOG_LEVEL": "2",
        },
        database_url=database_url,
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        console_url=f"http://127.0.0.1:{console_port}" if auth_token else "",
    )


def _is_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def spawn(service: Service, env: dict[str, str]) -> None:
    """Start `service`'s process (in its own process group, so `stop` ends its children too).

    With umask 077: what the stack writes (Rasa's tracker database, logs) is its user's only.
    """
    service.process = subprocess.Popen(
        service.argv, cwd=PROJECT_ROOT, env=env, start_new_session=True, umask=PRIVATE_UMASK
    )


def wait_ready(service: Service, started: float, timeout: float) -> None:
    """Wait until `service` answers at its ready URL; raise if it dies or `timeout` passes."""
    assert service.process is not None, f"{service.name} was never started"
    while not _is_ready(service.ready_url):
        if service.process.poll() is not None:
            raise RuntimeError(f"{service.name} exited with code {service.process.returncode}")
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{service.name} not ready after {timeout:.0f} s")
        time.sleep(1)
    print(f"✓ {service.name} ready in {time.monotonic() - started:.0f} s", flush=True)


def start(
    services: Sequence[Service], env: dict[str, str], timeout: float = 240.0, together: bool = False
) -> None:
    """Start each service in turn and wait until it answers; raise if one dies or times out.

    `together` starts them all at once and then waits for each: replicas that each load the
    model for a minute are ready in about the time of one.
    """
    started = time.monotonic()
    for service in services:
        print(f"… starting {service.name}", flush=True)
        spawn(service, env)
        if not together:
            wait_ready(service, time.monotonic(), timeout)
    if together:
        for service in services:
            wait_ready(service, started, timeout)


def stop(services: Sequence[Service], grace: float = 15.0) -> None:
    """Stop every started service: SIGTERM to its process group, SIGKILL after `grace` seconds."""
    for service in reversed(services):
        if service.process and service.process.poll() is None:
            os.killpg(service.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for service in services:
        if service.process is None:
            continue
        try:
            service.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()


def demo_agents(secrets_file: Path = SECRETS_FILE) -> str:
    """With a demo policy, make sure the demo agents exist; the console lines to print.

    Their password is CONSOLE_DEMO_PASSWORD, or one generated on the first run and kept in
    `secrets_file` (0600) as CONSOLE_DEMO_PASSWORD; only the file's path is printed, never the
    password. Nothing secret is kept in the repository.
    """
    from datetime import datetime, timezone

    from bot.console.cli import DEMO_AGENTS, ensure_demo_agents
    from bot.policy import load_policy
    from bot.store.db import session_scope

    if not load_policy().company.demo:
        return "  (add agents: python -m bot agents add USERNAME --name NAME)\n"
    given = os.environ.get("CONSOLE_DEMO_PASSWORD")
    with session_scope() as session:
        generated = ensure_demo_agents(session, given, datetime.now(timezone.utc))
    names = "/".join(name for name, _, _ in DEMO_AGENTS)
    if generated:
        write_secrets(secrets_file, {"CONSOLE_DEMO_PASSWORD": generated})
    if given:
        return f"  demo agents     {names}, password from CONSOLE_DEMO_PASSWORD\n"
    if generated or read_secret("CONSOLE_DEMO_PASSWORD", secrets_file):
        return f"  demo agents     {names}, password: CONSOLE_DEMO_PASSWORD in {secrets_file}\n"
    return f"  demo agents     {names} (password as first set, or set CONSOLE_DEMO_PASSWORD)\n"


def run_stack(
    model: Path,
    rasa_port: int = 5005,
    actions_port: int = 5055,
    scheduler_port: int = 5056,
    console_port: int = 5006,
) -> int:
    """Run the stack in the foreground until Ctrl-C or until a service dies."""
    token = os.environ.get("RASA_AUTH_TOKEN") or new_secret(24)
    console_secret = os.environ.get("CONSOLE_SECRET") or secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_AUTH_TOKEN": token,
        "CONSOLE_SECRET": console_secret,
        "ACTION_SERVER_TOKEN": os.environ.get("ACTION_SERVER_TOKEN") or secrets.token_urlsafe(32),
    }
    secrets_file = write_secrets(SECRETS_FILE, {"RASA_AUTH_TOKEN": token})
    endpoints = write_endpoints(PROJECT_ROOT / "var" / "endpoints.yml", actions_port)
    services = stack_services(
        model,
        endpoints,
        rasa_port,
        actions_port,
        auth_token=token,
        scheduler_port=scheduler_port,
        console_port=console_port,
    )
    agents = demo_agents(secrets_file)

    def _interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)
    try:
        start(services, env)
        print(
            "\n供热智能客服 is running:\n"
            f"  REST channel    POST http://localhost:{rasa_port}/webhooks/rest/webhook\n"
            f"  web chat demo   http://localhost:{rasa_port}/webhooks/socketio/demo\n"
            f"  socket.io       http://localhost:{rasa_port}/socket.io\n"
            f"  WeChat / SMS    /webhooks/wechat/webhook, /webhooks/sms/webhook "
            "(off until WECHAT_* / SMS_* are set)\n"
            f"  HTTP API token  RASA_AUTH_TOKEN in {secrets_file} (mode 0600)\n"
            f"  action server   http://{ACTIONS_HOST}:{actions_port}/webhook (this machine only)\n"
            f"  scheduler       http://localhost:{scheduler_port}/health\n"
            f"  agent console   http://localhost:{console_port}/\n"
            f"{agents}"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        while all(s.process and s.process.poll() is None for s in services):
            time.sleep(1)
        dead = next(s for s in services if s.process and s.process.poll() is not None)
        print(f"✗ {dead.name} stopped unexpectedly; stopping the rest", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping …", flush=True)
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 1
    finally:
        stop(services)


def register(subparsers: argparse._SubParsersAction) -> None:
    """`run`: the whole stack in the foreground, on the model for the current inputs."""
    parser = subparsers.add_parser(
        "run", help="start the action server, the Rasa server, the scheduler and the console"
    )
    parser.add_argument("--port", type=int, default=5005, help="Rasa server port (5005)")
    parser.add_argument("--actions-port", type=int, default=5055, help="action server port (5055)")
    parser.add_argument(
        "--scheduler-port", type=int, default=5056, help="scheduler health port (5056)"
    )
    parser.add_argument("--console-port", type=int, default=5006, help="agent console (5006)")
    parser.set_defaults(handler=_run_command)


def _run_command(args: argparse.Namespace) -> int:
    from bot.modelcache import ensure_model
    from bot.store.db import ensure_schema

    os.umask(PRIVATE_UMASK)
    private_dir(PROJECT_ROOT / "var")
    ensure_schema()
    return run_stack(
        ensure_model(), args.port, args.actions_port, args.scheduler_port, args.console_port
    )
