"""The staff group's settings: off unless set, a group's id, a token, ids that are numbers."""

from __future__ import annotations

import logging

import pytest

from bot.channels.telegram.staff.settings import StaffSettings, desk_page, staff_settings

TOKEN = "staff-token-secret-0123"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "TELEGRAM_STAFF_CHAT_ID",
        "TELEGRAM_STAFF_IDS",
        "DESK_URL",
        "DESK_STAFF_TOKEN",
        "DESK_PUBLIC_URL",
    ):
        monkeypatch.delenv(f"HELPDESK_{name}", raising=False)


def test_the_group_is_off_without_a_chat_id() -> None:
    assert staff_settings() is None
    assert StaffSettings().enabled is False


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_TELEGRAM_STAFF_CHAT_ID", "-1001234567890")
    monkeypatch.setenv("HELPDESK_TELEGRAM_STAFF_IDS", " 11, 22 ,,33")
    monkeypatch.setenv("HELPDESK_DESK_STAFF_TOKEN", TOKEN)
    monkeypatch.setenv("HELPDESK_DESK_URL", "http://desk.internal:8100")

    settings = staff_settings()

    assert settings is not None
    assert (settings.telegram_staff_chat_id, settings.staff_ids) == (
        -1001234567890,
        frozenset({11, 22, 33}),
    )
    assert settings.public_url == "http://desk.internal:8100"
    assert TOKEN not in repr(settings)
    assert desk_page("https://hotro.example.gov.vn/", "HT-000001") == (
        "https://hotro.example.gov.vn/desk/tickets/HT-000001"
    )


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"TELEGRAM_STAFF_CHAT_ID": "-100123"}, "HELPDESK_DESK_STAFF_TOKEN"),
        (
            {"TELEGRAM_STAFF_CHAT_ID": "-100123", "DESK_STAFF_TOKEN": " "},
            "HELPDESK_DESK_STAFF_TOKEN",
        ),
        (
            {"TELEGRAM_STAFF_CHAT_ID": "555", "DESK_STAFF_TOKEN": TOKEN},
            "HELPDESK_TELEGRAM_STAFF_CHAT_ID",
        ),
        (
            {"TELEGRAM_STAFF_CHAT_ID": "nhóm", "DESK_STAFF_TOKEN": TOKEN},
            "HELPDESK_TELEGRAM_STAFF_CHAT_ID",
        ),
        (
            {
                "TELEGRAM_STAFF_CHAT_ID": "-1",
                "DESK_STAFF_TOKEN": TOKEN,
                "TELEGRAM_STAFF_IDS": "@lan",
            },
            "HELPDESK_TELEGRAM_STAFF_IDS",
        ),
    ],
)
def test_a_misconfigured_group_stays_off_and_the_variable_is_named_not_its_value(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    variables: dict[str, str],
    named: str,
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(f"HELPDESK_{name}", value)

    with caplog.at_level(logging.ERROR):
        assert staff_settings() is None

    assert (
        f"Nhóm hỗ trợ trên Telegram chưa được bật vì cấu hình chưa đúng: {named}: " in caplog.text
    )
    assert TOKEN not in caplog.text and "@lan" not in caplog.text


def test_a_group_without_staff_is_on_but_warns(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("HELPDESK_TELEGRAM_STAFF_CHAT_ID", "-100123")
    monkeypatch.setenv("HELPDESK_DESK_STAFF_TOKEN", TOKEN)

    with caplog.at_level(logging.WARNING):
        settings = staff_settings()

    assert settings is not None and settings.staff_ids == frozenset()
    assert "HELPDESK_TELEGRAM_STAFF_IDS đang để trống" in caplog.text
