"""`helpdesk gateway`: its options, its settings errors, and the server it starts."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette

from bot.cli import gateway_command
from tests.channels.telegram.fakes import SECRET, TOKEN


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="helpdesk")
    gateway_command.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ("TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_WEBHOOK_URL"):
        monkeypatch.delenv(f"HELPDESK_{name}", raising=False)
    for name in ("APP_ID", "OA_SECRET_KEY", "APP_SECRET_KEY", "ACCESS_TOKEN", "REFRESH_TOKEN"):
        monkeypatch.delenv(f"HELPDESK_ZALO_{name}", raising=False)
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'helpdesk.db'}")
    return monkeypatch


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[uvicorn.Config]:
    """The configs uvicorn was asked to serve (nothing is served)."""
    configs: list[uvicorn.Config] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, *a, **k: configs.append(self.config))
    return configs


def test_options_and_defaults() -> None:
    assert parse("gateway").port == 8080
    assert parse("gateway").polling is False
    args = parse("gateway", "--polling", "--port", "9090", "--host", "0.0.0.0")
    assert (args.polling, args.port, args.host) == (True, 9090, "0.0.0.0")


def test_a_token_without_a_secret_is_refused(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env.setenv("HELPDESK_TELEGRAM_TOKEN", TOKEN)

    assert parse("gateway").handler(parse("gateway")) == 1
    assert "HELPDESK_TELEGRAM_WEBHOOK_SECRET: chưa được đặt" in capsys.readouterr().err


def test_polling_needs_a_token(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parse("gateway", "--polling")

    assert args.handler(args) == 1
    assert "HELPDESK_TELEGRAM_TOKEN" in capsys.readouterr().err


def test_the_gateway_is_served_on_the_port(
    clean_env: pytest.MonkeyPatch, started: list[uvicorn.Config]
) -> None:
    clean_env.setenv("HELPDESK_TELEGRAM_TOKEN", TOKEN)
    clean_env.setenv("HELPDESK_TELEGRAM_WEBHOOK_SECRET", SECRET)
    args = parse("gateway", "--port", "9191")

    assert args.handler(args) == 0

    [config] = started
    assert config.port == 9191 and config.host == "127.0.0.1"
    assert config.access_log is False  # no line per message with the official's address
    assert isinstance(config.app, Starlette)
    assert config.app.state.telegram is not None
    assert config.app.state.zalo is None


def test_a_zalo_app_without_its_secret_keys_is_refused(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env.setenv("HELPDESK_ZALO_APP_ID", "1234567890")

    assert parse("gateway").handler(parse("gateway")) == 1
    errors = capsys.readouterr().err
    assert "HELPDESK_ZALO_OA_SECRET_KEY" in errors and "HELPDESK_ZALO_APP_SECRET_KEY" in errors


def test_zalo_is_served_when_its_settings_are_set(
    clean_env: pytest.MonkeyPatch, started: list[uvicorn.Config]
) -> None:
    clean_env.setenv("HELPDESK_ZALO_APP_ID", "1234567890")
    clean_env.setenv("HELPDESK_ZALO_OA_SECRET_KEY", "oa-secret")
    clean_env.setenv("HELPDESK_ZALO_APP_SECRET_KEY", "app-secret")
    args = parse("gateway")

    assert args.handler(args) == 0

    [config] = started
    assert isinstance(config.app, Starlette)
    assert config.app.state.zalo is not None and config.app.state.telegram is None
