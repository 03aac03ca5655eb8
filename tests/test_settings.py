"""The settings base: shared checks, Vietnamese refusals that name the variable, never its value."""

from __future__ import annotations

import os
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError, root_validator

from bot.announce.settings import AnnounceSettings
from bot.channels.telegram.staff.settings import StaffSettings
from bot.channels.zalo.settings import ZaloSettings
from bot.desk.settings import DeskDatabaseSettings, DeskSettings
from bot.gateway.handling import HandlingSettings
from bot.gateway.settings import GatewaySettings
from bot.notify.settings import NotifierSettings
from bot.office_hours.settings import OfficeHoursSettings
from bot.rasa_settings import (
    AssistantSettings,
    RasaApiSettings,
    RasaChannelSettings,
    RasaServerSettings,
)
from bot.settings import (
    ActionServerSettings,
    ActionSettings,
    DeskClientSettings,
    HelpdeskSettings,
    SettingsProblem,
    StoreSettings,
    blank_secret,
    bot_token,
    group_chat_id,
    https,
    id_set,
    no_trailing_slash,
    not_blank,
    positive,
    required_with,
    say,
    settings_problems,
    telegram_ids,
)
from bot.store.retention import RetentionSettings
from bot.store.sealing import StoreKeySettings, new_key
from bot.store.shared_settings import SharedStateSettings

TOKEN = "123456789:AAbb-cc_DD"
# Looks like a secret, and must never be printed whatever is refused.
WEAK = "weak-secret-value"
# The desk's tokens, each as long as the desk asks.
DESK_TOKENS = "staff:" + "t" * 32
# Rasa's channel token, which the gateway requires.
CHANNEL = SecretStr("c" * 32)

# Every variable each process reads: docs and `make run` use these names.
# How every process reaches Rasa (AssistantSettings).
RASA = "RASA_URL RASA_URLS RASA_TIMEOUT_SECONDS RASA_CONCURRENCY"
VARIABLES: dict[type[HelpdeskSettings], str] = {
    StoreSettings: "DATABASE_URL",
    ActionSettings: "DATABASE_URL KNOWLEDGE_BASE_DIR",
    AssistantSettings: RASA,
    ActionServerSettings: "ACTION_SERVER_TOKEN",
    RasaApiSettings: f"{RASA} RASA_API_TOKEN",
    RasaChannelSettings: f"{RASA} RASA_CHANNEL_TOKEN",
    RasaServerSettings: f"{RASA} RASA_API_TOKEN RASA_CHANNEL_TOKEN",
    DeskClientSettings: "DESK_URL DESK_PUBLIC_URL DESK_TIMEOUT_SECONDS DESK_TOKEN",
    SharedStateSettings: "DATABASE_URL REDIS_URL",
    AnnounceSettings: "DATABASE_URL REDIS_URL TELEGRAM_TOKEN TELEGRAM_BASE_URL",
    GatewaySettings: "TELEGRAM_TOKEN TELEGRAM_WEBHOOK_SECRET TELEGRAM_BASE_URL TELEGRAM_WEBHOOK_URL"
    f" {RASA} RASA_CHANNEL_TOKEN DATABASE_URL REDIS_URL"
    " TELEGRAM_TRAINER_IDS STATE_DIR PROJECT_DIR",
    NotifierSettings: "DATABASE_URL REDIS_URL DESK_URL DESK_TOKEN DESK_TIMEOUT_SECONDS"
    " DESK_PUBLIC_URL NOTIFIER_POLL_SECONDS TELEGRAM_TOKEN TELEGRAM_BASE_URL TELEGRAM_STAFF_CHAT_ID"
    " KNOWLEDGE_BASE_DIR NOTIFIER_METRICS_PORT NOTIFIER_METRICS_HOST OFFICE_HOURS_FILE",
    StaffSettings: "TELEGRAM_STAFF_CHAT_ID TELEGRAM_STAFF_IDS DESK_URL DESK_STAFF_TOKEN"
    " DESK_PUBLIC_URL DESK_TIMEOUT_SECONDS",
    ZaloSettings: "ZALO_APP_ID ZALO_OA_SECRET_KEY ZALO_APP_SECRET_KEY ZALO_ACCESS_TOKEN"
    " ZALO_REFRESH_TOKEN ZALO_API_BASE_URL ZALO_OAUTH_BASE_URL ZALO_TIMEOUT_SECONDS"
    " ZALO_TEMPLATE_ID"
    " STORE_KEY STORE_OLD_KEYS",
    StoreKeySettings: "STORE_KEY STORE_OLD_KEYS",
    RetentionSettings: "RETENTION_DAYS",
    DeskDatabaseSettings: "DESK_DATABASE_URL",
    DeskSettings: "DESK_DATABASE_URL DESK_TOKENS DESK_SESSION_SECRET DESK_SESSION_HOURS"
    " DESK_COOKIE_SECURE DESK_FIRST_ADMIN_PASSWORD DESK_SLA_HOURS_NORMAL"
    " DESK_SLA_HOURS_URGENT DESK_SLA_HOURS_VERY_URGENT DATABASE_URL OFFICE_HOURS_FILE"
    " DESK_LOW_RATING DESK_LOW_RATING_ACTION KNOWLEDGE_BASE_DIR",
    OfficeHoursSettings: "OFFICE_HOURS_FILE",
    HandlingSettings: "DESK_URL DESK_PUBLIC_URL DESK_TIMEOUT_SECONDS DESK_TOKEN HANDLING_HOURS",
}


