from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from bot.desk.settings import DeskSettings, TokenError, parse_tokens
from bot.settings import settings_problems
from tests.desk.conftest import ASSISTANT_TOKEN, SESSION_SECRET, STAFF_TOKEN

STAFF = f"staff:{STAFF_TOKEN}"
# Long enough to be accepted: each case below is refused for what it names.
LONG = "x" * 32


def test_tokens_are_read_from_the_environment_with_their_roles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", f" assistant:{ASSISTANT_TOKEN} , {STAFF} ")
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    settings = DeskSettings()  # type: ignore[call-arg]  # both from the environment
    assert settings.token_roles() == {ASSISTANT_TOKEN: "assistant", STAFF_TOKEN: "staff"}
    assert settings.database_url == "sqlite:///elsewhere.db"
    assert settings.session_secret.get_secret_value() == SESSION_SECRET


def test_tokens_are_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPDESK_DESK_TOKENS", raising=False)
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    with pytest.raises(ValidationError, match="tokens"):
        DeskSettings()  # type: ignore[call-arg]  # tokens missing on purpose


def test_the_session_secret_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPDESK_DESK_SESSION_SECRET", raising=False)
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", STAFF)
    with pytest.raises(ValidationError, match="session_secret"):
        DeskSettings()  # type: ignore[call-arg]  # session_secret missing on purpose


def test_a_short_session_secret_is_refused_without_showing_it() -> None:
    with pytest.raises(ValidationError, match="ít nhất 32 ký tự") as refused:
        DeskSettings(tokens=SecretStr(STAFF), session_secret=SecretStr("short-secret-0123456789"))
    assert "short-secret" not in str(refused.value)
    assert DeskSettings(tokens=SecretStr(STAFF), session_secret=SecretStr("s" * 32)).session_secret


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "chưa có mã truy cập nào"),
        (" , ", "chưa có mã truy cập nào"),
        (LONG, "cặp thứ 1 không có dạng vai_trò:mã"),
        (
            f"assistant:{LONG},admin:{LONG}y",
            "cặp thứ 2: vai trò phải là một trong .* assistant, staff",
        ),
        ("staff:", "cặp thứ 1: mã phải gồm các ký tự ASCII in được"),
        ("staff:ab c", "cặp thứ 1: mã phải gồm các ký tự ASCII in được"),
        (f"assistant:{LONG},staff:{LONG}", "cặp thứ 2: mã này đã được ghi"),
        (f"assistant:{LONG},staff:{'y' * 31}", "cặp thứ 2: mã quá ngắn; .* ít nhất 32 ký tự"),
    ],
)
def test_malformed_tokens_are_refused_with_a_clear_error(value: str, problem: str) -> None:
    with pytest.raises(TokenError, match=problem):
        parse_tokens(value)
    with pytest.raises(ValidationError, match=problem):
        DeskSettings(tokens=SecretStr(value), session_secret=SecretStr(SESSION_SECRET))


def test_refusals_and_reprs_never_show_a_token() -> None:
    with pytest.raises(ValidationError) as refused:
        DeskSettings(
            tokens=SecretStr(f"staff:secret-one-{LONG},boss:secret-two-{LONG}"),
            session_secret=SecretStr(SESSION_SECRET),
        )
    assert "secret-" not in str(refused.value)
    shown = repr(
        DeskSettings(
            tokens=SecretStr(f"staff:secret-one-{LONG}"), session_secret=SecretStr(SESSION_SECRET)
        )
    )
    assert "secret-one" not in shown
    assert SESSION_SECRET not in shown


def test_service_levels_default_to_24_8_and_2_hours() -> None:
    assert DeskSettings(
        tokens=SecretStr(STAFF), session_secret=SecretStr(SESSION_SECRET)
    ).service_levels() == {
        "normal": timedelta(hours=24),
        "urgent": timedelta(hours=8),
        "very_urgent": timedelta(hours=2),
    }


def test_service_levels_can_be_set_and_must_be_positive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_DESK_SLA_HOURS_URGENT", "4.5")
    assert DeskSettings(
        tokens=SecretStr(STAFF), session_secret=SecretStr(SESSION_SECRET)
    ).service_levels()["urgent"] == timedelta(hours=4.5)
    monkeypatch.setenv("HELPDESK_DESK_SLA_HOURS_NORMAL", "0")
    with pytest.raises(ValidationError, match="lớn hơn 0"):
        DeskSettings(tokens=SecretStr(STAFF), session_secret=SecretStr(SESSION_SECRET))


def test_staff_sessions_default_to_twelve_hours_and_secure_cookies_over_https() -> None:
    settings = DeskSettings(tokens=SecretStr(STAFF), session_secret=SecretStr(SESSION_SECRET))
    assert settings.session_lifetime() == timedelta(hours=12)
    assert settings.cookie_secure == "auto"
    assert settings.first_admin_password is None


def test_session_hours_cookie_security_and_the_first_admin_password_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", STAFF)
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    monkeypatch.setenv("HELPDESK_DESK_SESSION_HOURS", "8.5")
    monkeypatch.setenv("HELPDESK_DESK_COOKIE_SECURE", " Always ")
    monkeypatch.setenv("HELPDESK_DESK_FIRST_ADMIN_PASSWORD", "mật khẩu ban đầu dài")
    settings = DeskSettings()  # type: ignore[call-arg]  # all from the environment
    assert settings.session_lifetime() == timedelta(hours=8.5)
    assert settings.cookie_secure == "always"
    assert settings.first_admin_password is not None
    assert settings.first_admin_password.get_secret_value() == "mật khẩu ban đầu dài"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"cookie_secure": "sometimes"}, "phải là một trong các giá trị auto, always, never"),
        ({"first_admin_password": SecretStr("ngan-qua")}, "mật khẩu phải dài ít nhất 12 ký tự"),
        ({"session_hours": 0}, "lớn hơn 0"),
    ],
)
def test_bad_sign_in_settings_are_refused_without_showing_them(
    changes: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem) as refused:
        DeskSettings(tokens=SecretStr(STAFF), session_secret=SecretStr(SESSION_SECRET), **changes)
    assert "ngan-qua" not in str(refused.value)


def test_a_wrong_office_hours_file_stops_the_desk_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    wrong = tmp_path / "office_hours.yml"
    wrong.write_text("timezone: Asia/Ho_Chi_Minh\nweek: {saturday: []}\n", encoding="utf-8")
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", STAFF)
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    monkeypatch.setenv("HELPDESK_OFFICE_HOURS_FILE", str(wrong))
    with pytest.raises(ValidationError) as refused:
        DeskSettings()  # type: ignore[call-arg]  # from the environment
    assert settings_problems(refused.value) == [
        "HELPDESK_OFFICE_HOURS_FILE: trong tuần không có khoảng giờ làm việc nào; "
        "ít nhất một ngày phải có giờ làm việc."
    ]
