"""The nginx configuration of the production profile on one machine (`make run-prod`).

Three listeners:
- PORT (public): every Rasa path (REST, WeChat, SMS, the widget and its socket, the HTTP API) over
  the Rasa replicas, round robin. A replica that refuses the connection (stopped, restarting) is
  skipped for the request; a request already sent is never sent twice (nginx does not repeat a
  POST), so a turn is run at most once and the client retries what failed.
- `/socket.io/` sticks each client address to one replica (`ip_hash`): the widget's Socket.IO
  session lives in the replica that accepted it, and a polling client (not our widget, which uses
  one WebSocket) sends every request of a session to that replica.
- CONSOLE_PORT (public): the agents' console processes, round robin (their sessions are in the
  database).
- `/webhooks/metrics/` and the console's `/metrics` are refused: Prometheus scrapes each process.
- 127.0.0.1:ACTIONS_PORT (internal): the action servers, the one `ACTION_SERVER_URL` of every
  Rasa replica; an action server that is down is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Where nginx answers for itself (its readiness), outside every Rasa path.
HEALTH_PATH = "/nginx-health"


@dataclass(frozen=True)
class Ports:
    """Every port of the production profile on one machine."""

    public: int
    console: int
    actions: int
    rasa: tuple[int, ...]
    action_servers: tuple[int, ...]
    consoles: tuple[int, ...]
    scheduler: int
    consumer: int

    @classmethod
    def defaults(cls, public: int, replicas: int) -> Ports:
        """Public PORT, the console on PORT+1, the actions balancer on PORT+2; processes from
        5100 (Rasa), 5200 (actions), 5300 (consoles), 5400 (the scheduler's and the broker
        consumer's health)."""
        return cls(
            public=public,
            console=public + 1,
            actions=public + 2,
            rasa=tuple(5101 + i for i in range(replicas)),
            action_servers=(5201, 5202),
            consoles=(5301, 5302),
            scheduler=5400,
            consumer=5401,
        )


def _servers(host: str, ports: Sequence[int]) -> str:
    # one failure takes a server out for 5 s: a stopped replica is tried again soon after
    return "".join(f"    server {host}:{p} max_fails=1 fail_timeout=5s;\n" for p in ports)


def config(
    ports: Ports,
    prefix: Path,
    hosts: Mapping[str, str] | None = None,
    internal: str = "127.0.0.1",
) -> str:
    """The whole `nginx.conf` for `nginx -p prefix -c nginx.conf` (logs and temp files there).

    `hosts` names the host of each upstream (`rasa`, `actions`, `console`; 127.0.0.1 unless
    given: the compose file's service names, each resolving to all its replicas), and
    `internal` the address the actions listener binds (the compose network, not the world).
    """
    host = {"rasa": "127.0.0.1", "actions": "127.0.0.1", "console": "127.0.0.1", **(hosts or {})}
    proxied = (
        "      proxy_http_version 1.1;\n"
        "      proxy_set_header Host $host;\n"
        "      proxy_set_header X-Forwarded-For $remote_addr;\n"
        "      proxy_set_header X-Forwarded-Proto $scheme;\n"
    )
    return f"""# written by `python -m bot run-prod` (bot/production/nginx.py); do not edit
worker_processes 1;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
  access_log {prefix}/access.log;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  client_max_body_size 1m;
  # bodies and answers stay in memory: the workers (user nobody) may not reach the prefix
  client_body_buffer_size 1m;
  proxy_max_temp_file_size 0;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}

  upstream rasa {{
{_servers(host["rasa"], ports.rasa)}  }}
  upstream rasa_sticky {{
    ip_hash;
{_servers(host["rasa"], ports.rasa)}  }}
  upstream actions {{
{_servers(host["actions"], ports.action_servers)}  }}
  upstream console {{
{_servers(host["console"], ports.consoles)}  }}

  server {{
    listen {ports.public};
    location = {HEALTH_PATH} {{ return 200 "ok\\n"; }}
    location ^~ /webhooks/metrics/ {{ return 404; }}
    location /socket.io/ {{
      proxy_pass http://rasa_sticky;
{proxied}      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 1h;
    }}
    location / {{
      proxy_pass http://rasa;
{proxied}      proxy_next_upstream error timeout http_502 http_503;
      proxy_read_timeout 120s;
    }}
  }}
  server {{
    listen {ports.console};
    location = /metrics {{ return 404; }}
    location / {{
      proxy_pass http://console;
{proxied}      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_next_upstream error timeout http_502 http_503;
    }}
  }}
  server {{
    listen {internal}:{ports.actions};
    location / {{
      proxy_pass http://actions;
{proxied}      proxy_next_upstream error timeout http_502 http_503;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""