@pytest.fixture(autouse=True)
def no_helpdesk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("HELPDESK_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)


def refused(check: Any, value: Any) -> str:
    with pytest.raises(SettingsProblem) as refusal:
        check(value)
    return str(refusal.value)


@pytest.mark.parametrize("settings", list(VARIABLES))
def test_every_settings_class_keeps_its_variables_on_the_one_base(
    settings: type[HelpdeskSettings],
) -> None:
    assert issubclass(settings, HelpdeskSettings)
    names = {
        name.upper()
        for field in settings.__fields__.values()
        for name in field.field_info.extra["env_names"]
    }
    assert names == {f"HELPDESK_{name}" for name in VARIABLES[settings].split()}


def test_defaults_are_unchanged() -> None:
    gateway = GatewaySettings(rasa_channel_token=CHANNEL)
    assert (gateway.rasa_url, gateway.rasa_timeout_seconds) == ("http://127.0.0.1:5005", 8.0)
    assert gateway.database_url == "sqlite:///var/helpdesk.db"
    assert gateway.telegram_base_url == "https://api.telegram.org/bot"
    notifier = NotifierSettings(desk_token=SecretStr("t"))
    assert (notifier.desk_url, notifier.desk_timeout_seconds) == ("http://127.0.0.1:8100", 10.0)
    assert (notifier.notifier_poll_seconds, notifier.public_url) == (2.0, notifier.desk_url)
    desk = DeskSettings(tokens=SecretStr(DESK_TOKENS), session_secret=SecretStr("s" * 32))
    assert desk.database_url == "sqlite:///var/desk.db"


def test_positive_numbers_only() -> None:
    assert positive(0.5) == 0.5
    for value in (0, -1.5):
        assert refused(positive, value) == say("problems.positive")
    assert "lớn hơn 0" in say("problems.positive")


def test_text_and_addresses() -> None:
    assert not_blank(" 123 ") == "123"
    assert refused(not_blank, "  ") == say("problems.blank")
    assert no_trailing_slash("http://127.0.0.1:9//") == "http://127.0.0.1:9"
    assert https("https://hotro.example.gov.vn/bot") == "https://hotro.example.gov.vn/bot"
    assert https(None) is None
    assert "https://" in refused(https, "http://hotro.example.gov.vn/bot")


def test_a_blank_secret_is_no_secret() -> None:
    assert blank_secret(None) is None
    assert blank_secret(SecretStr("")) is None
    assert blank_secret(SecretStr("  ")) is None
    kept = blank_secret(SecretStr(WEAK))
    assert kept is not None and kept.get_secret_value() == WEAK


def test_telegram_bot_tokens_are_trimmed_or_refused_without_being_shown() -> None:
    token = bot_token(SecretStr(f" {TOKEN} "))
    assert token is not None and token.get_secret_value() == TOKEN
    assert bot_token(None) is None and bot_token(SecretStr(" ")) is None
    for wrong in ("not a token", "123456789", ":abc", "12a:abc", "123:ab cd"):
        reason = refused(bot_token, SecretStr(wrong))
        assert "mã bot Telegram" in reason and wrong not in reason


def test_telegram_id_lists_are_tidied_or_refused() -> None:
    assert telegram_ids(" 11, 22 ,,33") == "11,22,33"
    assert telegram_ids("") == ""
    assert id_set("11,22,33") == {11, 22, 33} and id_set("") == frozenset()
    for wrong in ("@lan", "11,-22", "1" * 21):
        assert refused(telegram_ids, wrong) == say("problems.telegram_ids")


def test_only_a_groups_chat_id() -> None:
    assert group_chat_id(-1001234567890) == -1001234567890
    assert group_chat_id(None) is None
    for wrong in (0, 555):
        assert "số âm" in refused(group_chat_id, wrong)


class _Pair(HelpdeskSettings):
    first: int | None = None
    second: str | None = None

    _second_with_first = root_validator(skip_on_failure=True, allow_reuse=True)(
        required_with("second", when="first")
    )

    class Config:
        env_prefix = "HELPDESK_PAIR_"


def test_a_setting_required_with_another_names_both_with_the_class_prefix() -> None:
    assert _Pair().first is None and _Pair(first=1, second="x").second == "x"
    with pytest.raises(ValidationError) as refusal:
        _Pair(first=1)
    assert settings_problems(refusal.value) == [
        "HELPDESK_PAIR_SECOND: " + say("problems.required_with", other="HELPDESK_PAIR_FIRST")
    ]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            lambda: NotifierSettings(),  # type: ignore[call-arg]  # desk_token left out on purpose
            ["HELPDESK_DESK_TOKEN: chưa được đặt; biến này là bắt buộc."],
        ),
        (
            lambda: GatewaySettings(
                rasa_timeout_seconds="tám",  # type: ignore[arg-type]  # not a number
                rasa_channel_token=CHANNEL,
            ),
            ["HELPDESK_RASA_TIMEOUT_SECONDS: phải là một số."],
        ),
        (
            lambda: StaffSettings(telegram_staff_chat_id="nhóm"),  # type: ignore[arg-type]  # not an int
            ["HELPDESK_TELEGRAM_STAFF_CHAT_ID: phải là một số nguyên."],
        ),
        (
            lambda: ZaloSettings(
                app_id="1",
                oa_secret_key=SecretStr("k"),
                app_secret_key=SecretStr("k"),
                store_key=SecretStr(new_key()),
                timeout_seconds=0,
            ),
            ["HELPDESK_ZALO_TIMEOUT_SECONDS: phải là một số lớn hơn 0."],
        ),
        (
            lambda: DeskSettings(tokens=SecretStr(DESK_TOKENS), session_secret=SecretStr(WEAK)),
            ["HELPDESK_DESK_SESSION_SECRET: quá ngắn; khóa bí mật phải dài ít nhất 32 ký tự."],
        ),
    ],
)
def test_refusals_become_vietnamese_lines_named_by_variable(make: Any, expected: list[str]) -> None:
    with pytest.raises(ValidationError) as refusal:
        make()
    assert settings_problems(refusal.value) == expected


