"""deploy/: the compose file and the Kubernetes manifests are valid against their schemas and
describe the same processes, commands, ports, health checks and variables as `make run-prod`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.production import launcher, nginx
from bot.production.profile import read_env_file, variables

DEPLOY = PROJECT_ROOT / "deploy"
SCHEMAS = Path(__file__).parent / "deploy_schemas"
#: run-prod's process kinds (service names without their number) → the deployments' names.
KINDS = {
    "Rasa server": "rasa",
    "action server": "actions",
    "scheduler": "scheduler",
    "agent console": "console",
    "events consumer": "consumer",
}
#: Values of these options differ per deployment (ports, paths, addresses); the options agree.
VALUED = {"--port", "--model", "--endpoints", "--credentials"}
VALUED |= {"--rasa-url", "--health-port", "--actions"}
#: Options whose values differ by where a process runs: a container listens on every address of
#: its pod (the probes, the NetworkPolicy), run-prod on loopback.
CONTAINER_ONLY = {"--health-host", "--host", "--interface"}
SECRETS = set(launcher.SECRETS)


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "docker-compose.yml").read_text("utf-8")))


def _manifests() -> Iterator[dict[str, Any]]:
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        yield from (doc for doc in yaml.safe_load_all(path.read_text("utf-8")) if doc)


@pytest.fixture(scope="module")
def run_prod(tmp_path_factory: pytest.TempPathFactory) -> launcher.ProdStack:
    env = launcher.environment(dict.fromkeys(SECRETS, "x"))
    if not Path(launcher.NGINX).exists():
        pytest.skip("nginx not installed")
    ports = nginx.Ports.defaults(8080, 2)
    return launcher.prod_stack(Path("models"), tmp_path_factory.mktemp("p"), ports, env)


def _shape(argv: list[str]) -> list[str]:
    """The command without the values of per-deployment options (and without the program's
    path), so `rasa run --port 5101 …` and `rasa run --port 5005 …` compare equal."""
    shape: list[str] = []
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        skip = token in VALUED | CONTAINER_ONLY
        if token not in CONTAINER_ONLY:
            shape.append(Path(token).name if token.startswith("/") else token)
    return shape


def _container_command(command: list[str] | str) -> list[str]:
    """A container's command as argv; a `sh -c '… && exec rasa run …'` gives the exec'd one."""
    if isinstance(command, list) and command[:2] != ["sh", "-c"]:
        return command
    script = command[2] if isinstance(command, list) else command
    return yaml.safe_load(json.dumps(script.split("exec ", 1)[1].split()))  # type: ignore[no-any-return]


def _by_kind(run_prod: launcher.ProdStack) -> dict[str, launcher.Service]:
    return {KINDS[s.name.rstrip(" 0123456789")]: s for s in run_prod.services if s.name != "nginx"}


def test_the_compose_file_is_valid_against_the_compose_specification() -> None:
    schema = json.loads((SCHEMAS / "compose-spec.json").read_text("utf-8"))
    jsonschema.validate(_compose(), schema)


def test_every_manifest_is_valid_against_the_kubernetes_schema_of_its_kind() -> None:
    bundle = json.loads((SCHEMAS / "kubernetes-v1.37.json").read_text("utf-8"))
    kinds = []
    for manifest in _manifests():
        schema = {**bundle["kinds"][manifest["kind"]], "definitions": bundle["definitions"]}
        jsonschema.Draft202012Validator(schema).validate(manifest)
        kinds.append(manifest["kind"])
    expected = {"Deployment", "Service", "Job", "ConfigMap", "Secret", "Ingress", "NetworkPolicy"}
    assert expected <= set(kinds)


def test_the_schemas_catch_a_mistake() -> None:
    bundle = json.loads((SCHEMAS / "kubernetes-v1.37.json").read_text("utf-8"))
    schema = {**bundle["kinds"]["Deployment"], "definitions": bundle["definitions"]}
    broken = next(m for m in _manifests() if m["kind"] == "Deployment")
    broken = json.loads(json.dumps(broken))
    broken["spec"]["replicas"] = "two"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)
    compose = _compose()
    compose["services"]["rasa"]["deploy"] = {"replicas": "two"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(compose, json.loads((SCHEMAS / "compose-spec.json").read_text()))


def test_compose_and_kubernetes_run_the_processes_of_run_prod_with_the_same_commands(
    run_prod: launcher.ProdStack,
) -> None:
    services = _compose()["services"]
    deployments = {m["metadata"]["name"]: m for m in _manifests() if m["kind"] == "Deployment"}
    expected = _by_kind(run_prod)
    assert set(deployments) == set(expected)
    assert set(expected) | {"nginx", "migrate"} <= set(services)
    for kind, service in expected.items():
        shape = _shape(service.argv)
        assert _shape(_container_command(services[kind]["command"])) == shape, kind
        container = deployments[kind]["spec"]["template"]["spec"]["containers"][0]
        assert _shape(_container_command(container["command"])) == shape, kind
    # as many Rasa servers and action servers as run-prod starts by default
    replicas = {
        k: sum(1 for s in run_prod.services if s.name.startswith(n)) for n, k in KINDS.items()
    }
    for kind in ("rasa", "actions", "console", "scheduler", "consumer"):
        assert services[kind]["deploy"]["replicas"] == replicas[kind], kind
        assert deployments[kind]["spec"]["replicas"] == replicas[kind], kind


def test_health_checks_ask_the_path_run_prod_waits_for_on_the_port_the_process_listens(
    run_prod: launcher.ProdStack,
) -> None:
    services = _compose()["services"]
    deployments = {m["metadata"]["name"]: m for m in _manifests() if m["kind"] == "Deployment"}
    for kind, service in _by_kind(run_prod).items():
        path = "/" + service.ready_url.split("/", 3)[3]
        command = _container_command(services[kind]["command"])
        option = "--health-port" if "--health-port" in command else "--port"
        port = int(command[command.index(option) + 1])
        assert f"http://127.0.0.1:{port}{path}'" in " ".join(services[kind]["healthcheck"]["test"])
        container = deployments[kind]["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"] == {"path": path, "port": port}
        assert container["ports"] == [{"containerPort": port}]
        k8s_command = _container_command(container["command"])
        assert int(k8s_command[k8s_command.index(option) + 1]) == port


def test_every_variable_run_prod_sets_is_set_by_compose_and_kubernetes() -> None:
    profile = set()
    for name in ("endpoints.production.yml", "credentials.production.yml"):
        profile |= variables(yaml.safe_load((PROJECT_ROOT / name).read_text("utf-8")))
    needed = profile | set(read_env_file(DEPLOY / "local.env")) | SECRETS
    compose_env = set(_compose()["x-app"]["environment"])
    assert needed <= compose_env, needed - compose_env
    k8s_env: set[str] = set()
    for manifest in _manifests():
        if manifest["kind"] in ("ConfigMap", "Secret"):
            k8s_env |= set(manifest.get("data") or manifest.get("stringData") or {})
    assert needed <= k8s_env, needed - k8s_env


def test_the_compose_nginx_configuration_is_run_prods_for_the_compose_services() -> None:
    ports = nginx.Ports(
        public=8080,
        console=8081,
        actions=8082,
        rasa=(5005,),
        action_servers=(5055,),
        consoles=(5006,),
        scheduler=5056,
        consumer=5057,
    )
    hosts = {"rasa": "rasa", "actions": "actions", "console": "console"}
    expected = nginx.config(ports, Path("/var/cache/nginx"), hosts, internal="0.0.0.0")
    assert (DEPLOY / "nginx.compose.conf").read_text("utf-8") == expected
    published = _compose()["services"]["nginx"]["ports"]
    assert published == [f"{ports.public}:{ports.public}", f"{ports.console}:{ports.console}"]
