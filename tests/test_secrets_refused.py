"""Every process refuses a missing or weak secret: it stops naming the variable, never the value.

The secrets guarding the hops between processes (docs/architecture.md, "Processes and their
secrets") are at least 32 characters; so are the desk's tokens and the Telegram webhook's.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import uvicorn
from pydantic import SecretStr, ValidationError

from bot.desk.settings import DeskSettings
from bot.gateway.settings import GatewaySettings
from bot.rasa_settings import RasaChannelSettings, RasaServerSettings
from bot.settings import ActionServerSettings, settings_problems

TOKEN = "123456789:AAbb-cc_DD"
# Looks like a secret, and must never be printed whatever is refused.
WEAK = "weak-secret-value"
# The desk's tokens, each as long as the desk asks.
DESK_TOKENS = "staff:" + "t" * 32
# Rasa's channel token, which the gateway requires.
CHANNEL = SecretStr("c" * 32)


@pytest.fixture(autouse=True)
def no_helpdesk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("HELPDESK_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            lambda: DeskSettings(
                tokens=SecretStr(f"{DESK_TOKENS},assistant:{WEAK}"),
                session_secret=SecretStr(WEAK * 2),
            ),
            "HELPDESK_DESK_TOKENS: cặp thứ 2: mã quá ngắn; mã phải dài ít nhất 32 ký tự.",
        ),
        (
            lambda: GatewaySettings(
                telegram_webhook_secret=SecretStr("s" * 31), rasa_channel_token=CHANNEL
            ),
            "HELPDESK_TELEGRAM_WEBHOOK_SECRET: phải gồm từ 32 đến 256 ký tự, chỉ dùng chữ cái"
            " A-Z, a-z, chữ số 0-9, dấu _ và dấu -.",
        ),
        (
            lambda: ActionServerSettings(action_server_token=SecretStr(WEAK)),
            "HELPDESK_ACTION_SERVER_TOKEN: quá ngắn; khóa bí mật phải dài ít nhất 32 ký tự.",
        ),
        (
            lambda: RasaServerSettings(rasa_channel_token=CHANNEL),  # type: ignore[call-arg]
            "HELPDESK_RASA_API_TOKEN: chưa được đặt; biến này là bắt buộc.",
        ),
        (
            lambda: RasaChannelSettings(rasa_channel_token=SecretStr(WEAK)),
            "HELPDESK_RASA_CHANNEL_TOKEN: quá ngắn; khóa bí mật phải dài ít nhất 32 ký tự.",
        ),
        (
            lambda: GatewaySettings(),  # type: ignore[call-arg]  # the token left out on purpose
            "HELPDESK_RASA_CHANNEL_TOKEN: chưa được đặt; biến này là bắt buộc.",
        ),
        (
            lambda: RasaServerSettings(rasa_api_token=CHANNEL),  # type: ignore[call-arg]
            "HELPDESK_RASA_CHANNEL_TOKEN: chưa được đặt; biến này là bắt buộc.",
        ),
    ],
    ids=[
        "desk-token",
        "webhook-secret",
        "action-server-token",
        "rasa-api-token",
        "rasa-channel-token-short",
        "gateway-without-rasa-channel-token",
        "rasa-without-its-channel-token",
    ],
)
def test_a_short_or_missing_secret_is_one_vietnamese_line_naming_its_variable(
    make: Any, expected: str
) -> None:
    with pytest.raises(ValidationError) as refusal:
        make()
    assert settings_problems(refusal.value) == [expected]
    assert WEAK not in str(refusal.value)


def test_secrets_of_32_characters_are_taken() -> None:
    gateway = GatewaySettings(
        telegram_webhook_secret=SecretStr("s" * 32), rasa_channel_token=CHANNEL
    )
    assert gateway.telegram_webhook_secret
    assert RasaChannelSettings(rasa_channel_token=SecretStr("c" * 32)).rasa_channel_token
    assert ActionServerSettings(action_server_token=SecretStr("a" * 32)).action_server_token
    desk = DeskSettings(tokens=SecretStr(DESK_TOKENS), session_secret=SecretStr("s" * 32))
    assert list(desk.token_roles().values()) == ["staff"]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What a command would have served, without serving it (the desk, the gateway, the action
    server, Rasa), should a check let a command through by mistake."""
    configs: list[object] = []
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda server, *a, **k: configs.append(server.config)
    )
    monkeypatch.setattr("actions.server.serve", lambda *a: configs.append(a))
    monkeypatch.setattr("rasa.__main__.main", lambda: configs.append("rasa"))
    return configs