def test_no_refusal_line_shows_a_value() -> None:
    with pytest.raises(ValidationError) as refusal:
        GatewaySettings(
            rasa_channel_token=CHANNEL,
            telegram_token=SecretStr(WEAK),
            telegram_webhook_secret=SecretStr(f"{WEAK} with spaces"),
            telegram_trainer_ids=f"@{WEAK}",
            telegram_webhook_url=f"http://{WEAK}.example",
        )
    lines = settings_problems(refusal.value)
    assert [line.split(":")[0] for line in lines] == [
        "HELPDESK_TELEGRAM_TOKEN",
        "HELPDESK_TELEGRAM_WEBHOOK_SECRET",
        "HELPDESK_TELEGRAM_WEBHOOK_URL",
        "HELPDESK_TELEGRAM_TRAINER_IDS",
    ]
    assert not any(WEAK in line for line in lines)


def test_announce_refuses_a_malformed_telegram_token_as_the_notifier_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HELPDESK_RASA_CHANNEL_TOKEN", CHANNEL.get_secret_value())
    assert AnnounceSettings(telegram_token=SecretStr(" ")).telegram_token is None
    for settings in (AnnounceSettings, GatewaySettings):
        with pytest.raises(ValidationError) as refusal:
            settings(telegram_token=SecretStr(WEAK))  # type: ignore[call-arg]  # env: the rest
        assert settings_problems(refusal.value) == [
            f"HELPDESK_TELEGRAM_TOKEN: {say('problems.telegram_token')}"
        ]
