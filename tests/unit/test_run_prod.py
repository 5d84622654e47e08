"""`run-prod`'s description of the production profile: processes, ports, rendered files, nginx."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from bot.config import ConfigError
from bot.production import launcher, nginx

SECRETS = dict.fromkeys(launcher.SECRETS, "s")
needs_nginx = pytest.mark.skipif(not Path(launcher.NGINX).exists(), reason="nginx not installed")


def _stack(tmp_path: Path, replicas: int = 3) -> launcher.ProdStack:
    env = launcher.environment(SECRETS)
    return launcher.prod_stack(
        Path("model.tar.gz"), tmp_path, nginx.Ports.defaults(18080, replicas), env
    )


@needs_nginx
def test_the_profile_has_replicas_two_action_servers_consoles_a_scheduler_and_nginx(
    tmp_path: Path,
) -> None:
    stack = _stack(tmp_path, replicas=3)
    assert [s.name for s in stack.services] == [
        "action server 1",
        "action server 2",
        "Rasa server 1",
        "Rasa server 2",
        "Rasa server 3",
        "scheduler",
        "events consumer",
        "agent console 1",
        "agent console 2",
        "nginx",
    ]
    ports = [s.ready_url.split(":")[2].split("/")[0] for s in stack.services]
    assert len(set(ports)) == len(ports)
    for replica in stack.replicas():
        argv = replica.argv
        assert argv[argv.index("--endpoints") + 1] == str(tmp_path / "endpoints.yml")
        assert argv[argv.index("--credentials") + 1] == str(tmp_path / "credentials.yml")
    endpoints = yaml.safe_load((tmp_path / "endpoints.yml").read_text("utf-8"))
    # every replica calls the action servers through nginx's internal listener, with the token
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:18082/webhook"
    assert endpoints["action_endpoint"]["headers"] == {"Authorization": "Bearer s"}
    # ... and they listen on loopback only, where nginx reaches them (red team F4)
    for server in (s for s in stack.services if s.name.startswith("action server")):
        assert server.argv[server.argv.index("--host") + 1] == "127.0.0.1"
    assert endpoints["event_broker"]["queues"] == ["heating_events"]
    assert endpoints["event_broker"]["exchange_name"] == "heating"


@needs_nginx
def test_the_scheduler_runs_the_hand_off_jobs_through_the_address_the_consoles_use(
    tmp_path: Path,
) -> None:
    """One scheduler (leader-locked) rather than each console: the jobs run once, not twice."""
    stack = _stack(tmp_path)
    rasa_urls = {
        s.name: s.argv[s.argv.index("--rasa-url") + 1]
        for s in stack.services
        if s.name == "scheduler" or s.name.startswith("agent console")
    }
    assert set(rasa_urls.values()) == {stack.url} and "scheduler" in rasa_urls


@needs_nginx
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    conf = tmp_path / "nginx" / "nginx.conf"
    checked = subprocess.run(
        [launcher.NGINX, "-t", "-p", str(conf.parent), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    text = conf.read_text("utf-8")
    for port in stack.ports.rasa:
        assert text.count(f"server 127.0.0.1:{port} ") == 2  # round robin and sticky upstreams
    assert "ip_hash;" in text.split("upstream rasa_sticky")[1].split("}")[0]


@needs_nginx
def test_a_missing_secret_or_profile_variable_stops_the_start_with_its_name(
    tmp_path: Path,
) -> None:
    with pytest.raises(
        ConfigError, match=r"missing environment variable.*: CONSOLE_SECRET, ACTION_SERVER_TOKEN$"
    ):
        launcher.prod_stack(
            Path("m"),
            tmp_path,
            nginx.Ports.defaults(18080, 2),
            {**launcher.environment({}), "RASA_AUTH_TOKEN": "t", "REST_CHANNEL_TOKEN": "r"},
        )
    without_broker = launcher.environment(SECRETS)
    del without_broker["RABBITMQ_HOST"]
    with pytest.raises(ConfigError, match="RABBITMQ_HOST"):
        launcher.prod_stack(Path("m"), tmp_path, nginx.Ports.defaults(18080, 2), without_broker)


@needs_nginx
def test_a_pinned_clock_is_refused_in_production(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="HEATING_CLOCK_ANCHOR"):
        launcher.prod_stack(
            Path("m"),
            tmp_path,
            nginx.Ports.defaults(18080, 2),
            {**launcher.environment(SECRETS), "HEATING_CLOCK_ANCHOR": "2026-12-07T10:00+08:00@1"},
        )


def test_the_environment_wins_over_the_local_env_file() -> None:
    env = launcher.environment({"REDIS_HOST": "redis.internal"})
    assert env["REDIS_HOST"] == "redis.internal" and env["RABBITMQ_USER"] == "guest"
    assert launcher.tracker_database_url(env) == (
        "postgresql://postgres@127.0.0.1:5432/heating_tracker"
    )
