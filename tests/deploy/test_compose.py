"""deploy/compose.yaml, checked as Compose would read it (no `docker compose` on the machine):
the services a province runs, commands the `helpdesk` command line accepts, variables the code
reads, no secret written out, health checks on routes that answer, start order, ports."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.cli.main import _parser
from bot.texts import yaml_strings
from tests.deploy.reading import (
    DEPLOY,
    SECRET_NAME,
    compose,
    example_names,
    unknown,
    written_out_secret,
)
from tests.deploy.routes import answers

SERVICES = compose()["services"]
# The services run from the project's image (the others are PostgreSQL's and Redis's).
OURS = {name: service for name, service in SERVICES.items() if "build" in service}
ONE_SHOT = {"migrate", "tools"}
SERVERS = {name: service for name, service in OURS.items() if name not in ONE_SHOT}
# Compose's `${NAME}`, `${NAME:?}`, `${NAME:-default}`; `$$` is a dollar sign for the shell.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")
URL_IN_CHECK = re.compile(r"http://127\.0\.0\.1:(\d+)(/[^'\"]*)")


def parsed(service: dict[str, Any]) -> argparse.Namespace:
    """The service's command as the image's entrypoint (`helpdesk --root /app`) runs it."""
    return _parser().parse_args(["--root", "/app", *service["command"]])


def checked_url(service: dict[str, Any]) -> tuple[int, str]:
    """The port and path the service's health check asks."""
    found = URL_IN_CHECK.search(" ".join(service["healthcheck"]["test"]))
    assert found is not None, service["healthcheck"]
    return int(found.group(1)), found.group(2)


def test_the_services_are_the_ones_a_province_runs() -> None:
    assert set(SERVICES) == {
        *("postgres", "redis", "migrate", "tools", "desk", "actions"),
        *("rasa-0", "rasa-1", "gateway", "notifier"),
    }
    assert SERVICES["actions"]["deploy"]["replicas"] == 2
    assert SERVICES["tools"]["profiles"] == ["tools"]  # never started by `up`


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_command_is_one_the_helpdesk_command_line_accepts(name: str) -> None:
    args = parsed(OURS[name])
    assert callable(args.handler)


@pytest.mark.parametrize("name", sorted(set(SERVERS) - {"notifier"}))
def test_servers_listen_on_their_container_interface_and_are_checked_on_their_own_port(
    name: str,
) -> None:
    args = parsed(SERVERS[name])
    port, _ = checked_url(SERVERS[name])
    assert (args.host, args.port) == ("0.0.0.0", port)


@pytest.mark.parametrize("name", sorted(SERVERS))
def test_each_health_check_asks_a_route_its_process_answers_without_a_token(
    name: str, tmp_path: Path
) -> None:
    service = SERVERS[name]
    _, path = checked_url(service)
    assert answers(service["command"][0], path, tmp_path)


def test_the_notifier_is_checked_on_the_port_its_counters_are_served_on() -> None:
    notifier = SERVERS["notifier"]
    port, _ = checked_url(notifier)
    assert notifier["environment"]["HELPDESK_NOTIFIER_METRICS_PORT"] == str(port)


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_variable_a_container_gets_is_one_the_code_reads(name: str) -> None:
    assert unknown(list(OURS[name].get("environment", {}))) == []


def test_every_channel_variable_is_one_the_code_reads() -> None:
    assert unknown(list(example_names(DEPLOY / "channels.env.example"))) == []
    readers = {name for name, service in OURS.items() if "env_file" in service}
    assert readers == {"gateway", "notifier"}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_no_secret_is_written_out_only_named_from_the_env_file(name: str) -> None:
    for variable, value in SERVICES[name].get("environment", {}).items():
        if SECRET_NAME.search(variable):
            assert INTERPOLATION.search(str(value)), variable
        assert not written_out_secret(str(value), INTERPOLATION), variable


def test_every_name_interpolated_is_listed_empty_in_env_example_and_the_env_files_ignored() -> None:
    used = {name for text in yaml_strings(compose()) for name in INTERPOLATION.findall(text)}
    listed = example_names(DEPLOY / ".env.example")
    assert used == set(listed)
    channels = example_names(DEPLOY / "channels.env.example")
    assert set(listed.values()) == {""} and set(channels.values()) == {""}
    ignored = (DEPLOY / ".gitignore").read_text(encoding="utf-8").split()
    assert {".env", "channels.env"} <= set(ignored)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_waits_until_what_it_needs_is_healthy_or_done(name: str) -> None:
    for needed, how in SERVICES[name].get("depends_on", {}).items():
        if how["condition"] == "service_healthy":
            assert "healthcheck" in SERVICES[needed], needed
        else:
            assert how["condition"] == "service_completed_successfully"
            assert SERVICES[needed]["restart"] == "no", needed


@pytest.mark.parametrize("name", sorted(SERVERS))
def test_no_server_starts_before_the_tables_of_this_version_are_made(name: str) -> None:
    assert SERVERS[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "healthcheck" in SERVERS[name]


def test_migrations_wait_for_postgresql_and_every_long_running_service_has_a_health_check() -> None:
    assert SERVICES["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in set(SERVICES) - ONE_SHOT:
        assert "healthcheck" in SERVICES[name], name


def test_only_the_gateway_and_the_desk_publish_a_port_and_only_on_loopback() -> None:
    published = {name: service["ports"] for name, service in SERVICES.items() if "ports" in service}
    assert published == {"gateway": ["127.0.0.1:8080:8080"], "desk": ["127.0.0.1:8100:8100"]}


def test_every_gateway_gets_the_rasa_replicas_by_name_in_order_and_each_reads_the_models() -> None:
    replicas = sorted(name for name in SERVICES if name.startswith("rasa-"))
    urls = SERVICES["gateway"]["environment"]["HELPDESK_RASA_URLS"].split(",")
    assert urls == [f"http://{name}:{parsed(SERVICES[name]).port}" for name in replicas]
    for name in replicas:
        assert urlsplit(urls[replicas.index(name)]).hostname == SERVICES[name]["hostname"]
        assert "models:/app/models:ro" in SERVICES[name]["volumes"]
        assert parsed(SERVICES[name]).model == "/app/models"
    assert "models:/app/models" in SERVICES["tools"]["volumes"]


def test_rasa_may_hold_two_models_while_it_loads_a_new_one(rasa_rss_mib: int) -> None:
    for name in ("rasa-0", "rasa-1"):
        limit = SERVICES[name]["deploy"]["resources"]["limits"]["memory"]
        assert limit.endswith("g") and int(limit[:-1]) * 1024 >= 2 * rasa_rss_mib
