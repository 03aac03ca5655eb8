"""deploy/k8s, as `kubectl kustomize` builds it offline: the objects a province applies,
commands the `helpdesk` command line accepts, variables the code reads, secrets only by
reference, probes on routes that answer without a token, sizes from the benchmarks."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli.main import _parser
from tests.deploy.reading import (
    DEPLOY,
    SECRET_NAME,
    example_names,
    kustomized,
    unknown,
    written_out_secret,
)
from tests.deploy.routes import answers

WORKLOADS = ("Deployment", "StatefulSet", "Job")
# Kubernetes's dependent variables: `$(NAME)` is the value of NAME, defined earlier in the list.
REFERENCE = re.compile(r"\$\(([A-Z][A-Z0-9_]*)\)")
_QUANTITY = re.compile(r"^(\d+)(Mi|Gi)$")
SECRETS = example_names(DEPLOY / "k8s" / "secrets.env.example")
CHANNELS = example_names(DEPLOY / "channels.env.example")
USER = 10001  # the Dockerfile's `USER`


def train_job() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (DEPLOY / "k8s" / "jobs" / "train-job.yaml").read_text(encoding="utf-8")
    )
    return loaded


def objects() -> dict[tuple[str, str], dict[str, Any]]:
    return {(found["kind"], found["metadata"]["name"]): found for found in kustomized()}


def workloads() -> Iterator[dict[str, Any]]:
    yield from (found for found in kustomized() if found["kind"] in WORKLOADS)
    yield train_job()


def containers() -> Iterator[tuple[str, dict[str, Any]]]:
    for workload in workloads():
        for container in workload["spec"]["template"]["spec"]["containers"]:
            yield workload["metadata"].get("name", "helpdesk-train"), container


def parsed(container: dict[str, Any]) -> argparse.Namespace:
    """The container's args as the image's entrypoint (`helpdesk --root /app`) runs them."""
    return _parser().parse_args(["--root", "/app", *container["args"]])


def mebibytes(quantity: str) -> int:
    found = _QUANTITY.match(quantity)
    assert found is not None, quantity
    return int(found.group(1)) * (1024 if found.group(2) == "Gi" else 1)


def config() -> dict[str, str]:
    data: dict[str, str] = objects()[("ConfigMap", "helpdesk-config")]["data"]
    return data


def test_the_base_builds_offline_into_the_objects_a_province_applies() -> None:
    assert set(objects()) == {
        *(("Deployment", name) for name in ("desk", "actions", "gateway", "notifier")),
        ("StatefulSet", "rasa"),
        *(("Service", name) for name in ("rasa", "desk", "actions", "gateway")),
        ("ConfigMap", "helpdesk-config"),
        ("Job", "helpdesk-migrate"),
        ("PersistentVolumeClaim", "helpdesk-models"),
        *(("PodDisruptionBudget", name) for name in ("rasa", "actions", "gateway")),
    }


def test_every_container_runs_a_command_the_helpdesk_command_line_accepts() -> None:
    commands = {name: tuple(container["args"][:1]) for name, container in containers()}
    assert set(commands.values()) == {
        *(("migrate",), ("train",), ("desk",), ("actions",)),
        *(("rasa",), ("gateway",), ("notifier",)),
    }
    for _, container in containers():
        assert callable(parsed(container).handler)
        assert container["image"].startswith("helpdesk")


def test_every_variable_a_container_gets_is_one_the_code_reads() -> None:
    for name, container in containers():
        assert unknown([entry["name"] for entry in container.get("env", [])]) == [], name
    assert unknown(list(config())) == []
    assert unknown(list(SECRETS)) == [] and unknown(list(CHANNELS)) == []


def test_secrets_come_only_by_reference_to_the_provinces_secret() -> None:
    for name, container in containers():
        from_secrets = set()
        for entry in container.get("env", []):
            source = entry.get("valueFrom", {})
            if "secretKeyRef" in source:
                reference = source["secretKeyRef"]
                assert (reference["name"], reference["key"] in SECRETS) == (
                    "helpdesk-secrets",
                    True,
                ), entry
                from_secrets.add(entry["name"])
            elif "configMapKeyRef" in source:
                assert source["configMapKeyRef"]["key"] in config(), entry
            else:
                value = str(entry["value"])
                # A secret's value may only be put together from secrets already given.
                if SECRET_NAME.search(entry["name"]):
                    assert set(REFERENCE.findall(value)) <= from_secrets, entry
                    assert REFERENCE.search(value), entry
                assert not written_out_secret(value, REFERENCE), entry
        for source in container.get("envFrom", []):
            assert source == {"secretRef": {"name": "helpdesk-channels", "optional": True}}, name
    assert not any(SECRET_NAME.search(key) for key in config())
    assert not any(written_out_secret(value, REFERENCE) for value in config().values())
    assert set(SECRETS.values()) == {""}


def test_workloads_select_their_own_pods_and_services_reach_a_named_port_of_them() -> None:
    pods = {}
    for workload in workloads():
        labels = workload["spec"]["template"]["metadata"]["labels"]
        selector = workload["spec"].get("selector", {}).get("matchLabels", {})
        assert selector.items() <= labels.items()
        pods[labels["app.kubernetes.io/name"]] = workload["spec"]["template"]["spec"]
    for (kind, name), service in objects().items():
        if kind != "Service":
            continue
        pod = pods[service["spec"]["selector"]["app.kubernetes.io/name"]]
        ports = {port["name"] for c in pod["containers"] for port in c["ports"]}
        assert {port["targetPort"] for port in service["spec"]["ports"]} <= ports, name


def test_rasa_replicas_have_stable_names_that_every_gateway_routes_to_in_order() -> None:
    rasa = objects()[("StatefulSet", "rasa")]
    headless = objects()[("Service", rasa["spec"]["serviceName"])]
    assert headless["spec"]["clusterIP"] == "None"
    (container,) = rasa["spec"]["template"]["spec"]["containers"]
    port = parsed(container).port
    expected = [f"http://rasa-{i}.rasa:{port}" for i in range(rasa["spec"]["replicas"])]
    assert config()["HELPDESK_RASA_URLS"].split(",") == expected
    assert parsed(container).model == "/app/models"
    assert {"name": "models", "mountPath": "/app/models", "readOnly": True} in container[
        "volumeMounts"
    ]
    train = train_job()["spec"]["template"]["spec"]
    claims = {
        volume["persistentVolumeClaim"]["claimName"]
        for spec in (rasa["spec"]["template"]["spec"], train)
        for volume in spec["volumes"]
    }
    assert claims == {"helpdesk-models"} and ("PersistentVolumeClaim", "helpdesk-models") in (
        objects()
    )


def probed() -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    for name, container in containers():
        for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
            if kind in container:
                yield name, kind, container, container[kind]


@pytest.mark.parametrize(
    ("name", "kind"),
    [(name, kind) for name, kind, _, _ in probed()],
    ids=[f"{name}-{kind}" for name, kind, _, _ in probed()],
)
def test_each_probe_asks_its_own_port_a_route_its_process_answers_without_a_token(
    name: str, kind: str, tmp_path: Path
) -> None:
    ((_, _, container, probe),) = [
        found for found in probed() if (found[0], found[1]) == (name, kind)
    ]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    port = ports[probe["httpGet"]["port"]]
    args = parsed(container)
    if args.command == "notifier":
        env = {entry["name"]: entry.get("value") for entry in container["env"]}
        assert (env["HELPDESK_NOTIFIER_METRICS_PORT"], env["HELPDESK_NOTIFIER_METRICS_HOST"]) == (
            str(port),
            "0.0.0.0",
        )
    else:
        assert (args.host, args.port) == ("0.0.0.0", port)
    assert answers(args.command, probe["httpGet"]["path"], tmp_path)


def test_every_server_is_watched_for_readiness_and_liveness_and_the_notifier_for_liveness() -> None:
    # Each process's own health route: Rasa's `/` (its /status needs the token).
    routes = {"gateway": "/health", "desk": "/health", "actions": "/health", "rasa": "/"}
    for name, container in containers():
        command = parsed(container).command
        if command in routes:
            assert {"readinessProbe", "livenessProbe"} <= set(container), name
        elif command == "notifier":
            assert "livenessProbe" in container
        for _, _, probed_container, probe in probed():
            if probed_container is container:
                expected = routes.get(command, "/metrics")
                assert probe["httpGet"]["path"] == expected, name
    rasa = objects()[("StatefulSet", "rasa")]["spec"]["template"]["spec"]["containers"][0]
    startup = rasa["startupProbe"]
    # Rasa loads TensorFlow and the model before its port opens: minutes on a busy node.
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 300


def test_every_container_asks_for_memory_and_is_capped_and_rasa_holds_two_models(
    rasa_rss_mib: int,
) -> None:
    for name, container in containers():
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]), name
        requested, limit = resources["requests"]["memory"], resources["limits"]["memory"]
        assert mebibytes(limit) >= mebibytes(requested), name
        if parsed(container).command == "rasa":
            assert mebibytes(requested) >= rasa_rss_mib
            assert mebibytes(limit) >= 2 * rasa_rss_mib


def test_no_pod_runs_as_root_or_holds_a_cluster_token() -> None:
    for workload in workloads():
        pod = workload["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == USER
        for container in pod["containers"]:
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