@pytest.mark.parametrize(
    ("command", "environment", "expected"),
    [
        ("desk serve", {"DESK_TOKENS": DESK_TOKENS}, "HELPDESK_DESK_SESSION_SECRET: chưa được đặt"),
        (
            "desk serve",
            {"DESK_TOKENS": DESK_TOKENS, "DESK_SESSION_SECRET": WEAK},
            "HELPDESK_DESK_SESSION_SECRET: quá ngắn",
        ),
        (
            "desk serve",
            {"DESK_TOKENS": f"staff:{WEAK}", "DESK_SESSION_SECRET": WEAK * 2},
            "HELPDESK_DESK_TOKENS: cặp thứ 1: mã quá ngắn",
        ),
        (
            "gateway",
            {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": WEAK.replace("-", "_")},
            "HELPDESK_TELEGRAM_WEBHOOK_SECRET: phải gồm từ 32 đến 256 ký tự",
        ),
        ("actions", {"ACTION_SERVER_TOKEN": WEAK}, "HELPDESK_ACTION_SERVER_TOKEN: quá ngắn"),
        (
            "rasa --model models/m.tar.gz",
            {"ACTION_SERVER_TOKEN": WEAK * 2},
            "HELPDESK_RASA_API_TOKEN: chưa được đặt; biến này là bắt buộc.",
        ),
        (
            "rasa --model models/m.tar.gz",
            {"ACTION_SERVER_TOKEN": WEAK * 2, "RASA_API_TOKEN": WEAK * 2},
            "HELPDESK_RASA_CHANNEL_TOKEN: chưa được đặt; biến này là bắt buộc.",
        ),
        (
            "rasa --model models/m.tar.gz",
            {
                "ACTION_SERVER_TOKEN": WEAK * 2,
                "RASA_API_TOKEN": WEAK * 2,
                "RASA_CHANNEL_TOKEN": WEAK,
            },
            "HELPDESK_RASA_CHANNEL_TOKEN: quá ngắn",
        ),
        ("gateway", {}, "HELPDESK_RASA_CHANNEL_TOKEN: chưa được đặt; biến này là bắt buộc."),
        ("gateway", {"RASA_CHANNEL_TOKEN": WEAK}, "HELPDESK_RASA_CHANNEL_TOKEN: quá ngắn"),
        ("retrain --wait", {"RASA_API_TOKEN": WEAK}, "HELPDESK_RASA_API_TOKEN: quá ngắn"),
        (
            "ask xin-chào --model m.tar.gz --action-url http://127.0.0.1:9/webhook",
            {},
            "HELPDESK_ACTION_SERVER_TOKEN: chưa được đặt; biến này là bắt buộc.",
        ),
        ("notifier --once", {}, "HELPDESK_DESK_TOKEN: chưa được đặt; biến này là bắt buộc."),
        (
            "notifier --once",
            {"DESK_TOKEN": "t", "TELEGRAM_TOKEN": WEAK},
            "HELPDESK_TELEGRAM_TOKEN: không đúng dạng mã bot Telegram",
        ),
        (
            "gateway",
            {
                "TELEGRAM_TOKEN": TOKEN,
                "TELEGRAM_WEBHOOK_SECRET": " ",
                "RASA_CHANNEL_TOKEN": WEAK * 2,
            },
            "HELPDESK_TELEGRAM_WEBHOOK_SECRET: chưa được đặt; biến này là bắt buộc khi đã đặt"
            " HELPDESK_TELEGRAM_TOKEN.",
        ),
        (
            "gateway",
            {
                "ZALO_APP_ID": "1234567890",
                "ZALO_OA_SECRET_KEY": WEAK,
                "RASA_CHANNEL_TOKEN": WEAK * 2,
            },
            "HELPDESK_ZALO_APP_SECRET_KEY: chưa được đặt; biến này là bắt buộc.",
        ),
        (
            "announce --yes Thông-báo-bảo-trì",
            {"TELEGRAM_TOKEN": WEAK},
            "HELPDESK_TELEGRAM_TOKEN: không đúng dạng mã bot Telegram",
        ),
    ],
)
def test_a_process_with_a_missing_or_weak_secret_stops_naming_the_variable_not_the_value(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    served: list[object],
    tmp_path: Any,
    command: str,
    environment: dict[str, str],
    expected: str,
) -> None:
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'helpdesk.db'}")
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", f"sqlite:///{tmp_path / 'desk.db'}")
    for name, value in environment.items():
        monkeypatch.setenv(f"HELPDESK_{name}", value)
    # Imported here: the checks above need none of the command line's imports.
    from bot.cli.main import main

    assert main(command.split()) == 1

    output = capsys.readouterr()
    assert expected in output.err
    assert WEAK not in output.err + output.out
    assert served == [] and list(tmp_path.iterdir()) == []
